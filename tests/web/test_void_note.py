"""The skill page tells a learner whose mastery a void reopened, and nobody else."""

from __future__ import annotations

from fastapi.testclient import TestClient

from masterpath.services import Context, item_reports, mastery_state, roles
from masterpath.settings import Settings
from masterpath.web import create_app
from tests.services.test_mastery_walk import master_python
from tests.web.helpers import register, soup


def test_the_skill_page_explains_a_reopened_mastery_to_its_learner_only(
    client: TestClient, settings: Settings, ctx: Context
) -> None:
    register(client, "ada@example.com")
    ada = roles.set_role(ctx, email="ada@example.com", role="learner").id
    with ctx.db.begin() as tx:
        mastery_state.place_in(tx, user_id=ada, skill_ids=["sql-basics"], now=ctx.clock.now())
    master_python(ctx, ada)
    item_reports.void(ctx, admin_id=None, item_id="python-basics:mutable", reason="wrong key")
    page = soup(client.get("/skills/python-basics").text)
    (note,) = page.select(".void-note")
    assert "python-basics:mutable" in note.get_text() and "wrong key" in note.get_text()
    assert "back in progress" in note.get_text()
    assert "status-in_progress" in str(page.select_one("#status-h"))
    log = soup(client.get("/dashboard").text)
    assert len(log.select(".voided")) >= 1  # the evidence log still lists it, marked voided
    with TestClient(create_app(settings, context=ctx)) as other:
        register(other, "bob@example.com")
        shown = soup(other.get("/skills/python-basics").text)
        assert shown.select(".void-note") == []
