"""Track planning: which skills, in what order, how long, and when the study would finish. Pure.

A track is the career's skills plus every prerequisite they need (the closure over the skill
graph) and any skills the learner pins, minus skills already mastered or placed. It is grouped by
the career's stages: a prerequisite that no stage lists joins the earliest stage that needs it,
and a skill never comes before one of its prerequisites. Study time is the content's estimate
scaled by the learner's measured pace; the weekly plan fills the learner's hours in order.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from masterpath.domain import graph

MAX_WEEKS = 52  # the week-by-week plan covers at most a year; the finish date covers all
PACE_RANGE = (0.5, 2.0)


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class PlannedSkill:
    id: str
    stage: str
    hours: float
    pinned: bool = False


@dataclass(frozen=True)
class Week:
    number: int
    starts: date
    skills: list[tuple[str, float]]  # skill id, hours planned that week


@dataclass(frozen=True)
class Plan:
    skills: list[PlannedSkill]
    done: list[str]  # in scope but already mastered or placed
    total_hours: float
    hours_per_week: float
    weeks: list[Week]
    finish: date
    target: date | None = None
    fits: bool | None = None
    advice: list[str] = field(default_factory=list)

    @property
    def order(self) -> list[str]:
        return [s.id for s in self.skills]


def pace(measured_hours: float, content_hours: float) -> float:
    """How the learner's measured study time compares with the content's estimate, for the
    skills they have finished; 1.0 until there is enough to tell (at least 2 hours)."""
    if content_hours <= 0 or measured_hours < 2:
        return 1.0
    low, high = PACE_RANGE
    return min(high, max(low, measured_hours / content_hours))


def scope(
    stages: Sequence[Stage], prerequisites: Mapping[str, Sequence[str]], pinned: Sequence[str] = ()
) -> set[str]:
    targets = {s for stage in stages for s in stage.skills} | set(pinned)
    return targets.union(*(graph.ancestors(prerequisites, s) for s in targets))


@dataclass(frozen=True)
class Shape:
    """A track's skills, prerequisites first, and each one's stage index: they follow from the
    career's stages, the prerequisites and the pinned skills alone, not from the learner."""

    wanted: frozenset[str]
    order: tuple[str, ...]
    where: Mapping[str, int]


def shape(
    stages: Sequence[Stage], prerequisites: Mapping[str, Sequence[str]], pinned: Sequence[str] = ()
) -> Shape:
    wanted = scope(stages, prerequisites, pinned)
    within = {s: [p for p in prerequisites.get(s, ()) if p in wanted] for s in wanted}
    order = graph.topological(within)
    return Shape(frozenset(wanted), tuple(order), _stage_of(stages, within, order))


def stage_of(
    stages: Sequence[Stage], prerequisites: Mapping[str, Sequence[str]], pinned: Sequence[str] = ()
) -> dict[str, int]:
    """The stage index of every skill in the track's scope, done or not (the plan's grouping)."""
    return dict(shape(stages, prerequisites, pinned).where)


def _stage_of(
    stages: Sequence[Stage], prerequisites: Mapping[str, Sequence[str]], order: Sequence[str]
) -> dict[str, int]:
    """Each skill's stage index: where a stage lists it, moved earlier when a skill of an
    earlier stage needs it; unlisted prerequisites join the earliest stage that needs them."""
    listed = {s: n for n, stage in enumerate(stages) for s in reversed(stage.skills)}
    dependents: dict[str, list[str]] = {}
    for skill in order:
        for pre in prerequisites.get(skill, ()):
            dependents.setdefault(pre, []).append(skill)
    found: dict[str, int] = {}
    for skill in reversed(order):  # dependents before their prerequisites
        needed_by = [found[d] for d in dependents.get(skill, [])]
        candidates = [listed[skill]] if skill in listed else []
        found[skill] = min(candidates + needed_by, default=len(stages) - 1)
    return found


