"""Knowledge tracing: a logistic model over running counters (PFA / Best-LR family).

State is a handful of counters per learner and per learner x skill, updated in O(1) per answer.
The prediction is the calibrated probability that the learner answers the next item of a skill
correctly (fitted by `fitting.py`). Every function works on a batch of B answers at once
(numpy arrays), so the web app calls it with B = 1 and the benchmark replays thousands of
learners in step.

Features (standardised with the training mean and deviation) come in four groups a learner can
be shown: this skill's record, recent answers, the overall record, and the same-question link
(an item tagged with several skills is one answer, recorded once per skill).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
HALF_LIVES = (1.0, 3.0, 10.0, 30.0)
DECAY = np.array([0.5 ** (1 / h) for h in HALF_LIVES])
PRIOR = 0.66  # prior accuracy that smooths running averages
NAMES = (
    "lkc",
    "lkw",
    "lnc",
    "lnw",
    "kfirst",
    "ufirst",
    "klast",
    "last",
    "switch",
    "lgap",
    "kstreak",
    "streak",
    "lkn",
    "kacc",
    "uacc",
    "lnp",
    "q",
    "qcopy",
    "swcopy",
    *(f"kema{h:g}" for h in HALF_LIVES),
    *(f"uema{h:g}" for h in HALF_LIVES),
    *(f"lkdn{h:g}" for h in HALF_LIVES),
)
PER_SKILL = (
    "lkc",
    "lkw",
    "kema1",
    "kema3",
    "kema10",
    "kema30",
    "kfirst",
    "uema10",
    "lnc",
    "lnw",
    "qcopy",
    "klast",
)
GROUPS = {
    "this skill": (
        "lkc",
        "lkw",
        "kfirst",
        "klast",
        "lgap",
        "kstreak",
        "lkn",
        "kacc",
        *(f"kema{h:g}" for h in HALF_LIVES),
        *(f"lkdn{h:g}" for h in HALF_LIVES),
    ),
    "overall record": ("lnc", "lnw", "ufirst", "uacc", "lnp"),
    "recent answers": ("last", "switch", "streak", *(f"uema{h:g}" for h in HALF_LIVES)),
    "same question": ("q", "qcopy", "swcopy"),
}


HINT_KEEP = 0.8  # each hint keeps 80% of the weight a correct answer carries
DIFFICULTY = {"easy": (0.85, 1.0), "medium": (1.0, 1.0), "hard": (1.0, 0.85)}


def credit(score: float, *, hints: int = 0, difficulty: str = "medium") -> tuple[float, float]:
    """How much an answer counts for (success) and against (failure) the learner.

    A correct answer weighs less after hints and on an easy item; a wrong answer on a hard item
    weighs a little less. A score in between splits between the two.
    """
    right, wrong = DIFFICULTY.get(difficulty, DIFFICULTY["medium"])
    return score * right * HINT_KEEP ** max(hints, 0), (1 - score) * wrong


def _zeros(*shape: int) -> Floats:
    return np.zeros(shape)


def _none(size: int) -> Floats:
    return -np.ones(size)


@dataclass(frozen=True)
class Learner:
    """Learner-level counters for a batch of B learners."""

    correct: Floats
    wrong: Floats
    answers: Floats
    streak: Floats
    last: Floats  # -1: no answer yet
    last_skill: Ints  # -1: none
    recent_correct: Floats  # (B, len(HALF_LIVES)) decayed sums
    recent_count: Floats

    @staticmethod
    def new(size: int = 1) -> Learner:
        k = len(HALF_LIVES)
        return Learner(
            _zeros(size),
            _zeros(size),
            _zeros(size),
            _zeros(size),
            _none(size),
            -np.ones(size, dtype=np.int64),
            _zeros(size, k),
            _zeros(size, k),
        )


@dataclass(frozen=True)
class SkillRecord:
    """Learner x skill counters for a batch of B (learner, skill) pairs."""

    correct: Floats
    wrong: Floats
    streak: Floats
    last: Floats  # -1: never answered
    at: Floats  # the learner's answer count when this skill was last answered; -1: never
    recent_correct: Floats
    recent_count: Floats

    @staticmethod
    def new(size: int = 1) -> SkillRecord:
        k = len(HALF_LIVES)
        return SkillRecord(
            _zeros(size),
            _zeros(size),
            _zeros(size),
            _none(size),
            _none(size),
            _zeros(size, k),
            _zeros(size, k),
        )


def features(
    learner: Learner, record: SkillRecord, *, skill: Ints, q: Floats, same: NDArray[np.bool_]
) -> Floats:
    """The feature matrix (B, len(NAMES)) for answers about to be given, from counters only.

    `q` is the chance that an answer on `skill` agrees with the previous answer when the skill
    changes (0.5 when unknown); `same` marks answers that repeat the previous item's answer for
    another of its skills.
    """
    switch = (learner.last_skill >= 0) & (learner.last_skill != skill)
    q = np.where(switch, q, 0.5)
    signed = np.where(learner.last >= 0, 2 * learner.last - 1, 0.0)
    kc, kw, n = record.correct, record.wrong, learner.answers
    gap = np.where(record.at >= 0, np.log1p(np.maximum(n - record.at, 0)), 0.0)
    columns = [
        np.log1p(kc),
        np.log1p(kw),
        np.log1p(learner.correct),
        np.log1p(learner.wrong),
        (kc + kw == 0).astype(float),
        (n == 0).astype(float),
        np.where(record.last >= 0, record.last, 0.5),
        np.where(learner.last >= 0, learner.last, 0.5),
        switch.astype(float),
        gap,
        record.streak,
        learner.streak,
        np.log1p(kc + kw),
        (kc + 2 * PRIOR) / (kc + kw + 2),
        (learner.correct + 2 * PRIOR) / (learner.correct + learner.wrong + 2),
        np.log1p(n),
        q,
        (2 * q - 1) * signed,
        np.where(switch & ~same, signed, 0.0),
    ]
    recent = [
        (record.recent_correct + PRIOR) / (record.recent_count + 1),
        (learner.recent_correct + PRIOR) / (learner.recent_count + 1),
        np.log1p(record.recent_count),
    ]
    return np.column_stack([*columns, *recent]).astype(float)


def _where(mask: NDArray[np.bool_], new: Floats, old: Floats) -> Floats:
    return np.where(mask, new, old).astype(float)


def _streak(streak: Floats, credit: Floats) -> Floats:
    return np.where(credit >= 0.5, np.maximum(streak, 0) + 1, np.minimum(streak, 0) - 1)


def observe(
    learner: Learner,
    record: SkillRecord,
    *,
    skill: Ints,
    credit: Floats,
    debit: Floats,
    same: NDArray[np.bool_],
) -> tuple[Learner, SkillRecord]:
    """Counters after answers weighing `credit` for and `debit` against the learner.

    New values are returned; the inputs are unchanged. A same-question row counts for the skill
    but not again for the learner.
    """
    decay = DECAY[None, :]
    weight = credit + debit
    value = np.where(weight > 0, credit / np.maximum(weight, 1e-12), 0.5)
    new_record = SkillRecord(
        record.correct + credit,
        record.wrong + debit,
        _streak(record.streak, value),
        value.copy(),
        learner.answers.copy(),
        record.recent_correct * decay + credit[:, None],
        record.recent_count * decay + weight[:, None],
    )
    fresh = ~same
    new_learner = Learner(
        _where(fresh, learner.correct + credit, learner.correct),
        _where(fresh, learner.wrong + debit, learner.wrong),
        _where(fresh, learner.answers + 1, learner.answers),
        _where(fresh, _streak(learner.streak, value), learner.streak),
        _where(fresh, value, learner.last),
        skill.copy(),
        _where(
            fresh[:, None], learner.recent_correct * decay + credit[:, None], learner.recent_correct
        ),
        _where(
            fresh[:, None], learner.recent_count * decay + weight[:, None], learner.recent_count
        ),
    )
    return new_learner, new_record


@dataclass(frozen=True)
class Params:
    """Fitted weights. Skills not in `skills` use the global weights alone."""

    mean: Floats
    scale: Floats
    weights: Floats  # intercept first
    per_skill: Floats  # (len(skills), 1 + len(PER_SKILL)): intercept shift, then slopes
    skills: dict[str, int] = field(default_factory=dict)
    same_correct: float = 0.996  # P(correct) repeating a correct answer to the same item
    same_wrong: float = 0.004

    def index(self, skill_ids: list[str]) -> Ints:
        return np.array([self.skills.get(s, -1) for s in skill_ids], dtype=np.int64)

    def to_json(self) -> dict[str, Any]:
        return {
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "weights": self.weights.tolist(),
            "per_skill": self.per_skill.tolist(),
            "skills": self.skills,
            "same_correct": self.same_correct,
            "same_wrong": self.same_wrong,
            "features": list(NAMES),
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Params:
        if data.get("features") != list(NAMES):
            raise ValueError("these parameters were fitted for another feature set; refit")
        per_skill = np.array(data["per_skill"], dtype=float).reshape(-1, 1 + len(PER_SKILL))
        return Params(
            np.array(data["mean"]),
            np.array(data["scale"]),
            np.array(data["weights"]),
            per_skill,
            dict(data["skills"]),
            float(data["same_correct"]),
            float(data["same_wrong"]),
        )


SLOPES = np.array([0] + [1 + NAMES.index(name) for name in PER_SKILL])


def design(params: Params, x: Floats) -> Floats:
    """The model's design matrix: an intercept column, then the standardised features."""
    return np.column_stack([np.ones(len(x)), (x - params.mean) / params.scale])


