"""The mentor: ask about a skill (whole, or streamed), read and clear the conversation."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from masterpath.services.mentor import conversations, prompt, replies
from masterpath.web.deps import Ctx, Me, api_router
from masterpath.web.rendering import inline

log = logging.getLogger(__name__)
STREAM_FAILED = "The mentor stopped because of an error on our side. It has been logged; ask again."

router = api_router(tag="api")


class MentorIn(BaseModel):
    message: str = ""
    mode: str = Field(
        "auto",
        description="auto (chosen from the message), explain, practice, feedback, hint "
        "or gatekeeper",
    )
    item_id: str | None = None
    task: bool = Field(False, description="asked beside the applied task")


@router.post("/me/skills/{skill_id}/mentor")
def ask_mentor(ctx: Ctx, viewer: Me, skill_id: str, body: MentorIn) -> conversations.Turn:
    """Ask the mentor about a skill (and optionally an item): the reply never carries an open
    item's answer, and during a check of the skill the mentor declines."""
    return replies.ask(ctx, user_id=viewer.id, skill_id=skill_id, **body.model_dump())


@router.get("/me/skills/{skill_id}/mentor")
def mentor_history(ctx: Ctx, viewer: Me, skill_id: str) -> list[conversations.Turn]:
    return conversations.history(ctx, user_id=viewer.id, skill_id=skill_id)


@router.delete("/me/skills/{skill_id}/mentor", status_code=204)
def clear_mentor(ctx: Ctx, viewer: Me, skill_id: str) -> None:
    conversations.clear(ctx, user_id=viewer.id, skill_id=skill_id)


@router.post(
    "/me/skills/{skill_id}/mentor/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream_mentor(ctx: Ctx, viewer: Me, skill_id: str, body: MentorIn) -> StreamingResponse:
    """The mentor's reply as server-sent events: `data:` chunks as they come, then an `end`
    event carrying JSON: the citations, and the whole reply as sanitised HTML. Bad input is
    refused before the stream starts."""
    pending = prompt.prepare(ctx, user_id=viewer.id, skill_id=skill_id, **body.model_dump())

    def events() -> Iterator[str]:
        text = ""
        try:
            for chunk in replies.stream(ctx, pending):
                text += chunk
                yield "".join(f"data: {line}\n" for line in chunk.split("\n")) + "\n"
            end = {"citations": replies.citations(pending, text), "html": str(inline(text.strip()))}
        except Exception:  # the stream always ends, so the page never waits forever
            log.exception("the mentor stream failed for skill %s", skill_id)
            end = {"citations": [], "html": str(inline(text.strip())), "error": STREAM_FAILED}
        yield f"event: end\ndata: {json.dumps(end)}\n\n"

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )
