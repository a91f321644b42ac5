"""`masterpath demo`: weeks of study history made through the real services."""

from __future__ import annotations

import pytest

from masterpath.errors import Conflict
from masterpath.services import (
    Context,
    accounts,
    cohorts,
    demo,
    evidence,
    instructor,
    packs,
    tracks,
)


def test_the_demo_learner_has_a_history_of_every_kind(ctx: Context) -> None:
    packs.install_builtin(ctx)
    made = demo.create(ctx, weeks=3, progress=lambda _: None)
    assert made.days_studied >= 10 and made.answers > 50 and made.reviews > 10
    assert made.mastered  # three weeks are enough for the first skill
    _, user = accounts.login(ctx, email=demo.LEARNER, password=demo.PASSWORD, address="127.0.0.1")
    records = evidence.of_learner(ctx, user_id=user.id, limit=5000)
    modes = {r.mode for r in records}
    assert {"practice", "flashcard", "mastery_check", "task"} <= modes
    first, last = min(r.answered_at for r in records), max(r.answered_at for r in records)
    assert (last - first).days >= 14  # spread over the weeks, not made in one moment
    assert last <= ctx.clock.now()
    assert [t["id"] for t in tracks.of_learner(ctx, user_id=user.id)] == [made.track_id]
    _, teacher = accounts.login(
        ctx, email=demo.INSTRUCTOR, password=demo.PASSWORD, address="127.0.0.1"
    )
    (cohort,) = cohorts.of_instructor(ctx, instructor_id=teacher.id)
    page = instructor.cohort_page(ctx, instructor_id=teacher.id, cohort_id=cohort.id)
    assert [row.email for row in page.learners] == [demo.LEARNER]
    assert len(page.pending) == 1  # a link waiting for the instructor's score
    with pytest.raises(Conflict, match="already exists"):
        demo.create(ctx, weeks=1, progress=lambda _: None)
