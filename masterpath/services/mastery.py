"""The mastery service: the checklist a learner sees, with the shortest honest path forward,
stage progress, and placement. Transaction-level state lives in `services.mastery_state`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from masterpath.domain import kt
from masterpath.domain import mastery as rules
from masterpath.errors import NotFound
from masterpath.services import Context, mastery_state
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import mastery as store


def place(ctx: Context, *, user_id: int, skill_ids: list[str]) -> None:
    """Credit skills the diagnostic showed are known: provisional until a retention check."""
    with ctx.db.begin() as tx:
        mastery_state.place_in(tx, user_id=user_id, skill_ids=skill_ids, now=ctx.clock.now())


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
    can_start_check: bool  # the mastery check is offered: estimate met, no check passed yet
    check_passed: bool


def stage_progress(ctx: Context, *, user_id: int, stages: list[list[str]]) -> dict[str, Any]:
    """Each skill's status and, per stage, whether it is unlocked: every skill of the stage
    before it mastered or placed (DESIGN.md §3). The first stage is always unlocked."""
    with ctx.db.begin() as tx:
        now = ctx.clock.now()
        return mastery_state.stage_progress_in(tx, user_id=user_id, stages=stages, now=now)


def explain(ctx: Context, *, user_id: int, skill_id: str) -> Explanation:
    """The checklist with current values and the shortest honest path forward."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        found = content_store.skill_models(tx, [skill_id])
        if not found:
            raise NotFound(f"no skill {skill_id!r}")
        skill = found[skill_id]
        user = account_store.user_by_id(tx, user_id)
        zone = ZoneInfo(user.timezone if user else "UTC")
        found_verdicts = mastery_state.verdicts(tx, user_id, [skill_id], now=now)
        verdict = found_verdicts[skill_id]
        state = store.skill_states(tx, user_id).get(skill_id)
        criteria, progress = mastery_state.standing(tx, user_id, skill, state, now=now)
        params = mastery_state.current_params(tx)
        p, x = mastery_state.estimate(tx, user_id, skill_id, state.counters if state else {})
        why = kt.contributions(params, x, params.index([skill_id]))
    unmet_prereqs = [
        pre for pre in skill.prerequisites if found_verdicts[pre].status not in rules.UNLOCKING
    ]
    return Explanation(
        skill_id=skill_id,
        title=skill.title,
        status=verdict.status.value,
        estimate=p,
        checklist=[_item(item, zone) for item in verdict.checklist],
        next_steps=_steps(verdict, zone, unmet_prereqs),
        why=why,
        recommendation=rules.recommend(criteria, progress, skill),
        can_start_check=rules.check_offered(verdict.checklist),
        check_passed=rules.met(verdict.checklist, "check"),
    )


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
