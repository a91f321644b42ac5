"""Mastery state inside a transaction: what other services call while they write evidence or
read a learner's standing (knowledge tracing, dates of readiness and mastery, verdicts).

The public mastery service (`services.mastery`) and the study services build on these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from masterpath.domain import answering, graph, kt
from masterpath.domain import mastery as rules
from masterpath.domain.content import Skill
from masterpath.services import awards
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
    models = content_store.skill_models(tx, skills)
    stored = {s: store.skill_state(tx, user_id=user_id, skill_id=s, now=now) for s in skills}
    answered = answering.observe(
        learner=row.counters if row else None,
        seen=list(row.skill_ids) if row else [],
        states={s: standing_of(state) for s, state in stored.items()},
        skills=[models[s] for s in skills],
        weights=weights,
        mode=mode,
        check_id=check_id,
        assessed={s: store.assessed(tx, user_id=user_id, skill_id=s) for s in skills},
        params=current_params(tx),
        now=now,
    )
    store.save_learner_state(
        tx, user_id=user_id, counters=answered.learner, skill_ids=list(answered.seen), now=now
    )
    mastered = [
        s.skill_id for s in answered.states if s.mastered_at and not stored[s.skill_id].mastered_at
    ]
    for state in answered.states:
        store.save_standing(stored[state.skill_id], state, now=now)
    for skill_id in mastered:
        awards.record(tx, user_id=user_id, skill_id=skill_id, now=now)


def standing_of(row: SkillState) -> answering.Standing:
    return answering.Standing(
        row.skill_id,
        dict(row.counters),
        row.graded_attempts,
        row.last_graded_at,
        row.ready_at,
        row.mastered_at,
        row.retention_passed_at,
        row.retention_checks_passed,
        row.placed_at,
        row.placement_failed,
        row.reopened_at,
    )


def mark_ready(
    tx: Tx, *, user_id: int, skill_id: str, now: datetime, state: SkillState | None = None
) -> None:
    """Date the first time criteria 1-3 hold (the retention check falls due D days later) and
    the first time every criterion holds (mastery, which then sticks, and earns a badge)."""
    state = state or store.skill_state(tx, user_id=user_id, skill_id=skill_id, now=now)
    if state.mastered_at is not None:
        return
    skill = content_store.skill_models(tx, [skill_id])[skill_id]
    dated = answering.dated(
        standing_of(state),
        skill,
        store.assessed(tx, user_id=user_id, skill_id=skill_id),
        estimated=estimate(tx, user_id, skill_id, state.counters)[0],
        now=now,
    )
    store.save_standing(state, dated, now=state.updated_at)
    if state.mastered_at is not None:
        awards.record(tx, user_id=user_id, skill_id=skill_id, now=now)


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
    if estimated is None:
        estimated = estimate(tx, user_id, skill.id, state.counters if state else {})[0]
    if state is not None and assessed is None:
        assessed = store.assessed(tx, user_id=user_id, skill_id=skill.id)
    return answering.progress_of(skill, state, assessed or [], estimated=estimated, now=now)


def verdicts(
    tx: Tx,
    user_id: int,
    skill_ids: list[str],
    *,
    now: datetime,
    states: dict[str, SkillState] | None = None,
) -> dict[str, Any]:
    """Verdicts for these skills and every prerequisite they depend on (`states`: the
    learner's skill states, when the caller has read them already)."""
    every = content_store.skill_models(tx)
    graph_of = _graph(tx)
    needed = set(skill_ids).union(*(graph_of.ancestors.get(s, ()) for s in skill_ids))
    order = [s for s in graph_of.order if s in needed]
    prereqs = graph_of.prerequisites
    if states is None:
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


@dataclass(frozen=True)
class _Graph:
    prerequisites: dict[str, list[str]]
    ancestors: dict[str, set[str]]  # every skill a skill depends on, directly or not
    order: list[str]  # prerequisites first


def _graph(tx: Tx) -> _Graph:
    """The installed skills' prerequisite graph, derived once per content change."""

    def derive() -> _Graph:
        prereqs = {k: list(v.prerequisites) for k, v in content_store.skill_models(tx).items()}
        every = {s: graph.ancestors(prereqs, s) for s in prereqs}
        return _Graph(prereqs, every, graph.topological(prereqs))

    found: _Graph = tx.cache.latest("skill_graph", content_store.content_key(tx), derive)
    return found


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
    return answering.unlocked(skill, store.skill_states(tx, user_id))


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
