"""The plan of a track as the learner sees it: what they asked for (`Intake`), the installed
skills' `Catalogue`, and the `TrackView` of a career's stages, weeks, statuses and pace.

services/tracks.py matches goals, stores tracks and re-plans them; it calls `plan` here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from masterpath.domain import grading
from masterpath.domain import mastery as rules
from masterpath.domain import tracks as planner
from masterpath.domain.content import Skill
from masterpath.errors import NotFound
from masterpath.services import Context, mastery_state
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import mastery as mastery_store
from masterpath.store import tracks as store
from masterpath.store.models import Track

WEEKS_SHOWN = 12


@dataclass(frozen=True)
class Catalogue:
    """What planning needs from the installed skills, derived once per content change."""

    prerequisites: dict[str, list[str]]
    hours: dict[str, float]
    backgrounds: dict[str, list[list[str]]]  # skill -> phrasings as words


def catalogue(tx: Tx) -> Catalogue:
    """The installed skills' catalogue, derived once per content change."""
    skills = content_store.skill_models(tx)
    found: Catalogue = tx.cache.latest(
        "catalogue",
        content_store.content_key(tx),
        lambda: Catalogue(
            {k: list(v.prerequisites) for k, v in skills.items()},
            {k: v.hours for k, v in skills.items()},
            {
                k: [grading.terms(p, drop_stop=True) for p in v.backgrounds]
                for k, v in skills.items()
                if v.backgrounds
            },
        ),
    )
    return found


@dataclass(frozen=True)
class Intake:
    """What a learner asked for and what MasterPath makes of it."""

    goal: str
    background: str = ""
    known: list[str] = field(default_factory=list)
    pinned: list[str] = field(default_factory=list)
    hours_per_week: float = 5.0
    target_date: date | None = None
    certifications: list[str] = field(default_factory=list)  # names: their skills are pinned


@dataclass(frozen=True)
class TrackView:
    id: int | None
    career: str
    career_title: str
    goal: str
    background: str
    hypotheses: list[str]  # skills the background suggests are known: to test, never credit
    hours_per_week: float
    target_date: date | None
    stages: list[dict[str, Any]]
    total_hours: float
    finish: date
    fits: bool | None
    advice: list[str]
    weeks: list[dict[str, Any]]
    done: list[str]
    changes: dict[str, list[str]]
    pace: float
    pinned: list[str] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # every skill in scope, done or not
    certifications: list[dict[str, Any]] = field(default_factory=list)  # name, skills, chosen
    other_skills: list[dict[str, str]] = field(default_factory=list)  # could be pinned


def hypotheses(background: str, found: Catalogue, known: list[str]) -> list[str]:
    """Skills a background suggests the learner knows: to be tested by the diagnostic."""
    said = grading.terms(background, drop_stop=True) if background.strip() else []
    suggested = {
        skill_id
        for skill_id, phrasings in found.backgrounds.items()
        if said and any(grading.phrase_in(p, said, gap=1) for p in phrasings if p)
    }
    return sorted(suggested | set(known))


def today(tx: Tx, ctx: Context, user_id: int | None) -> date:
    user = account_store.user_by_id(tx, user_id) if user_id is not None else None
    return ctx.clock.now().astimezone(ZoneInfo(user.timezone if user else "UTC")).date()


