"""Personal cards (imported from Anki) on the review page: shown sanitised, rated without
evidence, and invisible to other learners; a bad upload is a 400 naming the file."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from masterpath.services import Context, evidence
from masterpath.web import create_app
from tests.interop.test_anki_read import _collection, _package
from tests.web.helpers import csrf, register, soup


def _upload(client: TestClient, path: Path, token: str) -> int:
    files = {"package": (path.name, path.read_bytes(), "application/octet-stream")}
    response = client.post(
        "/review/import", files=files, data={"csrf_token": token}, follow_redirects=False
    )
    return response.status_code


def test_an_uploaded_deck_is_reviewed_on_the_review_page(
    client: TestClient, ctx: Context, tmp_path: Path
) -> None:
    register(client, "ada@example.com")
    notes = [(1, b"<b>hola</b><script>alert(1)</script>\x1fhello <img src=x onerror=alert(2)>")]
    deck = _package(tmp_path / "spanish.apkg", _collection(tmp_path / "c", notes), media=1)
    token = csrf(client, "/review")
    assert _upload(client, deck, token) == 303
    page = soup(client.get("/review").text)
    front = page.select_one(".flashcard .front")
    assert front is not None and str(front.decode_contents()).strip() == "<b>hola</b>"
    assert "script" not in str(page.select_one(".flashcard")) and "onerror" not in str(page)
    form = page.select_one("form.ratings")
    assert form is not None
    fields = {str(i["name"]): str(i.get("value", "")) for i in form.select("input[type=hidden]")}
    assert str(fields["card_id"]).startswith("personal-")
    rated = client.post("/review", data={**fields, "rating": "3"}, follow_redirects=False)
    assert rated.status_code == 303
    user = client.get("/api/v1/me").json()["id"]
    assert evidence.of_learner(ctx, user_id=user) == []  # never evidence
    with TestClient(create_app(ctx.settings, context=ctx)) as other:
        register(other, "bo@example.com")
        stolen = other.post(
            "/review",
            data={**fields, "csrf_token": csrf(other, "/review"), "rating": "1"},
        )
        assert stolen.status_code == 404
        assert "hola" not in other.get("/review").text


def test_a_bad_upload_is_refused_naming_the_file(client: TestClient, tmp_path: Path) -> None:
    register(client, "ada@example.com")
    junk = tmp_path / "junk.apkg"
    junk.write_bytes(b"nothing like a zip")
    token = csrf(client, "/review")
    assert _upload(client, junk, token) == 400
    page = client.post(
        "/review/import",
        files={"package": ("junk.apkg", b"nothing", "application/octet-stream")},
        data={"csrf_token": token},
    ).text
    assert "junk.apkg: not an Anki package" in page
