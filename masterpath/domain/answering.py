"""One graded answer's effect on a learner's mastery state, as one pure function.

The hot paths read what they need once (the learner's counters, the skill's stored state, its
check and task evidence, the parameters), call `observe`, and write what it returns once.
Pure: time, parameters and every stored value are passed in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from masterpath.domain import kt, retention
from masterpath.domain import mastery as rules
from masterpath.domain.content import Mode, Skill

TASK_GRADERS = ("rubric", "instructor")
ASSESSED_MODES = (Mode.MASTERY_CHECK.value, Mode.RETENTION_CHECK.value, Mode.TASK.value)
NO = np.array([False])


class Stored(Protocol):
    """What is stored of one learner and skill (a `SkillState` row or a `Standing`)."""

    @property
    def counters(self) -> dict[str, Any]: ...
    @property
    def graded_attempts(self) -> int: ...
    @property
    def last_graded_at(self) -> datetime | None: ...
    @property
    def ready_at(self) -> datetime | None: ...
    @property
    def mastered_at(self) -> datetime | None: ...
    @property
    def retention_passed_at(self) -> datetime | None: ...
    @property
    def retention_checks_passed(self) -> int: ...
    @property
    def placed_at(self) -> datetime | None: ...
    @property
    def placement_failed(self) -> bool: ...
    @property
    def reopened_at(self) -> datetime | None: ...


class Assessed(Protocol):
    """One check or task answer as the criteria read it (an evidence row, or a light one)."""

    @property
    def mode(self) -> str: ...
    @property
    def check_id(self) -> int | None: ...
    @property
    def source_id(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def grader(self) -> str: ...
    @property
    def recorded_at(self) -> datetime: ...


@dataclass(frozen=True)
class Standing:
    """One learner's stored state of one skill: knowledge-tracing counters and mastery dates."""

    skill_id: str
    counters: dict[str, Any] = field(default_factory=dict)
    graded_attempts: int = 0
    last_graded_at: datetime | None = None
    ready_at: datetime | None = None
    mastered_at: datetime | None = None
    retention_passed_at: datetime | None = None
    retention_checks_passed: int = 0
    placed_at: datetime | None = None
    placement_failed: bool = False
    reopened_at: datetime | None = None  # a mastery voided away: in progress, unlocks kept


@dataclass(frozen=True)
class Answered:
    """What changes after one graded answer: the learner's counters and the skills' states."""

    learner: dict[str, Any]
    seen: tuple[str, ...]  # the skills the learner has answered, in first-answer order
    states: tuple[Standing, ...]  # the answered skills' new states, own skill first


def unlocked(skill: Skill, states: Mapping[str, Stored]) -> bool:
    """Every prerequisite holds (mastered, or placed and not reopened), from the stored dates
    alone."""
    return all(
        pre in states
        and rules.holds(
            states[pre].mastered_at, states[pre].placed_at, states[pre].placement_failed
        )
        for pre in skill.prerequisites
    )


def estimate(
    params: kt.Params, learner: kt.Learner, seen: Sequence[str], skill_id: str, counters: Any
) -> float:
    """P(correct on the next unseen item of the skill)."""
    index = seen.index(skill_id) if skill_id in seen else len(seen)
    x = kt.features(
        learner, kt.load_record(counters), skill=np.array([index]), q=np.array([0.5]), same=NO
    )
    p = kt.predict(params, x, params.index([skill_id]), same=NO, last=learner.last)
    return float(p[0])


def checks_of(assessed: Sequence[Assessed], skill: Skill) -> tuple[rules.Check, ...]:
    """The finished-or-not mastery checks in a skill's check and task evidence."""
    objectives_of = {str(i.id): i.objectives for i in skill.items}
    groups: dict[int, list[Assessed]] = {}
    for e in assessed:
        if e.mode == Mode.MASTERY_CHECK and e.check_id is not None:
            groups.setdefault(e.check_id, []).append(e)
    found = []
    for answers in groups.values():
        right = {e.source_id for e in answers if e.score >= 0.999}
        covered = {o for item in right for o in objectives_of.get(item, ())}
        last = max(e.recorded_at for e in answers)
        found.append(rules.Check(last, frozenset(right), frozenset(covered)))
    return tuple(found)