def plan(
    tx: Tx, ctx: Context, slug: str, intake: Intake, *, user_id: int | None, track: Track | None
) -> TrackView:
    career_row = content_store.live_career(tx, slug)
    if career_row is None:
        raise NotFound(f"no career {slug!r}")
    career = career_row.data
    skills = content_store.skill_models(tx)
    derived = catalogue(tx)
    stages = [
        planner.Stage(s["id"], s["title"], tuple(x for x in s["skills"] if x in skills))
        for s in career["stages"]
    ]
    states = mastery_store.skill_states(tx, user_id) if user_id is not None else {}
    done = {
        s
        for s, st in states.items()
        if rules.holds(st.mastered_at, st.placed_at, st.placement_failed)
    }
    speed = _pace(tx, user_id, done, skills) if user_id is not None else 1.0
    plan = planner.plan(
        stages=stages,
        prerequisites=derived.prerequisites,
        hours=derived.hours,
        done=done,
        pinned=intake.pinned,
        speed=speed,
        hours_per_week=intake.hours_per_week,
        start=today(tx, ctx, user_id),
        target=intake.target_date,
        shaped=_shape(tx, slug, stages, derived.prerequisites, tuple(intake.pinned)),
    )
    statuses = _statuses(tx, ctx, user_id, [*plan.order, *plan.done], states)
    grouped: dict[str, list[dict[str, Any]]] = {stage.id: [] for stage in stages}
    for skill in plan.skills:
        grouped[skill.stage].append(
            {
                "id": skill.id,
                "title": skills[skill.id].title,
                "hours": skill.hours,
                "pinned": skill.pinned,
                "status": statuses.get(skill.id, "available"),
            }
        )
    unlocked = [
        n == 0
        or rules.stage_unlocked(
            stages[n - 1].skills, {k: rules.Status(v) for k, v in statuses.items()}
        )
        for n in range(len(stages))
    ]
    return TrackView(
        id=track.id if track else None,
        career=slug,
        career_title=career["title"],
        goal=intake.goal,
        background=intake.background,
        hypotheses=hypotheses(intake.background, derived, intake.known),
        hours_per_week=intake.hours_per_week,
        target_date=intake.target_date,
        stages=[
            {"id": s.id, "title": s.title, "unlocked": unlocked[n], "skills": grouped[s.id]}
            for n, s in enumerate(stages)
        ],
        total_hours=plan.total_hours,
        finish=plan.finish,
        fits=plan.fits,
        advice=plan.advice,
        weeks=[
            {"week": w.number, "starts": w.starts, "skills": w.skills}
            for w in plan.weeks[:WEEKS_SHOWN]
        ],
        done=plan.done,
        changes=dict(track.changes) if track else {},
        pace=speed,
        pinned=list(intake.pinned),
        statuses=statuses,
        certifications=[
            {
                "name": c["name"],
                "skills": c.get("skills", []),
                "chosen": bool(c.get("skills")) and set(c["skills"]) <= set(intake.pinned),
            }
            for c in career.get("certifications", [])
        ],
        other_skills=sorted(
            (
                {"id": k, "title": v.title}
                for k, v in skills.items()
                if k not in plan.order and k not in plan.done
            ),
            key=lambda s: s["title"],
        ),
    )


def _shape(
    tx: Tx,
    slug: str,
    stages: list[planner.Stage],
    prerequisites: dict[str, list[str]],
    pinned: tuple[str, ...],
) -> planner.Shape:
    """The track's shape (`planner.shape`), kept per content, career and pinned skills."""
    key = (content_store.content_key(tx), slug, pinned)
    found: planner.Shape = tx.cache.many(
        "track_shapes", key, lambda: planner.shape(stages, prerequisites, pinned)
    )
    return found


def _statuses(
    tx: Tx, ctx: Context, user_id: int | None, skill_ids: list[str], states: dict[str, Any]
) -> dict[str, str]:
    if user_id is None or not skill_ids:
        return {}
    found = mastery_state.verdicts(tx, user_id, skill_ids, now=ctx.clock.now(), states=states)
    return {skill: verdict.status.value for skill, verdict in found.items()}


def _pace(tx: Tx, user_id: int | None, done: set[str], skills: dict[str, Skill]) -> float:
    if user_id is None:
        return 1.0
    seconds = store.study_seconds_by_skill(tx, user_id)
    finished = [s for s in done if s in seconds and s in skills]
    measured = sum(seconds[s] for s in finished) / 3600
    return planner.pace(measured, sum(skills[s].hours for s in finished))
