"""Goal intake → career → track: match a goal, form hypotheses from a background, plan the study.

Nothing is created when no career fits: the learner is told so and shown what exists. Evidence
belongs to skills, so re-planning a track never loses progress; the plan order last shown is
kept so the page can say what changed. The plan itself (stages, weeks, statuses, pace) is built
in services/track_plan.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from masterpath.domain import matching
from masterpath.domain import tracks as planner
from masterpath.domain.content import Skill
from masterpath.errors import InvalidInput, NotFound, Problem
from masterpath.services import Context, goals, track_plan
from masterpath.services.track_plan import Intake as Intake
from masterpath.services.track_plan import TrackView as TrackView
from masterpath.store import Tx
from masterpath.store import content as content_store
from masterpath.store import tracks as store
from masterpath.store.models import Track

MAX_TEXT = 1_000  # characters in a goal or a background


@dataclass(frozen=True)
class Result:
    career: str | None
    confidence: float
    alternatives: list[dict[str, Any]]
    track: TrackView | None
    message: str = ""
    careers: list[dict[str, str]] = field(default_factory=list)  # what exists, when no match


def _bad(message: str, name: str) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, field=name)])


def check(intake: Intake, *, today: date, skills: dict[str, Skill]) -> None:
    """Refuse bad input by field, before anything is matched or written."""
    if not intake.goal.strip():
        raise _bad("write the goal you are working towards", "goal")
    for name, text in (("goal", intake.goal), ("background", intake.background)):
        if len(text) > MAX_TEXT:
            raise _bad(f"the {name} is {len(text):,} characters; keep it under {MAX_TEXT:,}", name)
    if not 0.5 <= intake.hours_per_week <= 100:
        raise _bad("hours per week must be at least 0.5 and at most 100", "hours_per_week")
    if intake.target_date is not None and intake.target_date <= today:
        raise _bad(f"the target date {intake.target_date} is not in the future", "target_date")
    for name, ids in (("known", intake.known), ("pinned", intake.pinned)):
        unknown = [s for s in ids if s not in skills]
        if unknown:
            raise _bad(f"unknown skill {unknown[0]!r} in {name}", name)


def index(tx: Tx) -> matching.Index:
    """The lexical career index for the installed content (BM25 alone, no vectors)."""
    found, passages, _ = goals.documents(tx)
    return matching.build(found, passages)


def suggest(ctx: Context, intake: Intake, *, user_id: int | None = None) -> Result:
    """Match and plan without storing anything (the CLI, and a preview)."""
    understood = goals.understand(ctx, intake.goal[:MAX_TEXT])
    with ctx.db.begin() as tx:
        return _suggest(tx, ctx, intake, user_id, understood)


def _suggest(
    tx: Tx, ctx: Context, intake: Intake, user_id: int | None, understood: goals.Understood
) -> Result:
    skills = content_store.skill_models(tx)
    check(intake, today=track_plan.today(tx, ctx, user_id), skills=skills)
    found, why = goals.match(understood, intake.goal)
    if found.career is None:
        careers = [{"slug": row.slug, "title": row.title} for row in content_store.careers(tx)]
        message = (
            (why or "None of the installed careers fits this goal.")
            + " MasterPath covers: "
            + ", ".join(c["title"] for c in careers)
            + ". Nothing was created."
        )
        return Result(None, found.confidence, found.alternatives, None, message, careers)
    view = track_plan.plan(tx, ctx, found.career, intake, user_id=user_id, track=None)
    return Result(found.career, found.confidence, found.alternatives, view)


def create(ctx: Context, intake: Intake, *, user_id: int) -> Result:
    """Match the goal and, when a career fits, store the track for the learner."""
    now = ctx.clock.now()
    understood = goals.understand(ctx, intake.goal[:MAX_TEXT])
    with ctx.db.begin() as tx:
        result = _suggest(tx, ctx, intake, user_id, understood)
        if result.track is None or result.career is None:
            return result
        intake = _with_certifications(tx, result.career, intake)
        row = store.add(
            tx,
            user_id=user_id,
            career_slug=result.career,
            goal=intake.goal,
            background=intake.background,
            known=intake.known,
            pinned=intake.pinned,
            hours_per_week=intake.hours_per_week,
            target_date=intake.target_date,
            plan_order=[s["id"] for stage in result.track.stages for s in stage["skills"]],
            changes={},
            created_at=now,
            updated_at=now,
        )
        return Result(
            result.career,
            result.confidence,
            result.alternatives,
            track_plan.plan(tx, ctx, row.career_slug, intake, user_id=user_id, track=row),
        )


def _with_certifications(tx: Tx, slug: str, intake: Intake) -> Intake:
    """Pin the skills of the certifications the learner chose (the career maps them)."""
    if not intake.certifications:
        return intake
    career = content_store.career(tx, slug)
    offered = {
        c["name"]: c.get("skills", [])
        for c in (career.data if career else {}).get("certifications", [])
    }
    unknown = [c for c in intake.certifications if c not in offered]
    if unknown:
        raise _bad(f"the career offers no certification {unknown[0]!r}", "certifications")
    pins = [*intake.pinned, *(s for c in intake.certifications for s in offered[c])]
    return Intake(
        intake.goal,
        intake.background,
        intake.known,
        list(dict.fromkeys(pins)),
        intake.hours_per_week,
        intake.target_date,
    )


def _intake(row: Track) -> Intake:
    return Intake(
        row.goal,
        row.background,
        list(row.known),
        list(row.pinned),
        row.hours_per_week,
        row.target_date,
    )


def get(ctx: Context, *, user_id: int, track_id: int) -> TrackView:
    with ctx.db.read() as tx:  # it only reads
        row = store.get(tx, track_id, user_id=user_id, lock=False)
        if row is None:
            raise NotFound(f"no track {track_id}")
        return view(tx, ctx, row)


def view(tx: Tx, ctx: Context, row: Track) -> TrackView:
    """A track row as the learner sees it, planned now (in the caller's unit of work)."""
    return track_plan.plan(tx, ctx, row.career_slug, _intake(row), user_id=row.user_id, track=row)


def of_learner(ctx: Context, *, user_id: int) -> list[dict[str, Any]]:
    with ctx.db.read() as tx:  # it only reads
        return listed(tx, store.of_learner(tx, user_id))


def listed(tx: Tx, rows: list[Track]) -> list[dict[str, Any]]:
    """A learner's track rows (newest first) as the selector lists them."""
    careers = {slug: c.title for slug, c in content_store.live_careers(tx).items()}
    return [
        {
            "id": row.id,
            "career": row.career_slug,
            "career_title": careers.get(row.career_slug, row.career_slug),
            "goal": row.goal,
            "updated_at": row.updated_at,
        }
        for row in rows
    ]


def update(ctx: Context, *, user_id: int, track_id: int, intake: Intake) -> TrackView:
    """Re-plan with a new goal, background, hours, date or pins; progress carries over (it
    belongs to skills) and the view says what changed. A goal that now fits another career
    moves the track to it."""
    now = ctx.clock.now()
    understood = goals.understand(ctx, intake.goal[:MAX_TEXT])
    with ctx.db.begin() as tx:
        row = store.get(tx, track_id, user_id=user_id)
        if row is None:
            raise NotFound(f"no track {track_id}")
        found = _suggest(tx, ctx, intake, user_id, understood)
        if found.career is None:
            raise _bad(found.message, "goal")
        intake = _with_certifications(tx, found.career, intake)
        before = list(row.plan_order)
        if found.career != row.career_slug:
            row.diagnostic_id = None  # a diagnostic belongs to its career's scope
        if not intake.known:
            intake = Intake(
                intake.goal,
                intake.background,
                list(row.known),
                intake.pinned,
                intake.hours_per_week,
                intake.target_date,
            )
        row.career_slug, row.goal, row.background = found.career, intake.goal, intake.background
        row.known, row.pinned = list(intake.known), list(intake.pinned)
        row.hours_per_week, row.target_date, row.updated_at = (
            intake.hours_per_week,
            intake.target_date,
            now,
        )
        view = track_plan.plan(tx, ctx, row.career_slug, intake, user_id=user_id, track=row)
        after = [s["id"] for stage in view.stages for s in stage["skills"]]
        row.plan_order, row.changes = after, planner.changes(before, after, view.done)
        return track_plan.plan(tx, ctx, row.career_slug, intake, user_id=user_id, track=row)
