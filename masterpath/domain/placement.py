"""Diagnostic placement: a short adaptive quiz over the prerequisite graph (DESIGN.md §3). Pure.

The model is knowledge space theory's. A learner's knowledge state is a set of the track's
skills closed under prerequisites: knowing a skill implies knowing its prerequisites, and not
knowing one implies not knowing what depends on it. Before any answer every state has a prior
weight: skills with every prerequisite known are each known with chance PRIOR, the others
cannot be. Each answer multiplies the weight of every state by its likelihood: a learner who
knows the skill answers right unless they slip (SLIP), one who does not answers right only by
guessing (the item's guess chance). A skill's confidence is the posterior P(known): the weight
of the states holding it. So a right answer on an advanced skill raises every state that holds
it, and with them its prerequisites; a wrong answer on a basic skill lowers every state that
holds it, and with them everything that depends on it.

The states are enumerated when there are at most MAX_STATES of them (13,136 for the largest
built-in track); beyond that a seeded, importance-weighted sample of SAMPLES states stands in.

Questions go to the skill whose answer tells most about the whole state (its expected
information gain, which for exact answers is knowledge space theory's half-split), among the
skills not yet decided; hypotheses from the learner's background are asked first and are never
credited on their own. A skill is decided when it is placed or its P(known) is at most
RULED_OUT; the quiz ends when every skill is decided or BUDGET answers are in. A skill is
placed when its P(known) reaches BAR, a right answer on it or on a skill that depends on it
supports it, and its prerequisites are placed; placements stay provisional until the skill's
retention check (mastery.py).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from masterpath.domain import graph
from masterpath.domain.content import Item, ItemId, ItemType

BUDGET = 15
SLIP = 0.10  # chance that a learner who knows a skill still answers an item of it wrong
PRIOR = 0.5  # chance a skill is known when every prerequisite is: no opinion either way
# P(known) needed to place a skill: DESIGN.md §3's bar for models of a knowledge state, kept
# because `masterpath bench placement` shows it holds false placement under 5% with room to
# spare (under 1% on the simulated population; about 4% when learners who lack a skill guess
# twice as well as the guess chances say), while 0.99 would leave many more known skills
# unplaced within 15 questions.
BAR = 0.95
RULED_OUT = 0.05  # at or under this P(known), a skill is decided: the learner studies it
GUESS = {
    ItemType.TRUE_FALSE: 0.5,
    ItemType.MULTIPLE_CHOICE: 0.1,
    ItemType.NUMERIC: 0.02,
    ItemType.SHORT_TEXT: 0.05,
}
# Item types by how hard they are to answer right by chance, for ties of equal guess chance.
TYPE_ORDER = (
    ItemType.NUMERIC,
    ItemType.SHORT_TEXT,
    ItemType.ORDERING,
    ItemType.MULTIPLE_CHOICE,
    ItemType.SINGLE_CHOICE,
    ItemType.TRUE_FALSE,
)
NOMINAL_GUESS = 0.1  # guess chance assumed when choosing a skill, before its item is chosen
MAX_STATES = 50_000
SAMPLES = 20_000


@dataclass(frozen=True)
class Answer:
    skill: str
    item: str
    correct: bool
    guess: float  # chance of answering the item right without knowing the skill


@dataclass(frozen=True)
class Placement:
    skill: str
    placed: bool
    confidence: float  # posterior P(known)
    evidence: tuple[Answer, ...]  # the answers that bear on the skill through the graph


@dataclass(frozen=True)
class Result:
    skills: tuple[Placement, ...]  # every skill of the scope, prerequisites first

    @property
    def placed(self) -> tuple[str, ...]:
        return tuple(p.skill for p in self.skills if p.placed)

    @property
    def study(self) -> tuple[str, ...]:
        return tuple(p.skill for p in self.skills if not p.placed)


@dataclass(frozen=True, eq=False)
class _Space:
    skills: tuple[str, ...]  # the scope in topological order
    states: np.ndarray[Any, np.dtype[np.bool_]]  # one row per knowledge state
    log_prior: np.ndarray[Any, np.dtype[np.float64]]
    below: tuple[frozenset[str], ...]  # prerequisites (transitive) of each skill, in scope
    above: tuple[frozenset[str], ...]  # dependents (transitive) of each skill, in scope


def guess_chance(item: Item) -> float:
    """The chance of answering `item` right at random."""
    kind, options = item.type, item.options
    if kind is ItemType.SINGLE_CHOICE:
        return 1 / max(2, len(options))
    if kind is ItemType.MULTIPLE_CHOICE:  # right only with exactly the correct options
        return max(GUESS[kind], 1 / (2 ** len(options) - 1)) if options else GUESS[kind]
    if kind is ItemType.ORDERING:
        return 1 / math.factorial(max(2, len(options)))
    return GUESS.get(kind, 0.5)


def choose_item(items: Sequence[Item], asked: Collection[ItemId]) -> Item | None:
    """The item of a skill to ask: hardest to guess first, never one already asked, never one
    held back for mastery checks. None when the bank has nothing left."""
    bank = [i for i in items if not i.assessment_only and i.id not in asked]

    def key(item: Item) -> tuple[float, int, str]:
        return round(guess_chance(item), 6), TYPE_ORDER.index(item.type), str(item.id)

    return min(bank, key=key, default=None)


def next_skill(
    prerequisites: Mapping[str, Sequence[str]],
    scope: Collection[str],
    hypotheses: Collection[str],
    answers: Sequence[Answer],
    *,
    budget: int = BUDGET,
    skip: Collection[str] = (),
    seed: int = 0,
) -> str | None:
    """The skill to ask about next, or None when every skill is decided or the budget is spent.

    `skip` names skills with no diagnostic item left to ask; `seed` only matters for scopes
    too large to enumerate.
    """
    if len(answers) >= budget or not scope:
        return None
    space = _space_for(prerequisites, scope, seed)
    known = _marginals(space, answers)
    placed = _placed(space, known, answers)
    open_ = [
        (n, s)
        for n, s in enumerate(space.skills)
        if s not in skip and s not in placed and known[n] > RULED_OUT
    ]
    asked = {a.skill for a in answers}
    pool = [(n, s) for n, s in open_ if s in hypotheses and s not in asked] or open_
    if not pool:
        return None
    return max(pool, key=lambda ns: (round(_gain(float(known[ns[0]])), 9), -ns[0]))[1]


def result(
    prerequisites: Mapping[str, Sequence[str]],
    scope: Collection[str],
    answers: Sequence[Answer],
    *,
    seed: int = 0,
) -> Result:
    """Every skill of the scope: placed or to study, its P(known), and the answers behind it."""
    if not scope:
        return Result(())
    space = _space_for(prerequisites, scope, seed)
    known = _marginals(space, answers)
    placed = _placed(space, known, answers)
    return Result(
        tuple(
            Placement(
                skill,
                skill in placed,
                float(known[n]),
                tuple(a for a in answers if _bears_on(space, n, a)),
            )
            for n, skill in enumerate(space.skills)
        )
    )


def _gain(p: float) -> float:
    """Expected information (bits) an answer on a skill with P(known) = p gives about the state."""
    right = p * (1 - SLIP) + (1 - p) * NOMINAL_GUESS
    noise = p * _entropy(1 - SLIP) + (1 - p) * _entropy(NOMINAL_GUESS)
    return _entropy(right) - noise


def _entropy(p: float) -> float:
    return 0.0 if p <= 0 or p >= 1 else -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def _bears_on(space: _Space, n: int, answer: Answer) -> bool:
    """An answer bears on a skill when it is about the skill, is right on a skill that depends on
    it, or is wrong on one of its prerequisites."""
    if answer.skill == space.skills[n]:
        return True
    return answer.skill in (space.above[n] if answer.correct else space.below[n])


def _placed(space: _Space, known: np.ndarray[Any, Any], answers: Sequence[Answer]) -> set[str]:
    """Skills at or over the bar with a right answer on them or on a skill that depends on them,
    whose prerequisites are placed too (the graph guarantees it up to rounding; this makes it
    exact)."""
    right = {a.skill for a in answers if a.correct}
    placed: set[str] = set()
    for n, skill in enumerate(space.skills):  # prerequisites first
        supported = skill in right or bool(right & space.above[n])
        if known[n] >= BAR and supported and space.below[n] <= placed:
            placed.add(skill)
    return placed


def _marginals(space: _Space, answers: Sequence[Answer]) -> np.ndarray[Any, Any]:
    log_weight = space.log_prior.copy()
    index = {s: n for n, s in enumerate(space.skills)}
    for answer in answers:
        if answer.skill not in index:
            continue
        guess = min(max(answer.guess, 1e-3), 0.999)
        if_known = 1 - SLIP if answer.correct else SLIP
        if_not = guess if answer.correct else 1 - guess
        holds = space.states[:, index[answer.skill]]
        log_weight += np.where(holds, math.log(if_known), math.log(if_not))
    weight = np.exp(log_weight - log_weight.max())
    return np.asarray((weight @ space.states) / weight.sum())


def _space_for(
    prerequisites: Mapping[str, Sequence[str]], scope: Collection[str], seed: int
) -> _Space:
    within = set(scope)
    key = tuple(
        sorted(
            (s, tuple(sorted(p for p in prerequisites.get(s, ()) if p in within))) for s in within
        )
    )
    return _space(key, seed, MAX_STATES)


@lru_cache(maxsize=16)
def _space(key: tuple[tuple[str, tuple[str, ...]], ...], seed: int, limit: int) -> _Space:
    """The knowledge states of a scope (enumerated, or sampled past `limit`), cached: read-only."""
    pres = dict(key)
    skills = tuple(graph.topological(pres))
    index = {s: n for n, s in enumerate(skills)}
    needs = [[index[p] for p in pres[s]] for s in skills]
    states = _enumerate(needs, limit)
    if states is None:
        states, log_prior = _sample(needs, seed)
    else:
        log_prior = _log_prior(states, needs)
    below = tuple(frozenset(graph.ancestors(pres, s)) for s in skills)
    above = tuple(frozenset(t for m, t in enumerate(skills) if s in below[m]) for s in skills)
    states.setflags(write=False)
    log_prior.setflags(write=False)
    return _Space(skills, states, log_prior, below, above)


def _enumerate(needs: Sequence[Sequence[int]], limit: int) -> np.ndarray[Any, Any] | None:
    """Every prerequisite-closed state, skills taken in topological order; None if too many."""
    states = np.zeros((1, len(needs)), dtype=bool)
    for n, pre in enumerate(needs):
        grown = states[states[:, pre].all(axis=1)].copy()
        grown[:, n] = True
        states = np.vstack([states, grown])
        if len(states) > limit:
            return None
    return states


def _open_counts(
    states: np.ndarray[Any, Any], needs: Sequence[Sequence[int]]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Per state: how many skills with every prerequisite known it knows, and how many it lacks."""
    open_ = np.column_stack([states[:, pre].all(axis=1) for pre in needs])
    return (open_ & states).sum(axis=1), (open_ & ~states).sum(axis=1)


