"""`masterpath bench placement`: how often the diagnostic places a skill the learner lacks.

Simulated learners with known skill states take the real diagnostic (`domain.placement`) over
the built-in pack: its prerequisite graph, each career's skills and their prerequisite closure
as the scope (careers taken in turn), and each skill's real items (their types and options give
the guess chances; assessment-only items are held back, as in the product).

The population comes from a model the diagnostic never sees. A learner's known set is closed
under prerequisites: 15% know nothing, 10% know most of the track, the rest know a random set
of basics and reach upward with a chance that falls with each level of the graph. A learner
who knows a skill slips on an item with a chance of their own between 5% and 12%; one who does
not answers right with the item's guess chance. Backgrounds suggest up to three hypotheses, of
which about a third are wrong.

A second pass (`sensitivity.better_guessing`) runs the same population with learners who answer
items they cannot know right twice as often as the guess chances say, plus five points (as when
some options can be ruled out): the diagnostic still uses the guess chances, so this shows
how much false placement grows when they are optimistic.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from masterpath.domain import graph, placement
from masterpath.domain.content import Item, ItemId
from masterpath.errors import ContentError
from masterpath.services import packs

PACKS = Path(__file__).parents[1] / "content" / "packs"
NOTHING, EXPERT = 0.15, 0.10  # shares of learners who know nothing, and who know most
PASSES = ("as_modelled", "better_guessing")


@dataclass(frozen=True)
class Content:
    prerequisites: dict[str, list[str]]
    items: dict[str, list[Item]]
    careers: list[tuple[str, frozenset[str]]]  # slug, scope (the skills and their closure)


@dataclass(frozen=True)
class Learner:
    known: frozenset[str]
    slip: float
    hypotheses: frozenset[str]


@dataclass(frozen=True)
class Outcome:
    career: str
    placed: frozenset[str]
    known: frozenset[str]
    questions: int

    @property
    def false(self) -> int:
        return len(self.placed - self.known)

    @property
    def missed(self) -> int:
        return len(self.known - self.placed)


def load() -> Content:
    """The built-in packs, read and validated without a database."""
    report = packs.validate(sorted(p.parent for p in PACKS.glob("*/pack.yaml")))
    if not report.ok:
        raise ContentError("the built-in packs do not validate", problems=report.problems)
    skills = [skill for pack in report.packs for skill in pack.skills]
    prerequisites = {s.id: list(s.prerequisites) for s in skills}
    items = {s.id: [Item.from_data(i.model_dump(), skill=s.id) for i in s.items] for s in skills}
    careers = []
    for career in (c for pack in report.packs for c in pack.careers):
        scope = set(career.skill_ids)
        for skill in career.skill_ids:
            scope |= graph.ancestors(prerequisites, skill)
        careers.append((career.slug, frozenset(scope)))
    return Content(prerequisites, items, careers)


def _depths(prerequisites: Mapping[str, Sequence[str]], order: Sequence[str]) -> dict[str, int]:
    depth: dict[str, int] = {}
    for skill in order:
        depth[skill] = 1 + max((depth[p] for p in prerequisites[skill] if p in depth), default=-1)
    return depth


def draw(
    rng: np.random.Generator, prerequisites: Mapping[str, Sequence[str]], scope: frozenset[str]
) -> Learner:
    order = [s for s in graph.topological(prerequisites) if s in scope]
    depth = _depths(prerequisites, order)
    kind = rng.random()
    if kind < NOTHING:
        reach, decay = 0.0, 0.0
    elif kind < NOTHING + EXPERT:
        reach, decay = 0.95, 0.97
    else:
        reach, decay = rng.uniform(0.5, 1.0), rng.uniform(0.75, 1.0)
    known: set[str] = set()
    for skill in order:
        ready = all(p in known for p in prerequisites[skill])
        if ready and rng.random() < reach * decay ** depth[skill]:
            known.add(skill)
    return Learner(frozenset(known), float(rng.uniform(0.05, 0.12)), _hypotheses(rng, known, order))


def _hypotheses(rng: np.random.Generator, known: set[str], order: Sequence[str]) -> frozenset[str]:
    found = set()
    pool = sorted(known)
    for _ in range(int(rng.integers(0, 4))):
        source = pool if pool and rng.random() < 0.7 else list(order)
        found.add(source[int(rng.integers(len(source)))])
    return frozenset(found)


def chance(learner: Learner, skill: str, guess: float, *, sharper: bool) -> float:
    """The chance the simulated learner answers an item of `skill` right."""
    if skill in learner.known:
        return 1 - learner.slip
    return min(0.6, 2 * guess + 0.05) if sharper else guess


def diagnose(
    content: Content,
    scope: frozenset[str],
    learner: Learner,
    rng: np.random.Generator,
    *,
    sharper: bool = False,
) -> tuple[frozenset[str], int]:
    """The real diagnostic, answered by a simulated learner: (skills placed, questions asked)."""
    answers: list[placement.Answer] = []
    asked: dict[str, set[ItemId]] = {}
    skip: set[str] = set()
    while True:
        skill = placement.next_skill(
            content.prerequisites, scope, learner.hypotheses, answers, skip=skip
        )
        if skill is None:
            break
        item = placement.choose_item(content.items[skill], asked.setdefault(skill, set()))
        if item is None:
            skip.add(skill)
            continue
        asked[skill].add(item.id)
        guess = placement.guess_chance(item)
        right = chance(learner, skill, guess, sharper=sharper)
        answers.append(placement.Answer(skill, str(item.id), bool(rng.random() < right), guess))
    found = placement.result(content.prerequisites, scope, answers)
    return frozenset(found.placed), len(answers)


def simulate(
    content: Content,
    *,
    learners: int,
    seed: int,
    sharper: bool = False,
    progress: Callable[[int], None] = lambda _: None,
) -> list[Outcome]:
    """`learners` simulated learners, careers taken in turn, each through the diagnostic."""
    rng = np.random.default_rng(seed)
    outcomes = []
    for n in range(learners):
        slug, scope = content.careers[n % len(content.careers)]
        learner = draw(rng, content.prerequisites, scope)
        placed, questions = diagnose(content, scope, learner, rng, sharper=sharper)
        outcomes.append(Outcome(slug, placed, learner.known, questions))
        progress(1)
    return outcomes


def run(
    *, learners: int = 1000, seed: int = 7, progress: Callable[[int], None] = lambda _: None
) -> dict[str, Any]:
    """Both passes over `learners` simulated learners; `progress` hears of each one finished."""
    started = time.perf_counter()
    content = load()
    outcomes = simulate(content, learners=learners, seed=seed, progress=progress)
    sharper = simulate(content, learners=learners, seed=seed, sharper=True, progress=progress)
    found = summarise(outcomes, seed=seed)
    found["by_career"] = {
        slug: _brief(summarise([o for o in outcomes if o.career == slug], seed=seed))
        for slug, _ in content.careers
    }
    found["sensitivity"] = {"better_guessing": summarise(sharper, seed=seed)}
    found.update(bar=placement.BAR, budget=placement.BUDGET, seed=seed)
    found["seconds"] = round(time.perf_counter() - started, 2)
    return found


def _brief(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if not key.endswith("ci95")}


def summarise(outcomes: Sequence[Outcome], *, seed: int) -> dict[str, Any]:
    """Rates pooled over skills, with 95% intervals from resampling learners (the placements of
    one learner are not independent of each other)."""
    counts = np.array(
        [[o.false, len(o.placed), o.missed, len(o.known), o.questions] for o in outcomes]
        or [[0] * 5],
        dtype=float,
    )
    rng = np.random.default_rng(seed)
    boot = counts[rng.integers(len(counts), size=(1000, len(counts)))].sum(axis=1)

    def ratio(part: int, whole: int) -> tuple[float, list[float]]:
        value = counts[:, part].sum() / max(1.0, counts[:, whole].sum())
        spread = np.quantile(boot[:, part] / np.maximum(1.0, boot[:, whole]), [0.025, 0.975])
        return round(float(value), 4), [round(float(q), 4) for q in spread]

    false, false_ci = ratio(0, 1)
    missed, missed_ci = ratio(2, 3)
    questions = np.quantile(boot[:, 4] / len(counts), [0.025, 0.975])
    return {
        "learners": len(outcomes),
        "false_placement": false,
        "false_placement_ci95": false_ci,
        "missed_placement": missed,
        "missed_placement_ci95": missed_ci,
        "questions": round(float(counts[:, 4].mean()), 2),
        "questions_ci95": [round(float(q), 2) for q in questions],
        "placed": int(counts[:, 1].sum()),
        "known": int(counts[:, 3].sum()),
        "learners_with_a_false_placement": round(float((counts[:, 0] > 0).mean()), 4),
    }


def table(result: dict[str, Any]) -> list[str]:
    """The result as text: one line a pass, then the bar and the budget."""
    rows = {"as modelled": result, **result["sensitivity"]}
    return [
        *(
            f"{name:16} false placement {row['false_placement']:.2%} "
            f"{row['false_placement_ci95']}  missed {row['missed_placement']:.2%}  "
            f"questions {row['questions']}"
            for name, row in rows.items()
        ),
        f"bar P(known) >= {result['bar']}, at most {result['budget']} questions",
    ]
