"""Tracks: plan one from a goal, re-plan it, and place what you know with the diagnostic."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from masterpath.services import diagnostic, tracks
from masterpath.web.api.checks import CheckAnswerIn
from masterpath.web.deps import Ctx, Id, Me, api_router

router = api_router(tag="api")


class IntakeIn(BaseModel):
    goal: str
    background: str = ""
    known: list[str] = []
    pinned: list[str] = []
    hours_per_week: float = 5.0
    target_date: date | None = None

    def intake(self) -> tracks.Intake:
        return tracks.Intake(**self.model_dump())


@router.post("/tracks")
def create_track(ctx: Ctx, viewer: Me, body: IntakeIn) -> tracks.Result:
    """Match a goal to a career and plan the track. When nothing fits, `career` is null and
    nothing is created."""
    return tracks.create(ctx, body.intake(), user_id=viewer.id)


@router.get("/me/tracks")
def my_tracks(ctx: Ctx, viewer: Me) -> list[dict[str, Any]]:
    return tracks.of_learner(ctx, user_id=viewer.id)


@router.get("/me/tracks/{track_id}")
def my_track(ctx: Ctx, viewer: Me, track_id: Id) -> tracks.TrackView:
    return tracks.get(ctx, user_id=viewer.id, track_id=track_id)


@router.put("/me/tracks/{track_id}")
def replan_track(ctx: Ctx, viewer: Me, track_id: Id, body: IntakeIn) -> tracks.TrackView:
    """Re-plan with new inputs; progress carries over and `changes` says what moved."""
    return tracks.update(ctx, user_id=viewer.id, track_id=track_id, intake=body.intake())


@router.post("/me/tracks/{track_id}/diagnostic")
def start_diagnostic(ctx: Ctx, viewer: Me, track_id: Id) -> diagnostic.DiagnosticView:
    """Start the track's placement diagnostic (or get the one already started)."""
    return diagnostic.start(ctx, user_id=viewer.id, track_id=track_id)


@router.post("/me/tracks/{track_id}/diagnostic/answers")
def answer_diagnostic(
    ctx: Ctx, viewer: Me, track_id: Id, body: CheckAnswerIn
) -> diagnostic.DiagnosticView:
    """Answer the question being asked; the last answer returns the skills placed."""
    return diagnostic.answer(ctx, user_id=viewer.id, track_id=track_id, **body.model_dump())
