"""The account page's "Download all my data" and "Delete my account", and GET /api/v1/me/export:
each learner reaches only their own data, and deletion needs the password and a CSRF token."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from fastapi.testclient import TestClient

from masterpath.errors import InvalidInput
from masterpath.services import Context, accounts, data_export
from tests.web.helpers import PASSWORD, csrf, register, soup


def files(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n.split("/", 1)[1]: archive.read(n).decode() for n in archive.namelist()}


def test_the_account_page_downloads_my_data(client: TestClient) -> None:
    register(client, "ada@example.com")
    page = soup(client.get("/account").text)
    link = page.find("a", string="Download all my data")
    assert link is not None and link["href"] == "/account/export"
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    assert json.loads(files(response.content)["account.json"])["email"] == "ada@example.com"
    api = client.get("/api/v1/me/export")
    assert api.status_code == 200 and "account.json" in files(api.content)


def test_each_learner_exports_only_their_own_data(client: TestClient) -> None:
    register(client, "ada@example.com")
    client.cookies.clear()
    register(client, "eve@example.com")
    for path in ("/account/export", "/api/v1/me/export"):
        text = "".join(files(client.get(path).content).values())
        assert "eve@example.com" in text and "ada@example.com" not in text
    client.cookies.clear()
    assert client.get("/api/v1/me/export").status_code == 401


def _delete(client: TestClient, **fields: str) -> int:
    response = client.post("/account/delete", data=fields, follow_redirects=False)
    return response.status_code


def test_deleting_needs_a_csrf_token(client: TestClient, ctx: Context) -> None:
    register(client, "ada@example.com")
    assert _delete(client, password=PASSWORD) == 403
    assert _delete(client, password=PASSWORD, csrf_token="forged") == 403
    assert accounts.has_password(ctx, email="ada@example.com", password=PASSWORD)


def test_deleting_needs_the_password(client: TestClient, ctx: Context) -> None:
    register(client, "ada@example.com")
    response = client.post(
        "/account/delete",
        data={"password": "not my password", "csrf_token": csrf(client, "/account")},
    )
    assert response.status_code == 400
    assert "enter your current password" in response.text
    assert accounts.has_password(ctx, email="ada@example.com", password=PASSWORD)


def test_a_learner_deletes_their_account_and_cannot_log_in(
    client: TestClient, ctx: Context
) -> None:
    register(client, "ada@example.com")
    token = csrf(client, "/account")
    response = client.post(
        "/account/delete",
        data={"password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/?deleted=1"
    assert "Your account was deleted" in client.get("/?deleted=1").text
    assert client.get("/api/v1/me").status_code == 401
    with pytest.raises(InvalidInput):
        accounts.login(ctx, email="ada@example.com", password=PASSWORD, address="127.0.0.1")


def test_a_learner_cannot_delete_another_learner(client: TestClient, ctx: Context) -> None:
    register(client, "ada@example.com")
    ada = data_export.user_id_of(ctx, email="ada@example.com")
    client.cookies.clear()
    register(client, "eve@example.com", password="eve's own password")
    token = csrf(client, "/account")
    # Eve knows Ada's password: the form still deletes only the account logged in, and checks
    # the password of that account
    assert _delete(client, password=PASSWORD, csrf_token=token) == 400
    assert _delete(client, password="eve's own password", csrf_token=token) == 303
    assert data_export.user_id_of(ctx, email="ada@example.com") == ada
    assert accounts.has_password(ctx, email="ada@example.com", password=PASSWORD)


def test_a_deleted_learners_badge_page_is_gone_and_the_status_list_revokes_it(
    client: TestClient, ctx: Context
) -> None:
    pytest.importorskip("pyld")
    from masterpath.domain import status_list
    from tests.web.test_badge_pages import mastered

    found = mastered(client, ctx)
    listed = client.get("/badges/status/revocation").json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert not status_list.is_set(listed["credentialSubject"]["encodedList"], found.id)
    credential = client.get(f"/badges/{found.public_id}.json").json()
    assert status_list.entry_of(credential) == (
        "http://testserver/badges/status/revocation",
        found.id,
    )
    token = csrf(client, "/account")
    assert _delete(client, password=PASSWORD, csrf_token=token) == 303
    assert client.get(f"/badges/{found.public_id}").status_code == 404
    assert client.get(f"/badges/{found.public_id}.json").status_code == 404
    listed = client.get("/badges/status/revocation").json()
    assert status_list.is_set(listed["credentialSubject"]["encodedList"], found.id)
