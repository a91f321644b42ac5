"""The mastery engine: knowledge tracing on every graded answer, criteria, explanations."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from masterpath.domain import graph, kt
from masterpath.domain import mastery as rules
from masterpath.errors import NotFound
from masterpath.services import Context
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import mastery as store
from masterpath.store.models import SkillState

RETENTION_ITEMS = 3  # a retention check asks this many assessment-only items
RETENTION_PASS = 2  # ... and passes with this many correct
NO = np.array([False])
_params: dict[int, kt.Params] = {}


def current_params(tx: Tx) -> kt.Params:
    """The newest fitted parameters, or the untrained defaults."""
    found = store.latest_params_id(tx)
    if found is None:
        return kt.defaults()
    if found not in _params:
        _params[found] = kt.Params.from_json(store.params(tx, found))
    return _params[found]


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
            learner, kt.load_record(state.counters), skill=np.array([seen.index(skill_id)]),
            credit=np.array([weights[0]]), debit=np.array([weights[1]]), same=np.array([n > 0]),
        )  # fmt: skip
        state.counters = kt.dump(record)
        state.graded_attempts += 1
        state.last_graded_at, state.updated_at = now, now
        if mode == "retention_check" and check_id is not None:
            _retention(tx, state, check_id=check_id, now=now)
    store.save_learner_state(
        tx, user_id=user_id, counters=kt.dump(learner), skill_ids=seen, now=now
    )
    for state in states:
        mark_ready(tx, user_id=user_id, skill_id=state.skill_id, now=now, state=state)


def _retention(tx: Tx, state: SkillState, *, check_id: int, now: datetime) -> None:
    answers = [e for e in store.assessed(tx, user_id=state.user_id, skill_id=state.skill_id)
               if e.mode == "retention_check" and e.check_id == check_id]  # fmt: skip
    if len(answers) != RETENTION_ITEMS:
        return
    if sum(e.score >= 0.999 for e in answers) >= RETENTION_PASS:
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
    skill = content_store.skill_data(tx, [skill_id])[skill_id]
    criteria, progress = _progress(tx, user_id, skill, state, now=now)
    if state.ready_at is None and rules.ready(criteria, progress):
        state.ready_at = now
        progress = dataclasses.replace(progress, ready_at=now)
    if all(item.met for item in rules.checklist(criteria, progress)):
        state.mastered_at = now


def place(ctx: Context, *, user_id: int, skill_ids: list[str]) -> None:
    """Credit skills the diagnostic showed are known: provisional until a retention check."""
    with ctx.db.begin() as tx:
        place_in(tx, user_id=user_id, skill_ids=skill_ids, now=ctx.clock.now())


def place_in(tx: Tx, *, user_id: int, skill_ids: list[str], now: datetime) -> None:
    for skill_id in skill_ids:
        state = store.skill_state(tx, user_id=user_id, skill_id=skill_id, now=now)
        if state.placed_at is None:
            state.placed_at, state.placement_failed = now, False


def criteria_of(skill: dict[str, Any]) -> rules.Criteria:
    given = skill.get("criteria") or {}
    task = skill.get("task")
    objectives = tuple(o["id"] for o in skill["objectives"])
    return rules.Criteria(
        threshold=float(given.get("threshold") or rules.THRESHOLD),
        required_correct=int(given.get("min_correct") or max(4, len(objectives))),
        objectives=objectives,
        task_pass_mark=float(task["pass_mark"]) if task and given.get("task_required", True)
        else None,
        retention_days=int(given.get("retention_days", 2)),
    )  # fmt: skip


def estimate(tx: Tx, user_id: int, skill_id: str, counters: dict[str, Any]) -> tuple[float, Any]:
    """P(correct on the next unseen item of this skill), and the features behind it."""
    params = current_params(tx)
    row = store.learner_state_seen(tx, user_id)
    learner = kt.load_learner(row.counters if row else None)
    seen = list(row.skill_ids) if row else []
    index = seen.index(skill_id) if skill_id in seen else len(seen)
    x = kt.features(learner, kt.load_record(counters), skill=np.array([index]),
                    q=np.array([0.5]), same=NO)  # fmt: skip
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


def stability_days(state: SkillState, criteria: rules.Criteria) -> float:
    """The forgetting curve's stability: the retention delay, doubled per retention pass."""
    return max(1.0, criteria.retention_days * 2.0**state.retention_checks_passed)


