"""Races over real HTTP: a real server process, real threads, the test's database (a SQLite
file, or PostgreSQL when MASTERPATH_TEST_DATABASE_URL is set).

Each race fires its requests from threads released by one barrier. Before the fixes these
recorded a check answer twice, a diagnostic answer twice, or answered a repeated submission
id with a 500; now the database allows one answer per check item and one record per
submission id, and the loser of a race gets the winner's result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from sqlalchemy import ColumnElement, func, select

from masterpath.services import Context, accounts, cards, checks, packs, tracks
from masterpath.store.models import Base, Evidence, LearnerCard, TaskSubmission
from tests.services.test_diagnostic import key
from tests.services.test_study import RIGHT, SKILL, STUDY_PACK, local, practise_until_ready
from tests.web.live import Client, Reply, log_in, serving

PASSWORD = "correct horse b"
ROUNDS = 4


def race(calls: list[Callable[[], Reply]]) -> list[Reply]:
    """Run the calls at the same moment, one thread each; their replies in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Reply]) -> Reply:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def count(ctx: Context, *where: ColumnElement[bool], table: type[Base] = Evidence) -> int:
    with ctx.db.begin() as tx:
        return tx.session.scalar(select(func.count()).select_from(table).where(*where)) or 0


@pytest.fixture
def learner(ctx: Context) -> Iterator[tuple[Context, int, Client]]:
    packs.install(ctx, [STUDY_PACK])
    user = accounts.register(ctx, email="ada@example.com", password=PASSWORD).id
    with serving(ctx.settings) as port:
        yield ctx, user, log_in(port, "ada@example.com", PASSWORD)


def test_two_answers_to_one_check_item_record_one(learner: tuple[Context, int, Client]) -> None:
    ctx, user, client = learner
    practise_until_ready(ctx, user)
    check = checks.start_check(ctx, user_id=user, skill_id=SKILL, kind="mastery_check")
    path = f"/api/v1/me/checks/{check.id}/answers"
    for item in check.items:
        body = {"item_id": item.id, "response": RIGHT[local(item.id)]}
        replies = race(
            [
                partial(client.post, path, {**body, "submission_id": f"{item.id}-{n}"})
                for n in (1, 2)
            ]
        )
        assert [r.status for r in replies] == [200, 200], [r.body for r in replies]
    assert count(ctx, Evidence.check_id == check.id) == len(check.items)
    final = client.get(f"/api/v1/me/checks/{check.id}").json()
    assert final["finished"] and final["result"]["correct"] == len(check.items)


def test_two_answers_to_one_diagnostic_question_record_one(
    learner: tuple[Context, int, Client],
) -> None:
    ctx, user, client = learner
    made = tracks.create(ctx, tracks.Intake(goal="orchestrate data pipelines"), user_id=user)
    assert made.track is not None
    track = made.track.id
    view = client.post(f"/api/v1/me/tracks/{track}/diagnostic", {}).json()
    asked = 0
    while not view["finished"] and asked < ROUNDS:
        item = view["item"]["id"]
        body = {"item_id": item, "response": key(ctx, item)}
        path = f"/api/v1/me/tracks/{track}/diagnostic/answers"
        replies = race([partial(client.post, path, body)] * 2)
        assert [r.status for r in replies] == [200, 200], [r.body for r in replies]
        assert count(ctx, Evidence.mode == "diagnostic", Evidence.source_id == item) == 1
        view, asked = replies[0].json(), asked + 1
    assert count(ctx, Evidence.mode == "diagnostic") == asked


def test_a_repeated_submission_id_at_the_same_moment_gets_the_first_result(
    learner: tuple[Context, int, Client],
) -> None:
    ctx, user, client = learner
    for n in range(ROUNDS):
        shown = client.get(f"/api/v1/me/skills/{SKILL}/next-item").json()["item"]
        body = {
            "item_id": shown["id"],
            "response": RIGHT[local(shown["id"])],
            "submission_id": f"answer-{n}",
        }
        replies = race([partial(client.post, "/api/v1/me/answers", body)] * 4)
        assert {r.status for r in replies} == {200}, [r.body for r in replies]
        assert len({r.json()["evidence_id"] for r in replies}) == 1
    assert count(ctx, Evidence.mode == "practice") == ROUNDS

    card = cards.queue(ctx, user_id=user, skill_id=SKILL, limit=1).cards[0].id
    for n in range(ROUNDS):
        body = {"rating": 3, "submission_id": f"review-{n}"}
        replies = race([partial(client.post, f"/api/v1/me/cards/{card}/reviews", body)] * 4)
        assert {r.status for r in replies} == {200}, [r.body for r in replies]
    assert count(ctx, Evidence.mode == "flashcard") == ROUNDS
    assert count(ctx, LearnerCard.user_id == user, table=LearnerCard) == 1

    task = {"text": "find . -type f | sort -n | head -3", "submission_id": "task-1"}
    replies = race([partial(client.post, f"/api/v1/me/skills/{SKILL}/task", task)] * 4)
    assert {r.status for r in replies} == {200}, [r.body for r in replies]
    assert len({r.json()["id"] for r in replies}) == 1
    assert count(ctx, TaskSubmission.user_id == user, table=TaskSubmission) == 1