def _log_prior(
    states: np.ndarray[Any, Any], needs: Sequence[Sequence[int]]
) -> np.ndarray[Any, Any]:
    known, unknown = _open_counts(states, needs)
    return np.asarray(known * math.log(PRIOR) + unknown * math.log(1 - PRIOR), dtype=float)


def _sample(
    needs: Sequence[Sequence[int]], seed: int
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """SAMPLES states with importance weights, for scopes too large to enumerate.

    Each sample knows each skill open to it with a chance of its own drawn uniformly from [0, 1],
    so states deep in the graph are drawn as well as shallow ones; weighting each by prior over
    proposal (the proposal is a beta function of how many open skills it knows and lacks) keeps
    the estimate the prior's.
    """
    rng = np.random.default_rng(seed)
    reach = rng.random(SAMPLES)
    states = np.zeros((SAMPLES, len(needs)), dtype=bool)
    for n, pre in enumerate(needs):
        states[:, n] = states[:, pre].all(axis=1) & (rng.random(SAMPLES) < reach)
    known, unknown = _open_counts(states, needs)
    log_factorial = np.array([math.lgamma(k + 1) for k in range(len(needs) + 2)])
    log_beta = log_factorial[known] + log_factorial[unknown] - log_factorial[known + unknown + 1]
    return states, _log_prior(states, needs) - log_beta
