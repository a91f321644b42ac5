from __future__ import annotations

from fastapi.testclient import TestClient

from masterpath.services import Context, accounts
from tests.web.helpers import PASSWORD, csrf, register, soup


def test_register_logs_in_with_safe_cookies(client: TestClient) -> None:
    token = csrf(client, "/register")
    response = client.post(
        "/register",
        data={
            "email": "ada@example.com",
            "password": PASSWORD,
            "display_name": "Ada",
            "timezone": "Asia/Tokyo",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "mp_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    me = client.get("/api/v1/me").json()
    assert me["email"] == "ada@example.com" and me["timezone"] == "Asia/Tokyo"
    assert "Welcome, Ada" in client.get("/account?welcome=1").text


def test_secure_cookie_behind_https(settings: object, ctx: Context) -> None:
    from masterpath.web import create_app

    with TestClient(create_app(ctx.settings, context=ctx), base_url="https://testserver") as c:
        response = c.get("/")
        assert "secure" in response.headers["set-cookie"].lower()


def test_post_without_csrf_token_is_refused_and_writes_nothing(
    client: TestClient, ctx: Context
) -> None:
    client.get("/register")
    response = client.post("/register", data={"email": "x@example.com", "password": PASSWORD})
    assert response.status_code == 403
    response = client.post(
        "/register", data={"email": "x@example.com", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert accounts.sessions(ctx, user_id=1) == []
    from masterpath.store import accounts as store

    with ctx.db.begin() as tx:
        assert store.count_users(tx) == 0


def test_json_requests_need_the_csrf_header(client: TestClient) -> None:
    register(client, "ada@example.com")
    session_id = client.get("/api/v1/me/sessions").json()[0]["id"]
    refused = client.delete(f"/api/v1/me/sessions/{session_id}")
    assert refused.status_code == 403 and refused.json()["status"] == 403
    token = csrf(client, "/account")
    assert (
        client.delete(
            f"/api/v1/me/sessions/{session_id}", headers={"X-CSRF-Token": token}
        ).status_code
        == 204
    )
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_login_gets_a_generic_message(client: TestClient) -> None:
    register(client, "ada@example.com")
    client.post("/logout", data={"csrf_token": csrf(client, "/account")})
    for email, password in (
        ("ada@example.com", "wrong password"),
        ("nobody@example.com", PASSWORD),
    ):
        response = client.post(
            "/login", data={"email": email, "password": password, "csrf_token": csrf(client)}
        )
        assert response.status_code == 400
        alert = soup(response.text).select_one('[role="alert"]')
        assert alert is not None and alert.get_text(strip=True) == accounts.LOGIN_FAILED


def test_login_and_logout(client: TestClient) -> None:
    register(client, "ada@example.com")
    client.post("/logout", data={"csrf_token": csrf(client, "/account")})
    assert client.get("/api/v1/me").status_code == 401
    response = client.post(
        "/login",
        data={
            "email": "ada@example.com",
            "password": PASSWORD,
            "next": "/careers/data-wrangler",
            "csrf_token": csrf(client),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/careers/data-wrangler"
    assert client.get("/api/v1/me").status_code == 200


def test_login_never_redirects_off_site(client: TestClient) -> None:
    register(client, "ada@example.com")
    client.post("/logout", data={"csrf_token": csrf(client, "/account")})
    response = client.post(
        "/login",
        data={
            "email": "ada@example.com",
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": csrf(client),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_personal_pages_need_an_account(client: TestClient) -> None:
    response = client.get("/account", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/account"
    assert client.get("/api/v1/me").json()["status"] == 401


def test_second_learner_gets_404_for_the_first_learners_session(
    client: TestClient, settings: object, ctx: Context
) -> None:
    from masterpath.web import create_app

    register(client, "ada@example.com")
    ada_session = client.get("/api/v1/me/sessions").json()[0]["id"]
    with TestClient(create_app(ctx.settings, context=ctx)) as bob:
        register(bob, "bob@example.com")
        token = csrf(bob, "/account")
        page = bob.post(f"/account/sessions/{ada_session}/revoke", data={"csrf_token": token})
        assert page.status_code == 404
        api = bob.delete(f"/api/v1/me/sessions/{ada_session}", headers={"X-CSRF-Token": token})
        assert api.status_code == 404
        assert all(s["id"] != ada_session for s in bob.get("/api/v1/me/sessions").json())
    assert client.get("/api/v1/me").status_code == 200


def test_change_password_and_timezone_from_the_account_page(client: TestClient) -> None:
    register(client, "ada@example.com")
    token = csrf(client, "/account")
    bad = client.post(
        "/account/password",
        data={
            "current_password": "nope nope nope",
            "new_password": "another password",
            "csrf_token": token,
        },
    )
    assert bad.status_code == 400 and "current password is not right" in bad.text
    good = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "another password",
            "csrf_token": token,
        },
    )
    assert good.status_code == 200 and "Password changed" in good.text
    client.post("/account/timezone", data={"timezone": "America/Lima", "csrf_token": token})
    assert client.get("/api/v1/me").json()["timezone"] == "America/Lima"
    bad_zone = client.post(
        "/account/timezone", data={"timezone": "Nowhere/Land", "csrf_token": token}
    )
    assert bad_zone.status_code == 400


def test_reset_link_from_the_cli_service_sets_a_new_password(
    client: TestClient, ctx: Context
) -> None:
    register(client, "ada@example.com")
    link = accounts.reset_link(ctx, email="ada@example.com", base_url="http://testserver")
    path = link.removeprefix("http://testserver")
    response = client.post(
        path,
        data={"new_password": "fresh password!", "csrf_token": csrf(client, path)},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/login?reset=1"
    assert client.get("/api/v1/me").status_code == 401  # every session was ended


def test_learner_sees_only_their_own_evidence(client: TestClient, ctx: Context) -> None:
    from masterpath.services import evidence
    from masterpath.web import create_app

    register(client, "ada@example.com")
    ada = client.get("/api/v1/me").json()["id"]
    evidence.record(
        ctx,
        user_id=ada,
        skill_id="python-basics",
        source_kind="item",
        source_id="python-basics:mutable",
        mode="practice",
        score=1.0,
        grader="auto",
    )
    assert [e["source_id"] for e in client.get("/api/v1/me/evidence").json()] == [
        "python-basics:mutable"
    ]
    with TestClient(create_app(ctx.settings, context=ctx)) as bob:
        register(bob, "bob@example.com")
        assert bob.get("/api/v1/me/evidence").json() == []
        assert bob.get("/api/v1/me/evidence?skill=python-basics").json() == []
    assert client.get("/api/v1/me/evidence?mode=bogus").status_code == 400