def logit(params: Params, x: Floats, skill_index: Ints) -> Floats:
    matrix = design(params, x)
    shift = np.zeros((len(x), len(SLOPES)))
    known = skill_index >= 0
    if len(params.per_skill):
        shift[known] = params.per_skill[skill_index[known]]
    slopes = np.asarray(np.einsum("ij,ij->i", matrix[:, SLOPES], shift), dtype=float)
    return np.asarray(matrix @ params.weights + slopes, dtype=float)


def predict(
    params: Params, x: Floats, skill_index: Ints, *, same: NDArray[np.bool_], last: Floats
) -> Floats:
    """P(correct) for each answer; a same-question row follows the answer just given."""
    p = 1 / (1 + np.exp(-logit(params, x, skill_index)))
    repeat = np.where(last >= 0.5, params.same_correct, params.same_wrong)
    return np.where(same, repeat, p)


def contributions(params: Params, x: Floats, skill_index: Ints) -> dict[str, float]:
    """How much each group of features adds to the logit of one answer (B = 1)."""
    row = design(params, x)[0]
    weights = params.weights.copy()
    if skill_index[0] >= 0 and len(params.per_skill):
        weights[SLOPES] += params.per_skill[skill_index[0]]
    return {
        group: float(sum(row[1 + NAMES.index(n)] * weights[1 + NAMES.index(n)] for n in names))
        for group, names in GROUPS.items()
    }