def recall(state: SkillState, criteria: rules.Criteria, now: datetime) -> float | None:
    """Forecast recall: a power forgetting curve whose stability doubles per retention pass."""
    if state.last_graded_at is None:
        return None
    stability = stability_days(state, criteria)
    days = (now - state.last_graded_at).total_seconds() / 86400
    return float((1 + days / (9 * stability)) ** -1)


def _checks(evidence: list[Any], objectives_of: dict[str, list[str]]) -> tuple[rules.Check, ...]:
    groups: dict[int, list[Any]] = {}
    for e in evidence:
        if e.mode == "mastery_check" and e.check_id is not None:
            groups.setdefault(e.check_id, []).append(e)
    found = []
    for answers in groups.values():
        right = {e.source_id for e in answers if e.score >= 0.999}
        covered = {o for item in right for o in objectives_of.get(item, [])}
        found.append(rules.Check(max(e.recorded_at for e in answers), frozenset(right),
                                 frozenset(covered)))  # fmt: skip
    return tuple(found)


def _progress(
    tx: Tx,
    user_id: int,
    skill: dict[str, Any],
    state: SkillState | None,
    *,
    now: datetime,
    assessed: list[Any] | None = None,
    estimated: float | None = None,
) -> tuple[rules.Criteria, rules.Progress]:
    """`assessed` and `estimated`: the skill's check and task evidence and its estimate, when
    the caller has them already."""
    criteria = criteria_of(skill)
    if state is None:
        p = estimated if estimated is not None else estimate(tx, user_id, skill["id"], {})[0]
        return criteria, rules.Progress(estimate=p)
    evidence = (
        assessed if assessed is not None
        else store.assessed(tx, user_id=user_id, skill_id=skill["id"])
    )  # fmt: skip
    objectives_of = {f"{skill['id']}:{i['id']}": i["objectives"] for i in skill.get("items", [])}
    tasks = [e.score for e in evidence if e.mode == "task" and e.grader in ("rubric", "instructor")]
    p = (
        estimated
        if estimated is not None
        else estimate(tx, user_id, skill["id"], state.counters)[0]
    )
    return criteria, rules.Progress(
        estimate=p, graded_attempts=state.graded_attempts,
        checks=_checks(evidence, objectives_of), task_score=max(tasks, default=None),
        ready_at=state.ready_at, mastered_at=state.mastered_at,
        retention_passed_at=state.retention_passed_at,
        placed_at=state.placed_at, placement_failed=state.placement_failed,
        recall=recall(state, criteria, now),
    )  # fmt: skip


@dataclass(frozen=True)
class Explanation:
    skill_id: str
    title: str
    status: str
    estimate: float
    checklist: list[dict[str, Any]]
    next_steps: list[str]
    why: dict[str, float]
    recommendation: str


def verdicts(tx: Tx, user_id: int, skill_ids: list[str], *, now: datetime) -> dict[str, Any]:
    """Verdicts for these skills and every prerequisite they depend on."""
    every = content_store.skill_data(tx)
    prereqs = {key: list(data.get("prerequisites", [])) for key, data in every.items()}
    needed = set(skill_ids).union(*(graph.ancestors(prereqs, s) for s in skill_ids))
    order = [s for s in graph.topological(prereqs) if s in needed]
    states = store.skill_states(tx, user_id)
    assessed = store.assessed_by_skill(tx, user_id=user_id, skill_ids=[s for s in order
                                                                       if s in states])  # fmt: skip
    found = estimates(tx, user_id, {s: states[s].counters if s in states else {} for s in order})
    inputs = {s: _progress(tx, user_id, every[s], states.get(s), now=now,
                           assessed=assessed.get(s, []), estimated=found[s])
              for s in order}  # fmt: skip
    return rules.statuses(order, prereqs, inputs)


def stage_progress(ctx: Context, *, user_id: int, stages: list[list[str]]) -> dict[str, Any]:
    """Each skill's status and, per stage, whether it is unlocked: every skill of the stage
    before it mastered or placed (DESIGN.md §3). The first stage is always unlocked."""
    with ctx.db.begin() as tx:
        return stage_progress_in(tx, user_id=user_id, stages=stages, now=ctx.clock.now())


