"""xAPI export and the outbox services, without the servers (tests/integrations has those)."""

from __future__ import annotations

import dataclasses
import io
import json
import uuid

import pytest

from masterpath.errors import ConfigurationError, Conflict, NotFound
from masterpath.services import Context, accounts, digest, evidence, mail, xapi
from masterpath.store import outbox

PASSWORD = "correct horse battery"


def configured(ctx: Context, **values: object) -> Context:
    return dataclasses.replace(ctx, settings=ctx.settings.model_copy(update=values))


def answer(ctx: Context, learner: int, score: float) -> None:
    evidence.record(
        ctx,
        user_id=learner,
        skill_id="python-basics",
        source_kind="item",
        source_id="python-basics:mutable",
        mode="practice",
        score=score,
        grader="auto",
        seconds=4.0,
    )


def test_export_writes_one_statement_a_line_and_no_email(ctx: Context) -> None:
    learner = accounts.register(ctx, email="ada@example.com", password=PASSWORD).id
    answer(ctx, learner, 1.0)
    answer(ctx, learner, 0.0)
    out = io.StringIO()
    assert xapi.export(configured(ctx, base_url="https://learn.example.org"), out) == 2
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [s["result"]["success"] for s in lines] == [True, False]
    assert {s["actor"]["account"]["name"] for s in lines} == {str(learner)}
    assert "ada@example.com" not in out.getvalue()
    again = io.StringIO()
    xapi.export(configured(ctx, base_url="https://learn.example.org"), again)
    assert again.getvalue() == out.getvalue()  # the same ids every time


def test_a_configured_namespace_fixes_the_ids(ctx: Context) -> None:
    learner = accounts.register(ctx, email="ada@example.com", password=PASSWORD).id
    answer(ctx, learner, 1.0)
    space = "0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"
    out = io.StringIO()
    xapi.export(configured(ctx, xapi_namespace=space), out)
    (statement,) = [json.loads(line) for line in out.getvalue().splitlines()]
    with ctx.db.begin() as tx:
        (row,) = outbox.evidence_after(tx, after=0, limit=10)
    assert statement["id"] == str(uuid.uuid5(uuid.UUID(space), f"evidence:{row.id}"))


def test_push_and_send_need_their_servers_configured(ctx: Context) -> None:
    with pytest.raises(ConfigurationError, match="MASTERPATH_LRS_ENDPOINT"):
        xapi.push(ctx)
    with pytest.raises(ConfigurationError, match="MASTERPATH_SMTP_HOST"):
        mail.send(ctx)


def test_a_second_drainer_does_nothing_while_the_first_holds_the_lease(ctx: Context) -> None:
    live = configured(
        ctx, base_url="https://learn.example.org", lrs_endpoint="http://127.0.0.1:9/xAPI/"
    )
    with outbox.lease(ctx.db, name="xapi", holder="other", now=ctx.clock.now()):
        assert xapi.push(live) == xapi.PushReport(busy=True)


def test_without_mail_a_taken_address_queues_no_notice(ctx: Context) -> None:
    accounts.register(ctx, email="ada@example.com", password=PASSWORD)
    with pytest.raises(Conflict):
        accounts.register(ctx, email="ada@example.com", password=PASSWORD, address="10.0.0.1")
    with ctx.db.begin() as tx:
        assert outbox.mail_of(tx) == []


def test_a_forged_unsubscribe_link_changes_nothing(ctx: Context) -> None:
    ada = accounts.register(ctx, email="ada@example.com", password=PASSWORD).id
    digest.set_digest(ctx, user_id=ada, on=True)
    good = digest.unsubscribe_token(ctx, ada)
    for bad in (f"{ada}.{'0' * 32}", "x.y", "", good.replace(f"{ada}.", f"{ada + 1}.")):
        with pytest.raises(NotFound):
            digest.unsubscribe(ctx, bad)
    assert digest.wants_digest(ctx, user_id=ada)
    digest.unsubscribe(ctx, good)
    assert not digest.wants_digest(ctx, user_id=ada)


def test_the_answer_that_completes_mastery_is_also_a_mastered_statement(ctx: Context) -> None:
    from tests.services.test_mastery_walk import master_python

    learner = accounts.register(ctx, email="ada@example.com", password=PASSWORD).id
    done = master_python(ctx, learner)
    out = io.StringIO()
    xapi.export(done, out)
    statements = [json.loads(line) for line in out.getvalue().splitlines()]
    mastered = [s for s in statements if s["verb"]["id"].endswith("/mastered")]
    assert len(mastered) == 1
    assert mastered[0]["object"]["id"].endswith("/xapi/activities/skill/python-basics")
    assert len({s["id"] for s in statements}) == len(statements)


def test_repeated_tries_to_register_a_taken_address_send_one_notice_an_hour(
    ctx: Context,
) -> None:
    live = configured(
        ctx, base_url="https://learn.example.org", smtp_host="127.0.0.1", mail_from="n@l.org"
    )
    accounts.register(live, email="ada@example.com", password=PASSWORD)
    for _ in range(3):
        with pytest.raises(Conflict):
            accounts.register(live, email="ada@example.com", password=PASSWORD, address="10.0.0.1")
    with ctx.db.begin() as tx:
        (notice,) = outbox.mail_of(tx, kind="register")
    assert notice.recipient == "ada@example.com"
    assert "https://learn.example.org/forgot" in notice.body


def test_serve_runs_no_drainer_unless_asked(ctx: Context) -> None:
    from masterpath.services.drainer import Drainer

    assert Drainer.configured(ctx) is None
    lrs = configured(ctx, base_url="https://a.example", lrs_endpoint="http://127.0.0.1:9/x/")
    assert Drainer.configured(lrs) is None
    asked = configured(
        ctx, base_url="https://a.example", lrs_endpoint="http://127.0.0.1:9/x/", outbox_seconds=5
    )
    drainer = Drainer.configured(asked)
    assert drainer is not None and drainer.seconds == 5
    drainer.drain()  # an LRS that is not there: logged, not raised
    assert xapi.counts(asked) == {"sent": 0, "waiting": 0}
