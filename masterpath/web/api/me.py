"""Your account, sessions and evidence."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query
from fastapi.responses import Response
from pydantic import BaseModel

from masterpath.services import accounts, data_export, evidence
from masterpath.web.deps import MAX_ID, Ctx, Id, Me, api_router

router = api_router(tag="api")


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


@router.get("/me")
def me(viewer: Me) -> AccountOut:
    return AccountOut.model_validate(viewer.account, from_attributes=True)


@router.get(
    "/me/export",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "A ZIP of JSON and CSV"}},
)
def my_export(ctx: Ctx, viewer: Me) -> Response:
    """All your data: account, tracks, evidence, cards and reviews, tasks, mentor
    conversations, badges (the same ZIP as the account page's download)."""
    data = data_export.export(ctx, user_id=viewer.id)
    name = data_export.file_name(ctx)
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(data, media_type="application/zip", headers=headers)


@router.get("/me/sessions")
def my_sessions(ctx: Ctx, viewer: Me) -> list[SessionOut]:
    found = accounts.sessions(ctx, user_id=viewer.id, current=viewer.session_id)
    return [SessionOut.model_validate(s, from_attributes=True) for s in found]


@router.delete("/me/sessions/{session_id}", status_code=204)
def end_session(ctx: Ctx, viewer: Me, session_id: Id) -> None:
    accounts.revoke_session(ctx, user_id=viewer.id, session_id=session_id)


@router.get("/me/evidence")
def my_evidence(  # noqa: PLR0917 - FastAPI query parameters
    ctx: Ctx,
    viewer: Me,
    skill: str | None = None,
    mode: str | None = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: int = 100,
) -> list[EvidenceOut]:
    """Your own evidence, newest first; page with `before` (the last id you saw)."""
    found = evidence.of_learner(
        ctx, user_id=viewer.id, skill_id=skill, mode=mode, before_id=before, limit=limit
    )
    return [EvidenceOut.model_validate(r, from_attributes=True) for r in found]
