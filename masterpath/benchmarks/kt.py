"""`masterpath bench kt`: fit on one DKVMN-format file, predict every answer of another.

Each test answer is predicted from the learner's earlier answers only. The ASSISTments data tags
some questions with several skills and lists them as consecutive rows with one answer; without
item ids, such rows are recognised from the training data (skill pairs whose consecutive
answers agree more than 95% of the time) and treated as one answer, as MasterPath records an
item with several skills. Metrics are also reported on the remaining rows alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from collections.abc import Sequence as Seq
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from masterpath.benchmarks.ktdata import Sequence, metrics
from masterpath.domain import fitting, kt

SAME_QUESTION = 0.95
PAIR_PRIOR = 20.0


@dataclass(frozen=True)
class Pairs:
    agree: NDArray[np.float64]  # (S, S) smoothed agreement of consecutive answers, prev -> next
    same: NDArray[np.bool_]


def pair_table(sequences: Seq[Sequence], n_skills: int) -> Pairs:
    count = np.zeros((n_skills, n_skills))
    agree = np.zeros((n_skills, n_skills))
    for seq in sequences:
        s, y = np.array(seq.skills), np.array(seq.correct)
        switch = s[1:] != s[:-1]
        np.add.at(count, (s[:-1][switch], s[1:][switch]), 1)
        np.add.at(agree, (s[:-1][switch], s[1:][switch]), (y[1:] == y[:-1])[switch])
    overall = agree.sum() / max(count.sum(), 1)
    smoothed = (agree + PAIR_PRIOR * overall) / (count + PAIR_PRIOR)
    return Pairs(smoothed, smoothed > SAME_QUESTION)


@dataclass
class Replay:
    features: NDArray[np.float64]
    skills: NDArray[np.int64]
    correct: NDArray[np.float64]
    same: NDArray[np.bool_]
    last: NDArray[np.float64]
    predicted: NDArray[np.float64] | None = None


Predictor = Callable[
    [NDArray[np.float64], NDArray[np.int64], NDArray[np.bool_], NDArray[np.float64]],
    NDArray[np.float64],
]


def replay(
    sequences: Seq[Sequence], pairs: Pairs, n_skills: int, predictor: Predictor | None = None
) -> Replay:
    """Walk every learner in step, one answer at a time, through the domain model's counters."""
    lengths = np.array([len(s.skills) for s in sequences])
    width = int(lengths.max())
    skills = np.zeros((len(sequences), width), dtype=np.int64)
    answers = np.zeros((len(sequences), width))
    for row, seq in enumerate(sequences):
        skills[row, : len(seq.skills)] = seq.skills
        answers[row, : len(seq.correct)] = seq.correct
    learners = kt.Learner.new(len(sequences))
    table = _stack(kt.SkillRecord.new(len(sequences) * n_skills), len(sequences), n_skills)
    out: list[tuple[Any, ...]] = []
    for step in range(width):
        active = np.nonzero(lengths > step)[0]
        k, y = skills[active, step], answers[active, step]
        who = _take(learners, active)
        record = _take(table, (active, k))
        prev = who.last_skill
        known = prev >= 0
        q = np.full(len(active), 0.5)
        q[known] = pairs.agree[prev[known], k[known]]
        same = known & (prev != k) & pairs.same[np.maximum(prev, 0), k]
        x = kt.features(who, record, skill=k, q=q, same=same)
        p = predictor(x, k, same, who.last) if predictor else None
        out.append((x, k, y, same, who.last, p))
        new_who, new_record = kt.observe(who, record, skill=k, credit=y, debit=1 - y, same=same)
        _put(learners, active, new_who)
        _put(table, (active, k), new_record)
    x, k, y, same, last = (np.concatenate([o[n] for o in out]) for n in range(5))
    predicted = np.concatenate([o[5] for o in out]) if predictor else None
    return Replay(x, k, y, same, last, predicted)


def _stack(record: kt.SkillRecord, learners: int, n_skills: int) -> kt.SkillRecord:
    return kt.SkillRecord(
        **{
            f.name: getattr(record, f.name).reshape(learners, n_skills, -1).squeeze(-1)
            if getattr(record, f.name).ndim == 1
            else getattr(record, f.name).reshape(learners, n_skills, -1)
            for f in fields(record)
        }
    )


def _take(state: Any, index: Any) -> Any:
    return type(state)(**{f.name: getattr(state, f.name)[index] for f in fields(state)})


def _put(state: Any, index: Any, values: Any) -> None:
    for f in fields(state):
        getattr(state, f.name)[index] = getattr(values, f.name)


def skill_map(sequences: Seq[Sequence]) -> dict[str, int]:
    return {str(s): n for n, s in enumerate(sorted({s for q in sequences for s in q.skills}))}


def run(train: Seq[Sequence], test: Seq[Sequence], *, fitted: bool = True) -> dict[str, Any]:
    """Metrics for MasterPath's model, fitted on `train` (or its untrained defaults)."""
    n_skills = 1 + max(max(s.skills) for s in [*train, *test])
    start = time.perf_counter()
    pairs = pair_table(train, n_skills)
    params = kt.defaults()
    if fitted:
        rows = replay(train, pairs, n_skills)
        skills = skill_map(train)
        index = np.array([skills.get(str(k), -1) for k in range(n_skills)])
        params = fitting.fit(
            rows.features,
            index[rows.skills],
            rows.correct,
            skills=skills,
            same=rows.same,
            last=rows.last,
        )
    fit_s = time.perf_counter() - start
    index = params.index([str(k) for k in range(n_skills)])

    def predictor(x: Any, k: Any, same: Any, last: Any) -> Any:
        return kt.predict(params, x, index[k], same=same, last=last)

    start = time.perf_counter()
    scored = replay(test, pairs, n_skills, predictor)
    pred_s = time.perf_counter() - start
    assert scored.predicted is not None
    result: dict[str, Any] = metrics(scored.correct, scored.predicted)
    rest = ~scored.same
    result.update(
        fit_s=round(fit_s, 2),
        pred_per_s=round(len(scored.correct) / pred_s),
        answers=len(scored.correct),
        same_question_rows=round(float(scored.same.mean()), 4),
        distinct_questions=metrics(scored.correct[rest], scored.predicted[rest]),
    )
    return result


def table(result: dict[str, Any]) -> list[str]:
    """The result as text: one line for MasterPath's model and one a baseline."""
    return [
        f"{name:20} auc {row['auc']:.4f}  rmse {row['rmse']:.4f}  logloss "
        f"{row['logloss']:.4f}  ece {row['ece']:.4f}  fit {row['fit_s']} s  "
        f"{row['pred_per_s']:,} predictions/s"
        for name, row in {"masterpath": result, **result["baselines"]}.items()
    ]