def progress_of(
    skill: Skill,
    state: Stored | None,
    assessed: Sequence[Assessed],
    *,
    estimated: float,
    now: datetime,
) -> tuple[rules.Criteria, rules.Progress]:
    """A skill's criteria, and what the learner's stored state and evidence say of them."""
    criteria = rules.criteria_of(skill)
    if state is None:
        return criteria, rules.Progress(estimate=estimated)
    tasks = [e.score for e in assessed if e.mode == Mode.TASK and e.grader in TASK_GRADERS]
    return criteria, rules.Progress(
        estimate=estimated,
        graded_attempts=state.graded_attempts,
        checks=checks_of(assessed, skill),
        task_score=max(tasks, default=None),
        ready_at=state.ready_at,
        mastered_at=state.mastered_at,
        retention_passed_at=state.retention_passed_at,
        placed_at=state.placed_at,
        placement_failed=state.placement_failed,
        reopened_at=state.reopened_at,
        recall=retention.recall(
            last_graded_at=state.last_graded_at,
            retention_days=criteria.retention_days,
            passes=state.retention_checks_passed,
            now=now,
        ),
    )


def dated(
    state: Standing,
    skill: Skill,
    assessed: Sequence[Assessed],
    *,
    estimated: float,
    now: datetime,
) -> Standing:
    """Date the first time criteria 1-3 hold (the retention check falls due D days later) and
    the first time every criterion holds (mastery, which then sticks)."""
    if state.mastered_at is not None:
        return state
    criteria, progress = progress_of(skill, state, assessed, estimated=estimated, now=now)
    if state.ready_at is None and rules.ready(criteria, progress):
        state = dataclasses.replace(state, ready_at=now)
        progress = dataclasses.replace(progress, ready_at=now)
    if all(line.met for line in rules.checklist(criteria, progress)):
        state = dataclasses.replace(state, mastered_at=now)
    return state


def _retention(
    state: Standing, assessed: Sequence[Assessed], *, check_id: int, now: datetime
) -> Standing:
    answers = [e for e in assessed if e.mode == Mode.RETENTION_CHECK and e.check_id == check_id]
    if len(answers) != rules.RETENTION_ITEMS:
        return state
    if sum(e.score >= 0.999 for e in answers) >= rules.RETENTION_PASS:
        return dataclasses.replace(
            state,
            retention_passed_at=now,
            retention_checks_passed=state.retention_checks_passed + 1,
        )
    if state.placed_at is not None:
        return dataclasses.replace(state, placement_failed=True)
    return state


def observe(
    *,
    learner: dict[str, Any] | None,
    seen: Sequence[str],
    states: Mapping[str, Standing],
    skills: Sequence[Skill],
    weights: tuple[float, float],
    mode: str,
    check_id: int | None,
    assessed: Mapping[str, Sequence[Assessed]],
    params: kt.Params,
    now: datetime,
) -> Answered:
    """The learner's counters and the skills' states after one graded answer that is evidence
    for `skills` (its own skill first). `assessed`: each skill's check and task evidence,
    this answer included when it is one."""
    counters = kt.load_learner(learner)
    order = list(seen)
    updated = []
    for n, skill in enumerate(skills):
        if skill.id not in order:
            order.append(skill.id)
        state = states.get(skill.id) or Standing(skill.id)
        counters, record = kt.observe(
            counters,
            kt.load_record(state.counters),
            skill=np.array([order.index(skill.id)]),
            credit=np.array([weights[0]]),
            debit=np.array([weights[1]]),
            same=np.array([n > 0]),
        )
        state = dataclasses.replace(
            state,
            counters=kt.dump(record),
            graded_attempts=state.graded_attempts + 1,
            last_graded_at=now,
        )
        if mode == Mode.RETENTION_CHECK and check_id is not None:
            state = _retention(state, assessed.get(skill.id, ()), check_id=check_id, now=now)
        updated.append(state)
    dated_states = tuple(
        dated(
            state,
            skill,
            assessed.get(skill.id, ()),
            estimated=estimate(params, counters, order, skill.id, state.counters),
            now=now,
        )
        for state, skill in zip(updated, skills, strict=True)
    )
    return Answered(kt.dump(counters), tuple(order), dated_states)