def stage_progress_in(
    tx: Tx, *, user_id: int, stages: list[list[str]], now: datetime
) -> dict[str, Any]:
    wanted = [s for stage in stages for s in stage if content_store.skill_data(tx, [s])]
    found = verdicts(tx, user_id, wanted, now=now)
    statuses = {skill: verdict.status for skill, verdict in found.items()}
    unlocked = [n == 0 or rules.stage_unlocked(stages[n - 1], statuses) for n in range(len(stages))]
    return {"skills": {s: statuses[s].value for s in wanted}, "stages": unlocked}


def explain(ctx: Context, *, user_id: int, skill_id: str) -> Explanation:
    """The checklist with current values and the shortest honest path forward."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        found = content_store.skill_data(tx, [skill_id])
        if not found:
            raise NotFound(f"no skill {skill_id!r}")
        skill = found[skill_id]
        user = account_store.user_by_id(tx, user_id)
        zone = ZoneInfo(user.timezone if user else "UTC")
        found_verdicts = verdicts(tx, user_id, [skill_id], now=now)
        verdict = found_verdicts[skill_id]
        state = store.skill_states(tx, user_id).get(skill_id)
        criteria, progress = _progress(tx, user_id, skill, state, now=now)
        params = current_params(tx)
        p, x = estimate(tx, user_id, skill_id, state.counters if state else {})
        why = kt.contributions(params, x, params.index([skill_id]))
    unmet_prereqs = [
        pre for pre in skill.get("prerequisites", [])
        if found_verdicts[pre].status not in rules.UNLOCKING
    ]  # fmt: skip
    return Explanation(
        skill_id=skill_id, title=skill["title"], status=verdict.status.value, estimate=p,
        checklist=[_item(item, zone) for item in verdict.checklist],
        next_steps=_steps(verdict, zone, unmet_prereqs), why=why,
        recommendation=_recommend(criteria, progress, skill),
    )  # fmt: skip


def _when(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %H:%M") if moment else ""


def _item(item: rules.Item, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "key": item.key,
        "label": item.label,
        "met": item.met,
        "value": item.value,
        "next_step": item.next_step,
        "available_at": _when(item.available_at, zone),
    }


def _steps(verdict: rules.Verdict, zone: ZoneInfo, locked_by: list[str]) -> list[str]:
    if locked_by:
        return [f"Master or place the prerequisites first: {', '.join(locked_by)}."]
    steps = []
    for item in verdict.checklist:
        if item.met:
            continue
        when = f" (available from {_when(item.available_at, zone)})" if item.available_at else ""
        steps.append(item.next_step.rstrip(".") + when + ".")
    return steps


def available(tx: Tx, *, user_id: int, skill: dict[str, Any]) -> bool:
    """Every prerequisite holds (mastered, or placed and not reopened): from the stored dates
    alone, without re-deriving every verdict."""
    states = store.skill_states(tx, user_id)
    return all(
        pre in states and rules.holds(states[pre].mastered_at, states[pre].placed_at,
                                      states[pre].placement_failed)
        for pre in skill.get("prerequisites", [])
    )  # fmt: skip


def recommendation(tx: Tx, *, user_id: int, skill: dict[str, Any], now: datetime) -> str:
    """What should come next: practice, a prerequisite, or a worked example (wheel-spinning)."""
    state = store.skill_states(tx, user_id).get(skill["id"])
    criteria, progress = _progress(tx, user_id, skill, state, now=now)
    return _recommend(criteria, progress, skill)


def stuck(tx: Tx, *, user_id: int, now: datetime) -> list[str]:
    """Skills the learner is wheel-spinning on (the rule that redirects practice), never one
    that is mastered or placed."""
    states = store.skill_states(tx, user_id)
    spinning = sorted(
        s for s, st in states.items()
        if st.graded_attempts >= rules.WHEEL_SPIN_ATTEMPTS
        and not rules.holds(st.mastered_at, st.placed_at, st.placement_failed)
    )  # fmt: skip
    skills = content_store.skill_data(tx, spinning) if spinning else {}
    return [
        s for s in spinning
        if s in skills and rules.wheel_spinning(*_progress(tx, user_id, skills[s], states[s],
                                                           now=now))
    ]  # fmt: skip


def _recommend(criteria: rules.Criteria, progress: rules.Progress, skill: dict[str, Any]) -> str:
    if not rules.wheel_spinning(criteria, progress):
        return "practice"
    return "prerequisite" if skill.get("prerequisites") else "worked_example"
