"""Practice: the next item, its hints, and answers graded as evidence."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from masterpath.services import items, practice
from masterpath.web.deps import Ctx, Me, api_router

router = api_router(tag="api")


class AnswerIn(BaseModel):
    item_id: str
    response: Any = Field(description="option id, list of option ids, true/false, number or text")
    hints_used: int = Field(0, strict=True)  # true is not a number of hints
    seconds: float | None = None
    submission_id: str | None = Field(None, max_length=64)


# The study round's routes are async and hand only the service call to a thread: FastAPI runs a
# plain `def` route in one thread and then checks its response in another (two hops a request).


@router.get("/me/skills/{skill_id}/next-item")
async def next_item(ctx: Ctx, viewer: Me, skill_id: str) -> practice.NextItem:
    """The next practice item, chosen for a desirable difficulty. Carries no answer key."""
    return await run_in_threadpool(
        practice.next_practice, ctx, user_id=viewer.id, skill_id=skill_id
    )


@router.post("/me/items/{item_id}/hints/{number}")
def item_hint(
    ctx: Ctx, viewer: Me, item_id: str, number: Annotated[int, Path(ge=1, le=100)]
) -> dict[str, str]:
    """Hint `number` of a practice item; send `hints_used` with the answer."""
    return {"hint": practice.hint(ctx, user_id=viewer.id, item_id=item_id, number=number)}


@router.post("/me/answers")
async def submit_answer(ctx: Ctx, viewer: Me, body: AnswerIn) -> items.Feedback:
    """Answer a practice item: graded, recorded as evidence, explained. Idempotent by
    `submission_id`."""
    return await run_in_threadpool(practice.answer, ctx, user_id=viewer.id, **body.model_dump())
