"""A skill's mastery estimate over time, replayed from its graded answers. Pure.

The replay runs the answers through the same knowledge-tracing update the engine applies
(`kt.observe`), then predicts the estimate after each one in a single batch. Only this skill's
answers are replayed: the skill's own counters come out exactly as the engine kept them, and
the learner-wide counters are those of a learner who answered only this skill. The untrained
model reads the skill's counters alone, so its replay is exact; a fitted model also reads the
learner-wide ones, and the replay is then an approximation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from masterpath.domain import kt
from masterpath.domain.mastery import DECAY_RECALL

NO = np.array([False])
ZERO = np.array([0], dtype=np.int64)


@dataclass(frozen=True)
class Answer:
    """One graded answer of the skill, oldest first."""

    at: datetime
    score: float
    hints: int = 0
    difficulty: str = "medium"


@dataclass(frozen=True)
class Point:
    at: datetime
    estimate: float  # P(correct on an unseen item of the skill) right after this answer
    score: float


@dataclass(frozen=True)
class Marker:
    at: datetime
    kind: str  # mastered, decaying or placed
    label: str


def replay(answers: Sequence[Answer], params: kt.Params, *, skill_id: str) -> list[Point]:
    """The estimate after each answer."""
    if not answers:
        return []
    learner, record = kt.Learner.new(), kt.SkillRecord.new()
    learners, records = [], []
    for answer in answers:
        credit, debit = kt.credit(answer.score, hints=answer.hints, difficulty=answer.difficulty)
        learner, record = kt.observe(
            learner,
            record,
            skill=ZERO,
            credit=np.array([credit]),
            debit=np.array([debit]),
            same=NO,
        )
        learners.append(learner)
        records.append(record)
    size = len(answers)
    after, recorded = kt.stack(learners), kt.stack(records)
    x = kt.features(
        after,
        recorded,
        skill=np.zeros(size, dtype=np.int64),
        q=np.full(size, 0.5),
        same=np.zeros(size, dtype=bool),
    )
    p = kt.predict(
        params, x, params.index([skill_id] * size), same=np.zeros(size, dtype=bool), last=after.last
    )
    return [Point(a.at, float(v), a.score) for a, v in zip(answers, p, strict=True)]


def fading_after(stability_days: float) -> timedelta:
    """How long after the last graded answer forecast recall falls below `DECAY_RECALL`, on
    the engine's curve recall = (1 + days / (9 × stability))⁻¹."""
    return timedelta(days=9 * stability_days * (1 / DECAY_RECALL - 1))


def markers(
    graded: Sequence[datetime],
    *,
    mastered_at: datetime | None,
    placed_at: datetime | None,
    stability_days: float,
    now: datetime,
    since: datetime | None = None,
) -> list[Marker]:
    """When the skill was placed and mastered, and each time since mastery that its forecast
    recall fell below the bar because no graded answer came in time (decaying). `graded` are
    the graded answers' times from `since` on (None: all of them)."""
    found = []
    if placed_at is not None:
        found.append(Marker(placed_at, "placed", "Placed by the diagnostic"))
    if mastered_at is not None:
        found.append(Marker(mastered_at, "mastered", "Mastered"))
        gap = fading_after(stability_days)
        first = max(mastered_at, since) if since is not None else mastered_at
        times = sorted(t for t in graded if t >= first)
        starts = [first, *times]
        for start, end in zip(starts, [*starts[1:], now], strict=True):
            if end - start > gap:
                label = f"Decaying: recall forecast under {DECAY_RECALL:.0%}"
                found.append(Marker(start + gap, "decaying", label))
    return sorted(found, key=lambda m: m.at)
