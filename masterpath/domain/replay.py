"""Many learners' answers replayed in step through the knowledge-tracing counters.

The engine updates one learner's counters after each graded answer (`kt.observe` with B = 1).
Fitting on the stored evidence, and generating evidence with counters that agree with it, need
the same counters for thousands of learners: here every learner's t-th update is applied at
once, for t = 0, 1, ..., by the same element-wise arithmetic, so each learner ends with exactly
the counters the engine would have stored.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from masterpath.domain import kt


@dataclass(frozen=True)
class Updates:
    """Counter updates of L learners, grouped by learner, each learner's in the order recorded.

    One graded answer is one update per skill it is evidence for: its own skill first, then
    one per `also_skills` entry marked `same` (the same answer, counted once for the learner).
    """

    learner: kt.Ints  # 0 .. L-1, non-decreasing
    skill: kt.Ints  # 0 .. S-1, an index into the caller's list of skills
    credit: kt.Floats
    debit: kt.Floats
    same: NDArray[np.bool_]


@dataclass(frozen=True)
class Replayed:
    """The counters after the last update, and the features before each answer."""

    learner: kt.Learner  # B = L
    records: kt.SkillRecord  # fields shaped (L, S) or (L, S, len(HALF_LIVES))
    attempts: kt.Ints  # (L, S): updates per learner and skill (the engine's graded attempts)
    seen: kt.Ints  # (L, S): where the skill is in the learner's `skill_ids`; -1: never answered
    features: kt.Floats  # (answers, len(NAMES)) before each update that is not `same`, in order


def replay(updates: Updates, *, learners: int, skills: int, features: bool = False) -> Replayed:
    """Apply every update as the engine does after each answer (`services/mastery_state.apply`);
    with `features`, also the features the model saw before each answer."""
    steps = _steps(updates.learner, learners)
    who = kt.Learner.new(learners)
    table = _table(learners, skills)
    attempts = np.zeros((learners, skills), dtype=np.int64)
    seen = -np.ones((learners, skills), dtype=np.int64)
    known = np.zeros(learners, dtype=np.int64)  # skills each learner has answered so far
    row_of = np.cumsum(~updates.same) - 1  # update -> row of `features`
    found = np.zeros((int((~updates.same).sum()) if features else 0, len(kt.NAMES)))
    for rows in steps:
        person, skill, same = updates.learner[rows], updates.skill[rows], updates.same[rows]
        new = seen[person, skill] < 0
        seen[person[new], skill[new]] = known[person[new]]
        known[person[new]] += 1
        index = seen[person, skill]
        before, record = take(who, person), take(table, (person, skill))
        if features:
            x = kt.features(before, record, skill=index, q=np.full(len(rows), 0.5), same=same)
            found[row_of[rows[~same]]] = x[~same]
        after, record = kt.observe(
            before,
            record,
            skill=index,
            credit=updates.credit[rows],
            debit=updates.debit[rows],
            same=same,
        )
        _put(who, person, after)
        _put(table, (person, skill), record)
        attempts[person, skill] += 1
    return Replayed(who, table, attempts, seen, found)


def _steps(learner: kt.Ints, learners: int) -> list[kt.Ints]:
    """Update indexes by step: the t-th update of every learner who has one."""
    if not len(learner):
        return []
    first = np.searchsorted(learner, np.arange(learners))
    step = np.arange(len(learner)) - first[learner]
    order = np.argsort(step, kind="stable")
    bounds = np.searchsorted(step[order], np.arange(int(step.max()) + 2))
    return [order[low:high] for low, high in itertools.pairwise(bounds)]


def _table(learners: int, skills: int) -> kt.SkillRecord:
    flat = kt.SkillRecord.new(learners * skills)
    return kt.SkillRecord(
        **{
            f.name: getattr(flat, f.name).reshape(learners, skills, -1).squeeze(-1)
            if getattr(flat, f.name).ndim == 1
            else getattr(flat, f.name).reshape(learners, skills, -1)
            for f in fields(flat)
        }
    )


def take(state: Any, index: Any) -> Any:
    """The counters at `index` (a copy): `take(replayed.learner, [n])` is learner n, B = 1."""
    return type(state)(**{f.name: getattr(state, f.name)[index] for f in fields(state)})


def _put(state: Any, index: Any, values: Any) -> None:
    """Write counters back (only into the arrays `replay` itself made)."""
    for f in fields(state):
        getattr(state, f.name)[index] = getattr(values, f.name)
