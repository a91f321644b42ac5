from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from masterpath.errors import InvalidInput, NotFound
from masterpath.services import Context, accounts, evidence

PASSWORD = "correct horse battery"


@pytest.fixture
def learner(ctx: Context) -> int:
    return accounts.register(ctx, email="ada@example.com", password=PASSWORD).id


def answer(ctx: Context, learner: int, **extra: object) -> tuple[evidence.Record, bool]:
    values: dict[str, object] = {
        "user_id": learner,
        "skill_id": "python-basics",
        "source_kind": "item",
        "source_id": "python-basics:mutable",
        "mode": "practice",
        "score": 1.0,
        "grader": "auto",
    }
    return evidence.record(ctx, **{**values, **extra})


def count(ctx: Context) -> int:
    with ctx.db.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM evidence")).scalar_one())


def test_an_answer_is_recorded_with_the_pack_version(ctx: Context, learner: int) -> None:
    record, created = answer(ctx, learner, hints_used=1, seconds=12.5)
    assert created and record.pack_version == "1.0.0" and record.graded
    (listed,) = evidence.of_learner(ctx, user_id=learner)
    assert listed == record


def test_same_submission_id_returns_the_first_and_writes_nothing(
    ctx: Context, learner: int
) -> None:
    first, created = answer(ctx, learner, submission_id="abc-1")
    again, created_again = answer(ctx, learner, submission_id="abc-1", score=0.0)
    assert created and not created_again and again == first and count(ctx) == 1


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"skill_id": "astrology"}, NotFound, "no skill 'astrology'"),
        ({"source_id": "python-basics:nope"}, NotFound, "no item 'python-basics:nope'"),
        ({"source_id": "sql-basics:aggregates"}, NotFound, "does not belong to skill"),
        ({"score": 1.5}, InvalidInput, "outside [0, 1]"),
        ({"score": float("nan")}, InvalidInput, "outside [0, 1]"),
        ({"mode": "guessing"}, InvalidInput, "unknown mode"),
        ({"grader": "friend"}, InvalidInput, "unknown grader"),
        (
            {"mode": "flashcard", "source_kind": "card", "source_id": "python-basics:none"},
            InvalidInput,
            "self-reports",
        ),
    ],
)
def test_bad_evidence_is_refused_and_nothing_written(
    ctx: Context, learner: int, change: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message.replace("[", r"\[").replace("]", r"\]")):
        answer(ctx, learner, **change)
    assert count(ctx) == 0


def test_future_timestamp_is_refused(ctx: Context, learner: int) -> None:
    with pytest.raises(InvalidInput, match="future"):
        answer(ctx, learner, answered_at=ctx.clock.now() + timedelta(hours=1))
    assert count(ctx) == 0


def test_self_reports_are_recorded_but_not_graded(ctx: Context, learner: int) -> None:
    record, _ = answer(
        ctx,
        learner,
        mode="flashcard",
        source_kind="card",
        source_id="python-basics:none",
        grader="self",
        score=0.75,
    )
    assert not record.graded


def test_evidence_cannot_be_updated_or_deleted(ctx: Context, learner: int) -> None:
    answer(ctx, learner)
    for statement in ("UPDATE evidence SET score = 0", "DELETE FROM evidence"):
        with pytest.raises(Exception, match="append-only"), ctx.db.engine.begin() as connection:
            connection.execute(text(statement))
    assert count(ctx) == 1


def test_filters_and_paging(ctx: Context, learner: int) -> None:
    for n in range(3):
        answer(ctx, learner, submission_id=f"s{n}")
    answer(
        ctx, learner, skill_id="sql-basics", source_id="sql-basics:aggregates", mode="diagnostic"
    )
    assert [r.skill_id for r in evidence.of_learner(ctx, user_id=learner, mode="diagnostic")] == [
        "sql-basics"
    ]
    page = evidence.of_learner(ctx, user_id=learner, skill_id="python-basics", limit=2)
    rest = evidence.of_learner(
        ctx, user_id=learner, skill_id="python-basics", before_id=page[-1].id
    )
    assert len(page) == 2 and len(rest) == 1 and rest[0].id < page[-1].id