def defaults() -> Params:
    """Untrained parameters: recent accuracy on the skill and experience with it dominate.

    Hand-set so that a new learner starts near 0.6, five correct answers in a row pass 0.85,
    a long run approaches 0.93, a slip after a good run costs a couple of answers, and a
    learner guessing at random stays under 0.3.
    """
    weights = np.zeros(1 + len(NAMES))
    hand_set = {"kema3": 2.0, "kema10": 1.5, "lkc": 0.3, "lkw": -0.05}
    for name, value in hand_set.items():
        weights[1 + NAMES.index(name)] = value
    weights[0] = 0.4 - PRIOR * (2.0 + 1.5)  # a new learner starts near 0.6
    return Params(
        np.zeros(len(NAMES)), np.ones(len(NAMES)), weights, np.zeros((0, 1 + len(PER_SKILL)))
    )


State = TypeVar("State", Learner, SkillRecord)


def stack(states: list[State]) -> State:
    """Many batches of counters as one batch, in order (B = the sum of their sizes)."""
    kind = type(states[0])
    joined = {f.name: np.concatenate([getattr(s, f.name) for s in states]) for f in fields(kind)}
    return kind(**joined)


def dump(state: Learner | SkillRecord) -> dict[str, Any]:
    """One learner's (B = 1) counters as plain JSON."""
    return {f.name: getattr(state, f.name)[0].tolist() for f in fields(state)}


def load_learner(data: dict[str, Any] | None) -> Learner:
    if not data:
        return Learner.new()
    return Learner(
        **{
            f.name: np.array([data[f.name]], dtype=np.int64 if f.name == "last_skill" else float)
            for f in fields(Learner)
        }
    )


def load_record(data: dict[str, Any] | None) -> SkillRecord:
    if not data:
        return SkillRecord.new()
    return SkillRecord(
        **{f.name: np.array([data[f.name]], dtype=float) for f in fields(SkillRecord)}
    )
