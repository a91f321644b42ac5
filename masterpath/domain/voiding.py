"""One learner's knowledge-tracing counters replayed from the graded answers that still count.

When evidence is voided, the counters the engine stored after each answer are no longer the
counters of the remaining ledger: they are rebuilt from scratch by `replay.replay`, the same
element-wise update the engine applies after each answer (`services/mastery_state.apply`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from masterpath.domain import kt, replay
from masterpath.domain import mastery as rules


@dataclass(frozen=True)
class Answer:
    skills: tuple[str, ...]  # its own skill first, then the other skills it is evidence for
    weights: tuple[float, float]  # kt.credit of the answer


@dataclass(frozen=True)
class Replayed:
    learner: dict[str, Any]  # kt.dump of the learner counters
    skill_ids: list[str]  # in the order first answered (the engine's `seen`)
    records: dict[str, dict[str, Any]]  # per skill: kt.dump of its record
    attempts: dict[str, int]  # per skill: graded attempts


def replay_learner(answers: Sequence[Answer]) -> Replayed:
    """The counters the engine would hold had only `answers` been recorded, in this order."""
    skills: list[str] = []
    rows: list[tuple[int, float, float, bool]] = []
    for answer in answers:
        for n, skill in enumerate(answer.skills):
            if skill not in skills:
                skills.append(skill)
            rows.append((skills.index(skill), answer.weights[0], answer.weights[1], n > 0))
    if not rows:
        return Replayed(kt.dump(kt.Learner.new()), [], {}, {})
    updates = replay.Updates(
        learner=np.zeros(len(rows), dtype=np.int64),
        skill=np.array([r[0] for r in rows], dtype=np.int64),
        credit=np.array([r[1] for r in rows], dtype=float),
        debit=np.array([r[2] for r in rows], dtype=float),
        same=np.array([r[3] for r in rows], dtype=bool),
    )
    done = replay.replay(updates, learners=1, skills=len(skills))
    one = np.array([0])
    records = {
        skill: kt.dump(replay.take(done.records, (one, np.array([s]))))
        for s, skill in enumerate(skills)
    }
    attempts = {skill: int(done.attempts[0, s]) for s, skill in enumerate(skills)}
    return Replayed(kt.dump(done.learner), skills, records, attempts)


def still_holds(checklist: Sequence[Any], *, estimate_held_before: bool) -> bool:
    """Whether a mastery survives its evidence being voided, from the checklist re-derived
    without the voided records. Mastery sticks through slipping: an estimate that was already
    under the threshold before the void (later wrong answers) is not the void's doing, so only
    a criterion the void broke reopens it."""
    failed = {item.key for item in checklist if not item.met}
    if not estimate_held_before:
        failed.discard("estimate")
    return not failed


@dataclass(frozen=True)
class RetentionAnswer:
    check_id: int
    score: float
    at: datetime
    voided: bool


@dataclass(frozen=True)
class Retention:
    passed: int  # retention checks passed
    passed_at: datetime | None  # the newest pass
    failed_at: tuple[datetime, ...]  # when each failed check ended


def check_passes(scores: Sequence[float], *, answered: int) -> bool | None:
    """A retention check's verdict on the answers that count. None: it decides nothing (not
    every item answered, or every answer voided). With nothing voided this is the engine's rule
    (RETENTION_PASS of RETENTION_ITEMS correct); with some voided, the same share of what is
    left: 2 of 2 passes, 1 of 2 does not."""
    if answered < rules.RETENTION_ITEMS or not scores:
        return None
    correct = sum(score >= 0.999 for score in scores)
    return correct * rules.RETENTION_ITEMS >= rules.RETENTION_PASS * len(scores)


def retention(answers: Sequence[RetentionAnswer]) -> Retention:
    """Retention-check results re-derived from the answers, voided ones left out."""
    groups: dict[int, list[RetentionAnswer]] = {}
    for answer in answers:
        groups.setdefault(answer.check_id, []).append(answer)
    passes, fails = [], []
    for group in groups.values():
        verdict = check_passes([a.score for a in group if not a.voided], answered=len(group))
        ended = max(a.at for a in group)
        if verdict is True:
            passes.append(ended)
        elif verdict is False:
            fails.append(ended)
    return Retention(len(passes), max(passes, default=None), tuple(sorted(fails)))
