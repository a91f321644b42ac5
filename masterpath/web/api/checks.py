"""Mastery and retention checks: start one, answer its items, read the result."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from masterpath.services import checks
from masterpath.web.deps import Ctx, Id, Me, api_router

router = api_router(tag="api")


class CheckIn(BaseModel):
    skill_id: str
    kind: str = Field("mastery_check", description="mastery_check or retention_check")


class CheckAnswerIn(BaseModel):  # one answer to a check's or a diagnostic's item
    item_id: str
    response: Any
    seconds: float | None = None
    submission_id: str | None = Field(None, max_length=64)


@router.post("/me/checks")
def begin_check(ctx: Ctx, viewer: Me, body: CheckIn) -> checks.CheckView:
    """Start a mastery or retention check (or get the one in progress)."""
    return checks.start_check(ctx, user_id=viewer.id, skill_id=body.skill_id, kind=body.kind)


@router.get("/me/checks/due")
def due_checks(ctx: Ctx, viewer: Me) -> list[checks.DueCheck]:
    """Retention checks due now."""
    return checks.due_checks(ctx, user_id=viewer.id)


@router.get("/me/checks/{check_id}")
def get_check(ctx: Ctx, viewer: Me, check_id: Id) -> checks.CheckView:
    """A check: its items, what is answered, and the result once finished."""
    return checks.check(ctx, user_id=viewer.id, check_id=check_id)


@router.post("/me/checks/{check_id}/answers")
def answer_check(ctx: Ctx, viewer: Me, check_id: Id, body: CheckAnswerIn) -> checks.CheckView:
    """Answer one item of a check; the result comes with the last answer."""
    return checks.check_answer(ctx, user_id=viewer.id, check_id=check_id, **body.model_dump())