def plan(
    *,
    stages: Sequence[Stage],
    prerequisites: Mapping[str, Sequence[str]],
    hours: Mapping[str, float],
    done: set[str],
    pinned: Sequence[str] = (),
    speed: float = 1.0,
    hours_per_week: float,
    start: date,
    target: date | None = None,
    shaped: Shape | None = None,
) -> Plan:
    """`shaped`: `shape(stages, prerequisites, pinned)`, when the caller keeps it."""
    found = shaped or shape(stages, prerequisites, pinned)
    wanted, order, where = found.wanted, found.order, found.where
    topo = {s: n for n, s in enumerate(order)}
    todo = sorted((s for s in wanted if s not in done), key=lambda s: (where[s], topo[s], s))
    skills = [
        PlannedSkill(
            s,
            stages[where[s]].id if stages else "",
            round(hours.get(s, 1.0) * speed, 1),
            s in pinned,
        )
        for s in todo
    ]
    total = round(sum(s.hours for s in skills), 1)
    weeks = _weeks(skills, hours_per_week, start)
    needed = min(math.ceil(total / hours_per_week), 52 * 100)
    finish = start + timedelta(weeks=needed) if total else start
    fits: bool | None = None
    advice: list[str] = []
    if target is not None:
        fits, advice = _fit(total, hours_per_week, start, target, finish)
    return Plan(
        skills, sorted(wanted & done), total, hours_per_week, weeks, finish, target, fits, advice
    )


def _weeks(skills: Sequence[PlannedSkill], per_week: float, start: date) -> list[Week]:
    weeks: list[Week] = []
    current: list[tuple[str, float]] = []
    room = per_week
    for skill in skills:
        left = skill.hours
        while left > 1e-9:
            used = min(left, room)
            current.append((skill.id, round(used, 1)))
            left -= used
            room -= used
            if room <= 1e-9:
                weeks.append(Week(len(weeks) + 1, start + timedelta(weeks=len(weeks)), current))
                current, room = [], per_week
                if len(weeks) >= MAX_WEEKS:
                    return weeks
    if current:
        weeks.append(Week(len(weeks) + 1, start + timedelta(weeks=len(weeks)), current))
    return weeks


def _fit(
    total: float, per_week: float, start: date, target: date, finish: date
) -> tuple[bool, list[str]]:
    if finish <= target:
        return True, []
    weeks_left = max((target - start).days / 7, 1 / 7)
    needed = math.ceil(total / weeks_left)
    short = round(total - per_week * weeks_left, 1)
    late = (finish - target).days
    return False, [
        f"At {per_week:g} hours a week the study ends {finish:%d %b %Y}, {late} days after "
        f"{target:%d %b %Y}: about {short:g} hours short.",
        f"To finish by then, study about {needed} hours a week,",
        f"or move the date to {finish:%d %b %Y},",
        "or narrow the track: skills you already know can be placed by the diagnostic.",
    ]


def changes(
    before: Sequence[str], after: Sequence[str], done: Sequence[str] = ()
) -> dict[str, list[str]]:
    """What a re-plan changed: skills added, removed (other than those now done), done since,
    and moved: the fewest skills whose moving explains the new order."""
    added = [s for s in after if s not in before]
    finished = [s for s in before if s not in after and s in done]
    removed = [s for s in before if s not in after and s not in done]
    position = {s: n for n, s in enumerate(before)}
    kept = [position[s] for s in after if s in position]
    stay = set(_longest_increasing(kept))
    moved = [s for s in after if s in position and position[s] not in stay]
    return {"added": added, "removed": removed, "done": finished, "reordered": moved}


def _longest_increasing(values: Sequence[int]) -> list[int]:
    """One longest strictly increasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []
    tail_index: list[int] = []
    parent = [-1] * len(values)
    for n, value in enumerate(values):
        at = bisect.bisect_left(tails, value)
        if at == len(tails):
            tails.append(value)
            tail_index.append(n)
        else:
            tails[at], tail_index[at] = value, n
        parent[n] = tail_index[at - 1] if at else -1
    found, n = [], tail_index[-1] if tail_index else -1
    while n != -1:
        found.append(values[n])
        n = parent[n]
    return found[::-1]
