"""A learner walks a skill from locked to mastered to decaying; a placed skill reopens."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from itertools import cycle

import pytest

from masterpath.clock import Clock
from masterpath.domain import mastery as rules
from masterpath.services import Context, accounts, evidence, mastery

PASSWORD = "correct horse battery"


def later(ctx: Context, **delta: float) -> Context:
    return dataclasses.replace(ctx, clock=Clock(ctx.clock.offset + timedelta(**delta)))


def answer(ctx: Context, user: int, skill: str, item: str, score: float, **extra: object) -> None:
    evidence.record(
        ctx,
        user_id=user,
        skill_id=skill,
        source_kind="item",
        source_id=f"{skill}:{item}",
        score=score,
        grader="auto",
        **{"mode": "practice", **extra},
    )  # type: ignore[arg-type]


def status(ctx: Context, user: int, skill: str) -> str:
    return mastery.explain(ctx, user_id=user, skill_id=skill).status


@pytest.fixture
def user(ctx: Context) -> int:
    return accounts.register(ctx, email="ada@example.com", password=PASSWORD).id


def master_python(ctx: Context, user: int) -> Context:
    for item in [*(["len-list", "mutable", "def-keyword"] * 7)]:
        answer(ctx, user, "python-basics", item, 1.0)
    for item in ("len-list", "mutable", "def-keyword", "return-none"):
        answer(ctx, user, "python-basics", item, 1.0, mode="mastery_check", check_id=1)
    evidence.record(
        ctx,
        user_id=user,
        skill_id="python-basics",
        source_kind="task",
        source_id="python-basics",
        mode="task",
        score=0.8,
        grader="rubric",
    )
    explained = mastery.explain(ctx, user_id=user, skill_id="python-basics")
    assert explained.status == "in_progress"
    assert [i["met"] for i in explained.checklist] == [True, True, True, False]
    assert explained.next_steps[0].startswith("Pass the retention check (available from ")
    ctx = later(ctx, days=2, hours=1)
    for item in ("return-none", "len-list", "mutable"):
        answer(ctx, user, "python-basics", item, 1.0, mode="retention_check", check_id=2)
    return ctx


def test_locked_available_mastered_decaying(ctx: Context, user: int) -> None:
    assert status(ctx, user, "data-cleaning") == "locked"
    assert status(ctx, user, "python-basics") == "available"
    first = mastery.explain(ctx, user_id=user, skill_id="data-cleaning")
    assert first.next_steps == [
        "Master or place the prerequisites first: python-basics, sql-basics."
    ]
    answer(ctx, user, "python-basics", "len-list", 1.0)
    assert status(ctx, user, "python-basics") == "in_progress"
    ctx = master_python(ctx, user)
    explained = mastery.explain(ctx, user_id=user, skill_id="python-basics")
    assert explained.status == "mastered" and explained.next_steps == []
    assert explained.estimate >= rules.THRESHOLD
    mastery.place(ctx, user_id=user, skill_ids=["sql-basics"])
    assert status(ctx, user, "sql-basics") == "placed"
    assert status(ctx, user, "data-cleaning") == "available"
    months = later(ctx, days=60)
    assert status(months, user, "python-basics") == "decaying"
    assert status(months, user, "data-cleaning") == "available"  # unlocks stick


def test_failed_retention_check_reopens_a_placed_skill(ctx: Context, user: int) -> None:
    ctx = master_python(ctx, user)
    mastery.place(ctx, user_id=user, skill_ids=["sql-basics"])
    assert status(ctx, user, "data-cleaning") == "available"
    for item in ("clause-order", "aggregates", "where-filter"):
        answer(ctx, user, "sql-basics", item, 0.0, mode="retention_check", check_id=7)
    assert status(ctx, user, "sql-basics") == "in_progress"
    assert status(ctx, user, "data-cleaning") == "locked"


def test_passing_retention_confirms_a_placed_skill(ctx: Context, user: int) -> None:
    mastery.place(ctx, user_id=user, skill_ids=["sql-basics"])
    for item in ("clause-order", "aggregates", "where-filter"):
        answer(ctx, user, "sql-basics", item, 1.0, mode="retention_check", check_id=3)
    assert status(ctx, user, "sql-basics") == "mastered"


def test_self_reports_never_move_the_estimate(ctx: Context, user: int) -> None:
    before = mastery.explain(ctx, user_id=user, skill_id="python-basics").estimate
    for _ in range(5):
        evidence.record(
            ctx,
            user_id=user,
            skill_id="python-basics",
            source_kind="card",
            source_id="python-basics:none",
            mode="flashcard",
            score=1.0,
            grader="self",
        )
    after = mastery.explain(ctx, user_id=user, skill_id="python-basics")
    assert after.estimate == before and after.status == "available"


def test_wheel_spinning_recommends_a_prerequisite_or_a_worked_example(
    ctx: Context, user: int
) -> None:
    mastery.place(ctx, user_id=user, skill_ids=["python-basics", "sql-basics"])
    items = cycle(["dedupe-ratio"])
    for _ in range(9):
        answer(ctx, user, "data-cleaning", next(items), 0.0)
    assert mastery.explain(ctx, user_id=user, skill_id="data-cleaning").recommendation == (
        "practice"
    )
    answer(ctx, user, "data-cleaning", next(items), 0.0)
    assert mastery.explain(ctx, user_id=user, skill_id="data-cleaning").recommendation == (
        "prerequisite"
    )
    for _ in range(10):
        answer(ctx, user, "python-basics", "len-list", 0.0)
    assert mastery.explain(ctx, user_id=user, skill_id="python-basics").recommendation == (
        "worked_example"
    )
