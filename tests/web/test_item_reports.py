"""Report an item, then an admin voids its evidence: over real HTTP to a served process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from masterpath.services import Context, accounts
from masterpath.settings import Settings
from tests.web.helpers import PASSWORD, soup
from tests.web.live import Client, log_in, serving

MUTABLE = "python-basics:mutable"
REPORT = "/items/python-basics:mutable/report"


@pytest.fixture
def port(settings: Settings, ctx: Context) -> Iterator[int]:
    for name, role in (("ada", "learner"), ("bob", "learner"), ("root", "admin")):
        accounts.register(ctx, email=f"{name}@example.com", password=PASSWORD, role=role)
    accounts.register(ctx, email="ira@example.com", password=PASSWORD, role="instructor")
    with serving(settings) as found:
        yield found


def _login(port: int, name: str) -> Client:
    return log_in(port, f"{name}@example.com", PASSWORD)


def _answer(client: Client, option: str) -> str:
    reply = client.form(
        "/skills/python-basics/practice",
        {"item_id": MUTABLE, "response": option, "csrf_token": client.csrf},
    )
    assert reply.status == 200, reply.body
    return reply.body


def _count(ctx: Context, table: str) -> int:
    with ctx.db.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_report_then_void_over_http(port: int, ctx: Context) -> None:
    ada, bob, root = _login(port, "ada"), _login(port, "bob"), _login(port, "root")
    feedback = soup(_answer(ada, "a"))
    form = feedback.find("form", attrs={"action": "/items/python-basics%3Amutable/report"})
    assert form is not None and form.find("input", attrs={"name": "csrf_token"}) is not None
    # bob has not answered the item: he cannot report it
    assert bob.form(REPORT, {"kind": "key", "note": "?", "csrf_token": bob.csrf}).status == 404
    assert bob.get(REPORT).status == 404 and ada.get(REPORT).status == 200
    # no CSRF token: refused, nothing written
    ada_no_token = Client(port, cookie=ada.cookie, headers={"Accept": "text/html"})
    assert ada_no_token.form(REPORT, {"kind": "key", "note": "x"}).status == 403
    too_long = ada.form(REPORT, {"kind": "key", "note": "x" * 2001, "csrf_token": ada.csrf})
    assert too_long.status == 400 and "at most 2000" in too_long.body
    unknown = ada.form(
        "/items/python-basics:nope/report", {"kind": "key", "note": "", "csrf_token": ada.csrf}
    )
    assert unknown.status == 404
    assert _count(ctx, "item_reports") == 0
    sent = ada.form(REPORT, {"kind": "key", "note": "b is right secret", "csrf_token": ada.csrf})
    assert sent.status == 303 and sent.headers["location"].endswith("?notice=sent")

    # learners and instructors never see reports, nor can they resolve or void
    for who in (ada, bob, _login(port, "ira")):
        assert who.get("/admin/reports").status == 403
        void = who.form(f"/admin/items/{MUTABLE}/void", {"reason": "x", "csrf_token": who.csrf})
        assert void.status == 403
    assert "b is right secret" not in bob.get("/skills/python-basics").body

    page = soup(root.get("/admin/reports").body)
    row = page.find("tr", attrs={"data-item": MUTABLE})
    count = row.find(class_="count") if row is not None else None
    assert row is not None and count is not None and count.get_text() == "1"
    assert "b is right secret" in row.get_text()
    bad = root.form(f"/admin/items/{MUTABLE}/void", {"reason": " ", "csrf_token": root.csrf})
    assert bad.status == 400 and "give a reason" in bad.body
    assert _count(ctx, "evidence_voids") == 0
    done = root.form(f"/admin/items/{MUTABLE}/void", {"reason": "key", "csrf_token": root.csrf})
    assert done.status == 303 and done.headers["location"] == "/admin/reports?notice=voided"
    assert _count(ctx, "evidence_voids") == 1 and _count(ctx, "evidence") == 1
    assert "No open reports." in root.get("/admin/reports").body

    stats = soup(root.get("/instructor/items?min_answers=1").body)
    assert stats.find("tr", attrs={"data-item": MUTABLE}) is None  # voided: no counted answers
    _answer(bob, "b")
    shown = soup(_login(port, "ira").get("/instructor/items?sort=answers&min_answers=1").body)
    assert shown.find("tr", attrs={"data-item": MUTABLE}) is not None
    assert bob.get("/instructor/items").status == 403


def test_an_admin_resolves_reports(port: int) -> None:
    ada, root = _login(port, "ada"), _login(port, "root")
    _answer(ada, "c")
    ada.form(REPORT, {"kind": "wording", "note": "", "csrf_token": ada.csrf})
    resolved = root.form(f"/admin/items/{MUTABLE}/resolve", {"csrf_token": root.csrf})
    assert resolved.status == 303
    assert "No open reports." in root.get("/admin/reports").body
