"""Fitting the knowledge-tracing model from the evidence stored here (`masterpath kt fit`).

The evidence is streamed. Learners are read in blocks of `BLOCK` ids and each block is replayed
in step through the engine's counters (`domain/replay.py`); the features of every answer go to
a temporary file (about 300 bytes an answer). Newton's method then reads that file in chunks,
once per step (`domain/fitting.py`). Memory holds one block or one chunk, however many answers
are stored.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np

from masterpath.domain import fitting, kt, replay
from masterpath.errors import InvalidInput
from masterpath.services import Context
from masterpath.store import content as content_store
from masterpath.store import mastery as store

MIN_ANSWERS = 200
BLOCK = 2_000  # learner ids read and replayed together
CHUNK = 100_000  # answers per read of the features file
ROW = np.dtype([("x", "f8", (len(kt.NAMES),)), ("skill", "i8"), ("y", "f8")])


@dataclass(frozen=True)
class Fitted:
    params_id: int
    answers: int
    learners: int
    skills: int


@dataclass
class _Spill:
    """The features of the answers replayed so far, in a file."""

    file: IO[bytes]
    difficulty: dict[str, str]
    skills: dict[str, int] = field(default_factory=dict)  # skill id -> index, as first met
    answered: set[int] = field(default_factory=set)  # skills of answers (not only also_skills)
    answers: int = 0
    learners: int = 0

    def add(self, rows: list[Any]) -> None:
        """Replay one block of learners' answers and append their features."""
        updates, outcomes, learners = _updates(rows, self.difficulty, self.skills)
        done = replay.replay(updates, learners=learners, skills=len(self.skills), features=True)
        found = np.empty(len(outcomes), ROW)
        found["x"], found["y"] = done.features, outcomes
        found["skill"] = updates.skill[~updates.same]
        self.answered.update(np.unique(found["skill"]).tolist())
        self.file.write(found.tobytes())
        self.answers += len(outcomes)
        self.learners += learners

    def chunks(self, lookup: kt.Ints) -> Iterator[fitting.Chunk]:
        """One pass over the answers: features, the fitted skill index, correct or not."""
        self.file.seek(0)
        while data := self.file.read(CHUNK * ROW.itemsize):
            rows = np.frombuffer(data, ROW)
            yield rows["x"], lookup[rows["skill"]], rows["y"]


def _updates(
    rows: list[Any], difficulty: dict[str, str], skills: dict[str, int]
) -> tuple[replay.Updates, kt.Floats, int]:
    """Counter updates of the rows (an answer updates its skill, then each of `also_skills`),
    each answer's outcome, and how many learners there are (`rows` is not empty)."""
    users, skill_ids, also, items, scores, hints = zip(*rows, strict=True)
    weights: dict[tuple[float, int, str], tuple[float, float]] = {}
    for key in set(zip(scores, hints, (difficulty.get(i, "medium") for i in items), strict=True)):
        weights[key] = kt.credit(key[0], hints=key[1], difficulty=key[2])
    credit = np.array(
        [
            weights[s, h, difficulty.get(i, "medium")]
            for s, h, i in zip(scores, hints, items, strict=True)
        ]
    )
    _, person = np.unique(np.array(users), return_inverse=True)
    every = [
        [s] if more == "[]" else [s, *json.loads(more)]
        for s, more in zip(skill_ids, also, strict=True)
    ]
    count = np.array([len(e) for e in every])
    answer = np.repeat(np.arange(len(rows)), count)
    same = np.ones(len(answer), dtype=bool)
    same[np.cumsum(count) - count] = False
    index = np.array([skills.setdefault(s, len(skills)) for e in every for s in e], dtype=np.int64)
    updates = replay.Updates(
        person[answer].astype(np.int64), index, credit[answer, 0], credit[answer, 1], same
    )
    return updates, (np.array(scores) >= 0.5).astype(float), int(person.max()) + 1


def fit(
    ctx: Context,
    *,
    progress: Callable[[int], None] = lambda _: None,
    note: Callable[[str], None] = lambda _: None,
) -> Fitted:
    """Replay every graded item answer in order, fit, and store the parameters used from now on.

    `progress` gets the number of answers replayed as they are; `note` a line per fitting pass.
    """
    with ctx.db.begin() as tx:
        difficulty = {
            str(item.id): item.difficulty
            for skill in content_store.skills(tx)
            for item in content_store.items(tx, skill.id)
        }
        span = store.learner_id_range(tx)
    with tempfile.TemporaryFile(prefix="masterpath-kt-") as file:
        spill = _Spill(file, difficulty)
        for first in range(span[0], span[1] + 1, BLOCK) if span else []:
            with ctx.db.begin() as tx:
                rows = store.graded_answers_of(tx, first_user=first, last_user=first + BLOCK - 1)
            if rows:
                spill.add(rows)
                progress(len(rows))
        if spill.answers < MIN_ANSWERS:
            raise InvalidInput(
                f"only {spill.answers} graded answers are stored; fitting needs at "
                f"least {MIN_ANSWERS}. The untrained defaults stay in use."
            )
        names = [s for s, n in spill.skills.items() if n in spill.answered]
        skills = {s: n for n, s in enumerate(sorted(names))}
        lookup = np.array([skills.get(s, -1) for s in spill.skills], dtype=np.int64)
        passes = itertools.count(1)

        def chunks() -> Iterator[fitting.Chunk]:
            note(f"fitting: pass {next(passes)} over {spill.answers:,} answers")
            return spill.chunks(lookup)

        with _one_blas_thread():
            params = fitting.fit_passes(chunks, skills=skills)
    with ctx.db.begin() as tx:
        params_id = store.add_params(
            tx, fitted_at=ctx.clock.now(), answers=spill.answers, params=params.to_json()
        )
    return Fitted(params_id, spill.answers, spill.learners, len(skills))


def _one_blas_thread() -> AbstractContextManager[object]:
    """BLAS limited to one thread: on a busy machine its own threads thrash (measured: the
    Hessian's matrix product 8 times slower with two OpenBLAS threads than with one, on 2
    loaded cores)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # the `meaning` extra brings it; without it, BLAS keeps its threads
        return contextlib.nullcontext()
    limits: AbstractContextManager[object] = threadpool_limits(limits=1, user_api="blas")
    return limits


def count_answers(ctx: Context) -> int:
    with ctx.db.begin() as tx:
        return store.count_graded_answers(tx)
