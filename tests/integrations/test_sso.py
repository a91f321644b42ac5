"""Single sign-on against a real OpenID provider on 127.0.0.1 (tests/integrations/oidc_provider.py:
authlib's authorization server): login and account linking, a wrong state, a wrong audience,
an expired ID token, an unverified email, and password login turned off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from masterpath.clock import Clock
from masterpath.services import Context, accounts, roles
from masterpath.store import make_database
from masterpath.web import create_app
from tests.conftest import make_settings
from tests.web.helpers import PASSWORD, csrf, soup

pytest.importorskip("authlib")
pytest.importorskip("flask")

from tests.integrations.oidc_provider import Client, Provider, running

pytestmark = pytest.mark.integration
CALLBACK = "http://testserver/login/sso/callback"
ADA = {"sub": "u-1", "email": "Ada@Example.com", "email_verified": True, "name": "Ada L."}


@pytest.fixture
def provider() -> Iterator[Provider]:
    with running() as found:
        found.clients["masterpath"] = Client("masterpath", "s3cret-value", [CALLBACK])
        found.user = dict(ADA)
        yield found


def app(db_url: str, tmp_path: Path, provider: Provider, **extra: object) -> TestClient:
    settings = make_settings(
        tmp_path,
        db_url,
        sso_issuer=provider.url,
        sso_client_id="masterpath",
        sso_client_secret="s3cret-value",
        sso_name="Example ID",
        **extra,
    )
    ctx = Context(settings, make_database(settings.url), Clock())
    return TestClient(create_app(settings, context=ctx))


@pytest.fixture
def client(db_url: str, tmp_path: Path, provider: Provider) -> Iterator[TestClient]:
    with app(db_url, tmp_path, provider) as found:
        yield found


def authorize(client: TestClient) -> str:
    """Start at MasterPath, go through the provider; the callback path MasterPath is sent to."""
    started = client.get("/login/sso?next=/dashboard", follow_redirects=False)
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"][0]
    answered = httpx.get(location, follow_redirects=False)
    assert answered.status_code == 302, answered.text
    back = urlsplit(answered.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return urlunsplit(("", "", back.path, back.query, ""))


def signed_in_as(client: TestClient) -> str:
    page = client.get("/account", follow_redirects=False)
    return page.text if page.status_code == 200 else ""


def test_login_links_the_account_with_the_verified_email(
    client: TestClient, ctx: Context, provider: Provider
) -> None:
    ada = accounts.register(ctx, email="ada@example.com", password=PASSWORD)
    roles.set_role(ctx, email="ada@example.com", role="instructor")
    done = client.get(authorize(client), follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/dashboard"
    assert "ada@example.com" in signed_in_as(client)
    _, again = accounts.login(ctx, email="ada@example.com", password=PASSWORD, address="t")
    assert again.id == ada.id and again.role == "instructor"  # the role an admin set stays


def test_later_logins_follow_the_subject_not_the_email(
    client: TestClient, ctx: Context, provider: Provider
) -> None:
    ada = accounts.register(ctx, email="ada@example.com", password=PASSWORD)
    client.get(authorize(client), follow_redirects=False)
    client.cookies.clear()
    provider.user = {**ADA, "email": "ada.lovelace@example.com", "email_verified": False}
    client.get(authorize(client), follow_redirects=False)
    assert "ada@example.com" in signed_in_as(client)
    assert not accounts.exists(ctx, email="ada.lovelace@example.com")
    assert accounts.login(ctx, email="ada@example.com", password=PASSWORD, address="t")[1] == ada


def test_first_login_creates_a_learner_without_a_password(
    client: TestClient, ctx: Context, provider: Provider
) -> None:
    provider.user = {**ADA, "email": "grace@example.com", "name": "Grace"}
    client.get(authorize(client), follow_redirects=False)
    assert "grace@example.com" in signed_in_as(client)
    with pytest.raises(Exception, match="Email or password is not right"):
        accounts.login(ctx, email="grace@example.com", password="!sso", address="t")


def test_a_wrong_state_is_refused(client: TestClient) -> None:
    path = authorize(client)
    forged = path.replace("state=", "state=x")
    refused = client.get(forged, follow_redirects=False)
    assert refused.status_code == 400
    assert "the state does not match this sign-in" in refused.text
    assert signed_in_as(client) == ""


def test_a_callback_without_a_started_sign_in_is_refused(client: TestClient) -> None:
    path = authorize(client)
    client.cookies.clear()
    refused = client.get(path, follow_redirects=False)
    assert refused.status_code == 400 and "no sign-in was started here" in refused.text


def test_an_id_token_for_another_audience_is_refused(
    client: TestClient, provider: Provider
) -> None:
    provider.audience = "another-app"
    refused = client.get(authorize(client), follow_redirects=False)
    assert refused.status_code == 400
    assert "the ID token was refused" in refused.text and "aud" in refused.text
    assert signed_in_as(client) == ""


def test_an_expired_id_token_is_refused(client: TestClient, provider: Provider) -> None:
    provider.lifetime = -300  # issued already expired, beyond the 30 s leeway
    refused = client.get(authorize(client), follow_redirects=False)
    assert refused.status_code == 400
    assert "the ID token was refused" in refused.text and "expired" in refused.text.lower()
    assert signed_in_as(client) == ""


def test_an_unverified_email_is_refused(client: TestClient, provider: Provider) -> None:
    provider.user = {**ADA, "email_verified": False}
    refused = client.get(authorize(client), follow_redirects=False)
    assert refused.status_code == 400 and "did not vouch for an email" in refused.text


def test_password_login_can_be_turned_off(
    db_url: str, tmp_path: Path, provider: Provider, ctx: Context
) -> None:
    accounts.register(ctx, email="ada@example.com", password=PASSWORD)
    with app(db_url, tmp_path, provider, password_login=False) as client:
        page = soup(client.get("/login").text)
        assert page.find(id="sso") is not None and page.find(id="password") is None
        assert client.get("/register", follow_redirects=False).headers["location"] == "/login"
        client.get(authorize(client), follow_redirects=False)
        assert "ada@example.com" in signed_in_as(client)
        refused = client.post(
            "/login",
            data={
                "email": "ada@example.com",
                "password": PASSWORD,
                "csrf_token": csrf(client, "/account"),
            },
        )
        assert refused.status_code == 403
        assert "password login is turned off here" in refused.text
