"""Flashcards: the queue due now, ratings from memory, and your study preferences."""

from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from masterpath.services import cards
from masterpath.web.deps import Ctx, Me, api_router

router = api_router(tag="api")


class RatingIn(BaseModel):
    rating: int = Field(strict=True, description="1 Again, 2 Hard, 3 Good, 4 Easy")
    seconds: float | None = None
    submission_id: str | None = Field(None, max_length=64)


class PreferencesIn(BaseModel):
    desired_retention: float
    new_cards_per_day: int = Field(strict=True)


# The study round's routes: async, only the service call in a thread (web/api/practice.py).


@router.get("/me/cards/due")
async def due_cards(
    ctx: Ctx, viewer: Me, skill: str | None = None, limit: int = 100
) -> cards.Queue:
    """Flashcards due now, then new ones within today's limit."""
    limit = max(1, min(limit, 500))
    return await run_in_threadpool(cards.queue, ctx, user_id=viewer.id, skill_id=skill, limit=limit)


@router.post("/me/cards/{card_id}/reviews")
async def rate_card(ctx: Ctx, viewer: Me, card_id: str, body: RatingIn) -> cards.CardView:
    """Rate a card from memory; returns its next due time."""
    return await run_in_threadpool(
        cards.rate, ctx, user_id=viewer.id, card_id=card_id, **body.model_dump()
    )


@router.get("/me/study-preferences")
def get_preferences(ctx: Ctx, viewer: Me) -> cards.Preferences:
    return cards.preferences(ctx, user_id=viewer.id)


@router.put("/me/study-preferences")
def put_preferences(ctx: Ctx, viewer: Me, body: PreferencesIn) -> cards.Preferences:
    """Desired retention (0.70–0.99) and new cards a day, with the workload they imply."""
    return cards.set_preferences(ctx, user_id=viewer.id, **body.model_dump())
