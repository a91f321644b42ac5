"""Mastery state inside a transaction: what other services call while they write evidence or
read a learner's standing (knowledge tracing, dates of readiness and mastery, verdicts).

The public mastery service (`services.mastery`) and the study services build on these.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import numpy as np

from masterpath.domain import graph, kt, retention
from masterpath.domain import mastery as rules
from masterpath.domain.content import Mode, Skill
from masterpath.store import Tx
from masterpath.store import content as content_store
from masterpath.store import mastery as store
from masterpath.store.models import SkillState

NO = np.array([False])


def current_params(tx: Tx) -> kt.Params:
    """The newest fitted parameters, or the untrained defaults (parsed once per context)."""
    found = store.latest_params_id(tx)
    if found is None:
        return kt.defaults()
    parsed: dict[int, kt.Params] = tx.cache.kept("kt_params")
    if found not in parsed:
        parsed[found] = kt.Params.from_json(store.params(tx, found))
    return parsed[found]


def apply(
    tx: Tx,
    *,
    user_id: int,
    skills: list[str],
    weights: tuple[float, float],
    mode: str,
    check_id: int | None,
    now: datetime,
) -> None:
    """Update counters and mastery dates after one graded answer (O(1) per skill)."""
    row = store.learner_state(tx, user_id)
    learner = kt.load_learner(row.counters if row else None)
    seen = list(row.skill_ids) if row else []
    states = []
    for n, skill_id in enumerate(skills):
        if skill_id not in seen:
            seen.append(skill_id)
        state = store.skill_state(tx, user_id=user_id, skill_id=skill_id, now=now)
        states.append(state)
        learner, record = kt.observe(
            learner,
            kt.load_record(state.counters),
            skill=np.array([seen.index(skill_id)]),
            credit=np.array([weights[0]]),
            debit=np.array([weights[1]]),
            same=np.array([n > 0]),
        )
        state.counters = kt.dump(record)
        state.graded_attempts += 1
        state.last_graded_at, state.updated_at = now, now
        if mode == Mode.RETENTION_CHECK and check_id is not None:
            _retention(tx, state, check_id=check_id, now=now)
    store.save_learner_state(
        tx, user_id=user_id, counters=kt.dump(learner), skill_ids=seen, now=now
    )
    for state in states:
        mark_ready(tx, user_id=user_id, skill_id=state.skill_id, now=now, state=state)


def _retention(tx: Tx, state: SkillState, *, check_id: int, now: datetime) -> None:
    answers = [
        e
        for e in store.assessed(tx, user_id=state.user_id, skill_id=state.skill_id)
        if e.mode == Mode.RETENTION_CHECK and e.check_id == check_id
    ]
    if len(answers) != rules.RETENTION_ITEMS:
        return
    if sum(e.score >= 0.999 for e in answers) >= rules.RETENTION_PASS:
        state.retention_passed_at = now
        state.retention_checks_passed += 1
    elif state.placed_at is not None:
        state.placement_failed = True


def mark_ready(
    tx: Tx, *, user_id: int, skill_id: str, now: datetime, state: SkillState | None = None
) -> None:
    """Date the first time criteria 1-3 hold (the retention check falls due D days later) and
    the first time every criterion holds (mastery, which then sticks)."""
    state = state or store.skill_state(tx, user_id=user_id, skill_id=skill_id, now=now)
    if state.mastered_at is not None:
        return
    skill = content_store.skill_models(tx, [skill_id])[skill_id]
    criteria, progress = standing(tx, user_id, skill, state, now=now)
    if state.ready_at is None and rules.ready(criteria, progress):
        state.ready_at = now
        progress = dataclasses.replace(progress, ready_at=now)
    if all(item.met for item in rules.checklist(criteria, progress)):
        state.mastered_at = now


def place_in(tx: Tx, *, user_id: int, skill_ids: list[str], now: datetime) -> None:
    for skill_id in skill_ids:
        state = store.skill_state(tx, user_id=user_id, skill_id=skill_id, now=now)
        if state.placed_at is None:
            state.placed_at, state.placement_failed = now, False


def estimate(tx: Tx, user_id: int, skill_id: str, counters: dict[str, Any]) -> tuple[float, Any]:
    """P(correct on the next unseen item of this skill), and the features behind it."""
    params = current_params(tx)
    row = store.learner_state_seen(tx, user_id)
    learner = kt.load_learner(row.counters if row else None)
    seen = list(row.skill_ids) if row else []
    index = seen.index(skill_id) if skill_id in seen else len(seen)
    x = kt.features(
        learner, kt.load_record(counters), skill=np.array([index]), q=np.array([0.5]), same=NO
    )
    p = kt.predict(params, x, params.index([skill_id]), same=NO, last=learner.last)
    return float(p[0]), x


def estimates(tx: Tx, user_id: int, counters: dict[str, dict[str, Any]]) -> dict[str, float]:
    """`estimate` for many skills at once (one batch through the model; the same values)."""
    if not counters:
        return {}
    params = current_params(tx)
    row = store.learner_state_seen(tx, user_id)
    learner = kt.stack([kt.load_learner(row.counters if row else None)] * len(counters))
    records = kt.stack([kt.load_record(c) for c in counters.values()])
    seen = list(row.skill_ids) if row else []
    skills = list(counters)
    index = np.array([seen.index(s) if s in seen else len(seen) for s in skills])
    no = np.zeros(len(skills), dtype=bool)
    x = kt.features(learner, records, skill=index, q=np.full(len(skills), 0.5), same=no)
    p = kt.predict(params, x, params.index(skills), same=no, last=learner.last)
    return {skill: float(value) for skill, value in zip(skills, p, strict=True)}


def _checks(
    evidence: list[Any], objectives_of: dict[str, tuple[str, ...]]
) -> tuple[rules.Check, ...]:
    groups: dict[int, list[Any]] = {}
    for e in evidence:
        if e.mode == Mode.MASTERY_CHECK and e.check_id is not None:
            groups.setdefault(e.check_id, []).append(e)
    found = []
    for answers in groups.values():
        right = {e.source_id for e in answers if e.score >= 0.999}
        covered = {o for item in right for o in objectives_of.get(item, [])}
        found.append(
            rules.Check(max(e.recorded_at for e in answers), frozenset(right), frozenset(covered))
        )
    return tuple(found)


def standing(
    tx: Tx,
    user_id: int,
    skill: Skill,
    state: SkillState | None,
    *,
    now: datetime,
    assessed: list[Any] | None = None,
    estimated: float | None = None,
) -> tuple[rules.Criteria, rules.Progress]:
    """`assessed` and `estimated`: the skill's check and task evidence and its estimate, when
    the caller has them already."""
    criteria = rules.criteria_of(skill)
    if state is None:
        p = estimated if estimated is not None else estimate(tx, user_id, skill.id, {})[0]
        return criteria, rules.Progress(estimate=p)
    evidence = (
        assessed if assessed is not None else store.assessed(tx, user_id=user_id, skill_id=skill.id)
    )
    objectives_of = {str(i.id): i.objectives for i in skill.items}
    graders = ("rubric", "instructor")
    tasks = [e.score for e in evidence if e.mode == Mode.TASK and e.grader in graders]
    p = estimated if estimated is not None else estimate(tx, user_id, skill.id, state.counters)[0]
    return criteria, rules.Progress(
        estimate=p,
        graded_attempts=state.graded_attempts,
        checks=_checks(evidence, objectives_of),
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


def verdicts(tx: Tx, user_id: int, skill_ids: list[str], *, now: datetime) -> dict[str, Any]:
    """Verdicts for these skills and every prerequisite they depend on."""
    every = content_store.skill_models(tx)
    prereqs = {key: list(data.prerequisites) for key, data in every.items()}
    needed = set(skill_ids).union(*(graph.ancestors(prereqs, s) for s in skill_ids))
    order = [s for s in graph.topological(prereqs) if s in needed]
    states = store.skill_states(tx, user_id)
    assessed = store.assessed_by_skill(
        tx, user_id=user_id, skill_ids=[s for s in order if s in states]
    )
    found = estimates(tx, user_id, {s: states[s].counters if s in states else {} for s in order})
    inputs = {
        s: standing(
            tx,
            user_id,
            every[s],
            states.get(s),
            now=now,
            assessed=assessed.get(s, []),
            estimated=found[s],
        )
        for s in order
    }
    return rules.statuses(order, prereqs, inputs)


def stage_progress_in(
    tx: Tx, *, user_id: int, stages: list[list[str]], now: datetime
) -> dict[str, Any]:
    wanted = [s for stage in stages for s in stage if content_store.skill_models(tx, [s])]
    found = verdicts(tx, user_id, wanted, now=now)
    statuses = {skill: verdict.status for skill, verdict in found.items()}
    unlocked = [n == 0 or rules.stage_unlocked(stages[n - 1], statuses) for n in range(len(stages))]
    return {"skills": {s: statuses[s].value for s in wanted}, "stages": unlocked}


def available(tx: Tx, *, user_id: int, skill: Skill) -> bool:
    """Every prerequisite holds (mastered, or placed and not reopened): from the stored dates
    alone, without re-deriving every verdict."""
    states = store.skill_states(tx, user_id)
    return all(
        pre in states
        and rules.holds(
            states[pre].mastered_at,
            states[pre].placed_at,
            states[pre].placement_failed,
            states[pre].reopened_at,
        )
        for pre in skill.prerequisites
    )


def recommendation(tx: Tx, *, user_id: int, skill: Skill, now: datetime) -> str:
    """What should come next: practice, a prerequisite, or a worked example (wheel-spinning)."""
    state = store.skill_states(tx, user_id).get(skill.id)
    criteria, progress = standing(tx, user_id, skill, state, now=now)
    return rules.recommend(criteria, progress, skill)


def stuck(tx: Tx, *, user_id: int, now: datetime) -> list[str]:
    """Skills the learner is wheel-spinning on (the rule that redirects practice), never one
    that is mastered or placed."""
    states = store.skill_states(tx, user_id)
    spinning = sorted(
        s
        for s, st in states.items()
        if st.graded_attempts >= rules.WHEEL_SPIN_ATTEMPTS
        and not rules.holds(st.mastered_at, st.placed_at, st.placement_failed)
    )
    skills = content_store.skill_models(tx, spinning) if spinning else {}
    return [
        s
        for s in spinning
        if s in skills
        and rules.wheel_spinning(*standing(tx, user_id, skills[s], states[s], now=now))
    ]
