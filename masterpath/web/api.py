"""The JSON API under /api/v1, described by OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from masterpath.services import Context, accounts, catalogue, evidence, mastery
from masterpath.web.security import Viewer, require_viewer

router = APIRouter(prefix="/api/v1", tags=["api"])
Me = Annotated[Viewer, Depends(require_viewer)]


def _ctx(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


class CareerSummary(BaseModel):
    slug: str
    title: str
    tagline: str
    salary: dict[str, Any]
    demand: str
    time_to_career: dict[str, Any]
    difficulty: str
    url: str


class SessionOut(BaseModel):
    id: int
    created_at: datetime
    last_seen_at: datetime
    user_agent: str
    current: bool


class AccountOut(BaseModel):
    id: int
    email: str
    display_name: str
    role: str
    timezone: str


class EvidenceOut(BaseModel):
    id: int
    skill_id: str
    also_skills: list[str]
    source_kind: str
    source_id: str
    pack_version: str
    mode: str
    score: float
    grader: str
    graded: bool
    hints_used: int
    seconds: float | None
    answered_at: datetime
    submission_id: str | None


@router.get("/careers")
def careers(request: Request) -> list[CareerSummary]:
    return [
        CareerSummary(
            slug=c.slug,
            title=c.title,
            tagline=c.tagline,
            salary=c.salary.model_dump(),
            demand=c.demand,
            time_to_career=c.time_to_career.model_dump(),
            difficulty=c.difficulty,
            url=f"/careers/{c.slug}",
        )
        for c in catalogue.careers(_ctx(request))
    ]


@router.get("/careers/{slug}")
def career(request: Request, slug: str) -> dict[str, Any]:
    guide = catalogue.guide(_ctx(request), slug)
    body = guide.career.model_dump(mode="json")
    body["skill_titles"] = guide.skill_titles
    return body


@router.get("/me")
def me(viewer: Me) -> AccountOut:
    a = viewer.account
    return AccountOut(
        id=a.id, email=a.email, display_name=a.display_name, role=a.role, timezone=a.timezone
    )


@router.get("/me/sessions")
def my_sessions(request: Request, viewer: Me) -> list[SessionOut]:
    found = accounts.sessions(_ctx(request), user_id=viewer.id, current=viewer.session_id)
    return [
        SessionOut(
            id=s.id,
            created_at=s.created_at,
            last_seen_at=s.last_seen_at,
            user_agent=s.user_agent,
            current=s.current,
        )
        for s in found
    ]


@router.delete("/me/sessions/{session_id}", status_code=204)
def end_session(request: Request, viewer: Me, session_id: int) -> None:
    accounts.revoke_session(_ctx(request), user_id=viewer.id, session_id=session_id)


@router.get("/me/evidence")
def my_evidence(  # noqa: PLR0917 - FastAPI query parameters
    request: Request,
    viewer: Me,
    skill: str | None = None,
    mode: str | None = None,
    before: int | None = None,
    limit: int = 100,
) -> list[EvidenceOut]:
    """Your own evidence, newest first; page with `before` (the last id you saw)."""
    found = evidence.of_learner(
        _ctx(request), user_id=viewer.id, skill_id=skill, mode=mode, before_id=before, limit=limit
    )
    return [
        EvidenceOut(
            id=r.id,
            skill_id=r.skill_id,
            also_skills=r.also_skills,
            source_kind=r.source_kind,
            source_id=r.source_id,
            pack_version=r.pack_version,
            mode=r.mode,
            score=r.score,
            grader=r.grader,
            graded=r.graded,
            hints_used=r.hints_used,
            seconds=r.seconds,
            answered_at=r.answered_at,
            submission_id=r.submission_id,
        )
        for r in found
    ]


@router.get("/me/skills/{skill_id}/mastery")
def my_mastery(request: Request, viewer: Me, skill_id: str) -> mastery.Explanation:
    """Your checklist for one skill: each criterion's current value and what moves you forward."""
    return mastery.explain(_ctx(request), user_id=viewer.id, skill_id=skill_id)
