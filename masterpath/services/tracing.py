"""Fitting the knowledge-tracing model from the evidence stored here (`masterpath kt fit`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from masterpath.domain import kt
from masterpath.errors import InvalidInput
from masterpath.services import Context
from masterpath.store import content as content_store
from masterpath.store import mastery as store

MIN_ANSWERS = 200
BATCH = 5_000


@dataclass(frozen=True)
class Fitted:
    params_id: int
    answers: int
    learners: int
    skills: int


@dataclass
class _Replay:
    """Each learner's counters while the stored answers are replayed in order."""

    difficulty: dict[str, str]
    learners: dict[int, tuple[kt.Learner, dict[str, kt.SkillRecord], list[str]]]
    x: list[np.ndarray]
    skill: list[str]
    y: list[float]

    def answer(self, e: Any) -> None:
        learner, records, seen = self.learners.get(e.user_id) or (kt.Learner.new(), {}, [])
        good, bad = kt.credit(
            e.score, hints=e.hints_used, difficulty=self.difficulty.get(e.source_id, "medium")
        )
        for n, skill_id in enumerate([e.skill_id, *e.also_skills]):
            if skill_id not in seen:
                seen.append(skill_id)
            record = records.get(skill_id) or kt.SkillRecord.new()
            same, index = np.array([n > 0]), np.array([seen.index(skill_id)])
            if n == 0:
                self.x.append(
                    kt.features(learner, record, skill=index, q=np.array([0.5]), same=same)[0]
                )
                self.skill.append(skill_id)
                self.y.append(1.0 if e.score >= 0.5 else 0.0)
            learner, records[skill_id] = kt.observe(
                learner,
                record,
                skill=index,
                credit=np.array([good]),
                debit=np.array([bad]),
                same=same,
            )
        self.learners[e.user_id] = (learner, records, seen)


def fit(ctx: Context, *, progress: Callable[[int], None] = lambda _: None) -> Fitted:
    """Replay every graded item answer in order, fit, and store the parameters used from now on."""
    with ctx.db.begin() as tx:
        difficulty = {
            row.id: str(row.data.get("difficulty", "medium"))
            for skill in content_store.skills(tx)
            for row in content_store.live_items(tx, skill.id)
        }
        replay = _Replay(difficulty, {}, [], [], [])
        after = 0
        while batch := store.graded_answers(tx, after_id=after, limit=BATCH):
            for e in batch:
                replay.answer(e)
            after = batch[-1].id
            progress(len(batch))
    if len(replay.y) < MIN_ANSWERS:
        raise InvalidInput(
            f"only {len(replay.y)} graded answers are stored; fitting needs at "
            f"least {MIN_ANSWERS}. The untrained defaults stay in use."
        )
    skills = {s: n for n, s in enumerate(sorted(set(replay.skill)))}
    y = np.array(replay.y)
    params = kt.fit(
        np.array(replay.x),
        np.array([skills[s] for s in replay.skill]),
        y,
        skills=skills,
        same=np.zeros(len(y), dtype=bool),
        last=np.zeros(len(y)),
    )
    with ctx.db.begin() as tx:
        params_id = store.add_params(
            tx, fitted_at=ctx.clock.now(), answers=len(y), params=params.to_json()
        )
    return Fitted(params_id, len(y), len(replay.learners), len(skills))


def count_answers(ctx: Context) -> int:
    with ctx.db.begin() as tx:
        return store.count_graded_answers(tx)
