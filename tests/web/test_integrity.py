"""What the web layer owes even when things go wrong: headers on a 500, a mentor stream that
always ends, escaped Markdown, strict numbers, documented errors, believed client addresses."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from masterpath.services import Context, accounts, packs
from masterpath.web import create_app
from tests.services.test_study import SKILL, STUDY_PACK
from tests.web.helpers import csrf, register
from tests.web.live import Client, serving


@pytest.fixture
def learner(ctx: Context) -> Iterator[TestClient]:
    packs.install(ctx, [STUDY_PACK])
    app = create_app(ctx.settings, context=ctx)

    @app.get("/test-only/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        register(client, "ada@example.com")
        client.headers["X-CSRF-Token"] = csrf(client, "/account")
        yield client


def test_a_server_error_still_carries_the_security_headers(learner: TestClient) -> None:
    for accept in ("application/json", "text/html"):
        response = learner.get("/test-only/boom", headers={"Accept": accept})
        assert response.status_code == 500
        assert "a bug" not in response.text  # logged, not shown
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_a_first_visit_gets_its_csrf_seed_cookie_and_every_response_the_servers_time(
    client: TestClient,
) -> None:
    first = client.get("/login")
    assert first.headers["server-timing"].startswith("app;dur=")
    cookie = first.headers["set-cookie"]
    assert cookie.startswith("mp_anon=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    again = client.get("/login")  # the cookie came back: not set again
    assert "set-cookie" not in again.headers and "server-timing" in again.headers


def test_the_mentor_stream_ends_with_its_end_event_even_when_it_fails(
    learner: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(ctx: Context, pending: object) -> Iterator[str]:
        yield "A first sentence. "
        raise RuntimeError("the provider broke mid-reply")

    monkeypatch.setattr("masterpath.services.mentor.replies.stream", failing)  # fault injection
    response = learner.post(f"/api/v1/me/skills/{SKILL}/mentor/stream", json={"message": "why?"})
    assert response.status_code == 200
    events = response.text.strip().split("\n\n")
    assert events[0] == "data: A first sentence. "
    assert events[-1].startswith("event: end\ndata: ")
    end = json.loads(events[-1].split("data: ", 1)[1])
    assert "error on our side" in end["error"] and "A first sentence." in end["html"]


def test_the_markdown_portfolio_escapes_html(learner: TestClient, ctx: Context) -> None:
    learner.post(
        f"/api/v1/me/skills/{SKILL}/task",
        json={"text": "find . -type f <script>alert(1)</script> | sort -n | head -3"},
    )
    with ctx.db.begin() as tx:
        from masterpath.store import accounts as store

        user = store.user_by_email(tx, "ada@example.com")
        assert user is not None
        user.display_name = "<img src=x onerror=alert(1)>"
    text = learner.get("/dashboard/portfolio.md").text
    assert "<script>" not in text and "<img" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def test_a_rating_must_be_a_number_not_a_boolean(learner: TestClient) -> None:
    card = learner.get(f"/api/v1/me/cards/due?skill={SKILL}").json()["cards"][0]["id"]
    response = learner.post(f"/api/v1/me/cards/{card}/reviews", json={"rating": True})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "rating"
    assert learner.post(f"/api/v1/me/cards/{card}/reviews", json={"rating": 3}).status_code == 200


def test_openapi_documents_the_error_responses(learner: TestClient) -> None:
    paths = learner.get("/api/v1/openapi.json").json()["paths"]
    answers = paths["/api/v1/me/answers"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409"} <= set(answers)
    assert answers["404"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorOut")


def test_forwarded_addresses_are_believed_only_from_named_proxies(ctx: Context) -> None:
    accounts.register(ctx, email="ada@example.com", password="correct horse b")
    limit = ctx.settings.login_max_per_address
    with serving(ctx.settings) as port:
        statuses = []
        for n in range(limit + 2):
            client = Client(port, headers={"X-Forwarded-For": f"203.0.113.{n}"})
            client.cookie = "mp_anon=probe"
            page = client.get("/login").body
            token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            form = {
                "email": f"nobody{n}@example.com",
                "password": "wrong password!",
                "csrf_token": token,
            }
            statuses.append(client.form("/login", form).status)
    assert statuses[:limit] == [400] * limit
    assert statuses[limit:] == [429, 429]  # a new X-Forwarded-For each time did not help


def test_a_405_lists_every_method_of_the_path(learner: TestClient) -> None:
    response = learner.request("PATCH", f"/api/v1/me/skills/{SKILL}/mentor")
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, POST"
