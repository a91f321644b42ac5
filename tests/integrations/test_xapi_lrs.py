"""Evidence reaches a real LRS (ralph) exactly once, whatever the LRS does meanwhile."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import text

from masterpath.clock import Clock
from masterpath.services import Context, accounts, evidence, xapi
from masterpath.store import outbox
from tests.integrations.conftest import LRS_PASSWORD, LRS_USER, Misbehaving, Ralph

pytestmark = pytest.mark.integration
HOME = "https://masterpath.example"


def with_lrs(
    ctx: Context, endpoint: str, *, later: timedelta = timedelta(0), timeout: float = 15.0
) -> Context:
    settings = ctx.settings.model_copy(
        update={
            "base_url": HOME,
            "lrs_endpoint": endpoint,
            "lrs_key": LRS_USER,
            "lrs_secret": LRS_PASSWORD,
            "lrs_timeout_seconds": timeout,
        }
    )
    return dataclasses.replace(ctx, settings=settings, clock=Clock(later))


def answer(ctx: Context, learner: int, n: int) -> None:
    for i in range(n):
        evidence.record(
            ctx,
            user_id=learner,
            skill_id="python-basics",
            source_kind="item",
            source_id="python-basics:mutable",
            mode="practice",
            score=1.0 if i % 2 else 0.0,
            grader="auto",
            seconds=10.0 + i,
        )


def waiting(ctx: Context) -> int:
    return xapi.counts(ctx)["waiting"]


@pytest.fixture
def learner(ctx: Context) -> int:
    return accounts.register(ctx, email="ada@example.com", password="correct horse battery").id


def test_every_statement_arrives_once_while_the_lrs_stops_and_comes_back(
    ctx: Context, learner: int, ralph: Ralph
) -> None:
    live = with_lrs(ctx, ralph.endpoint)
    answer(live, learner, 3)
    assert xapi.push(live).sent == 3

    ralph.stop()
    answer(live, learner, 4)  # answers are recorded while the LRS is down
    down = xapi.push(live)
    assert (down.sent, down.failed) == (0, 4) and "did not answer" in down.error
    assert waiting(live) == 4
    ralph.start()
    assert xapi.push(live).sent == 0  # backing off: not due yet

    assert xapi.push(with_lrs(ctx, ralph.endpoint, later=timedelta(minutes=2))).sent == 4
    assert waiting(live) == 0
    with ctx.db.engine.begin() as connection:  # as if every reply had been lost: send again
        connection.execute(
            text("UPDATE xapi_outbox SET sent_at = NULL, next_attempt_at = created_at")
        )
    assert xapi.push(live).sent == 7

    stored = ralph.statements()
    ids = sorted(str(s["id"]) for s in stored)
    with ctx.db.begin() as tx:
        every = outbox.evidence_after(tx, after=0, limit=1000)
        expected = sorted(s["id"] for s in xapi.statements_of(live, tx, every))
    assert ids == expected and len(ids) == 7
    actor = stored[0]["actor"]
    assert actor == {"objectType": "Agent", "account": {"homePage": HOME, "name": str(learner)}}


def test_two_drainers_at_once_send_each_statement_once(
    ctx: Context, learner: int, ralph: Ralph
) -> None:
    live = with_lrs(ctx, ralph.endpoint)
    answer(live, learner, 30)
    reports: list[xapi.PushReport] = []
    threads = [
        threading.Thread(target=lambda: reports.append(xapi.push(live, batch=5))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in reports) + waiting(live) == 30
    xapi.push(live)
    assert len(ralph.statements()) == 30


@pytest.mark.parametrize("mode", ["500", "hang"])
def test_an_lrs_that_fails_or_hangs_loses_nothing(
    ctx: Context,
    learner: int,
    ralph: Ralph,
    broken_lrs: tuple[ThreadingHTTPServer, type[Misbehaving]],
    mode: str,
) -> None:
    server, handler = broken_lrs
    handler.mode = mode
    broken = with_lrs(ctx, f"http://127.0.0.1:{server.server_address[1]}/xAPI/", timeout=1.0)
    answer(broken, learner, 3)
    report = xapi.push(broken)
    assert (report.sent, report.failed) == (0, 3) and handler.requests == ["/xAPI/statements"]
    assert ("answered 500" if mode == "500" else "timed out") in report.error
    assert waiting(broken) == 3
    fixed = with_lrs(ctx, ralph.endpoint, later=timedelta(minutes=1))
    assert xapi.push(fixed).sent == 3
    assert len(ralph.statements()) == 3


def test_a_statement_the_lrs_holds_in_another_form_does_not_block_the_rest(
    ctx: Context, learner: int, ralph: Ralph
) -> None:
    live = with_lrs(ctx, ralph.endpoint)
    answer(live, learner, 3)
    assert xapi.push(live).sent == 3
    answer(live, learner, 2)
    with ctx.db.engine.begin() as connection:  # the first three go again, now different
        connection.execute(text("UPDATE xapi_outbox SET sent_at = NULL"))
    moved = dataclasses.replace(
        live, settings=live.settings.model_copy(update={"base_url": "https://moved.example"})
    )
    report = xapi.push(moved)  # the batch gets 409; record by record, all five are settled
    assert (report.sent, report.failed, report.error) == (5, 0, "")
    homes = sorted(str(s["actor"]["account"]["homePage"]) for s in ralph.statements())  # type: ignore[index]
    assert homes == [HOME] * 3 + ["https://moved.example"] * 2  # the LRS kept the first forms


def test_serve_drains_in_a_thread_when_asked(ctx: Context, learner: int, ralph: Ralph) -> None:
    from fastapi.testclient import TestClient

    from masterpath.web import create_app

    live = with_lrs(ctx, ralph.endpoint)
    live = dataclasses.replace(
        live, settings=live.settings.model_copy(update={"outbox_seconds": 0.2})
    )
    with TestClient(create_app(live.settings, context=live)):
        answer(live, learner, 4)  # recorded while the app runs: nothing waits on the LRS
        deadline = time.monotonic() + 60
        while waiting(live) or xapi.counts(live)["sent"] < 4:
            assert time.monotonic() < deadline, xapi.counts(live)
            time.sleep(0.2)
    assert len(ralph.statements()) == 4


def test_deleting_an_account_voids_its_statements_in_the_lrs(
    ctx: Context, learner: int, ralph: Ralph
) -> None:
    from masterpath.services import erasure

    live = with_lrs(ctx, ralph.endpoint)
    answer(live, learner, 3)
    other = accounts.register(ctx, email="bob@example.com", password="correct horse battery").id
    answer(live, other, 1)
    assert xapi.push(live).sent == 4
    answer(live, learner, 2)  # recorded, not sent yet: after the deletion it never is
    assert erasure.delete(live, user_id=learner).records_voided == 3
    report = xapi.push(live)
    assert (report.queued, report.sent, report.voided, report.error) == (0, 0, 3, "")
    assert xapi.push(live).voided == 0  # once
    with ctx.db.begin() as tx:
        mine = [r for r in outbox.evidence_after(tx, after=0, limit=100) if r.user_id == learner]
        sent = {s["id"] for s in xapi.statements_of(live, tx, mine[:3])}
        unsent = {s["id"] for s in xapi.statements_of(live, tx, mine[3:])}
    stored: list[dict[str, Any]] = ralph.statements()
    voiding = [s for s in stored if s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"]
    assert {s["object"]["id"] for s in voiding} == sent
    assert all(s["object"]["objectType"] == "StatementRef" for s in voiding)
    assert not unsent & {s["id"] for s in stored}
