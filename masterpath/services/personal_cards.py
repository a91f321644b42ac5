"""A learner's personal cards (imported from Anki) on the review page.

They are scheduled by FSRS like content cards, and their ratings go to their own review log:
a personal card belongs to no skill, so rating it is never evidence and never moves mastery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from masterpath.domain import cards as schedule
from masterpath.errors import NotFound
from masterpath.store import Tx
from masterpath.store import personal as store
from masterpath.store.models import PersonalCard, User

PREFIX = "personal-"


@dataclass(frozen=True)
class Due:
    id: str
    deck: str
    front: str  # sanitised HTML
    back: str  # sanitised HTML
    due: datetime
    new: bool  # never reviewed: introduced under the learner's daily new-card limit


def view(row: PersonalCard) -> Due:
    return Due(f"{PREFIX}{row.id}", row.deck, row.front, row.back, row.due, row.reviews == 0)


def due(tx: Tx, *, user_id: int, until: datetime, limit: int, new: bool = False) -> list[Due]:
    rows = store.due_cards(tx, user_id=user_id, until=until, limit=limit, new=new)
    return [view(row) for row in rows]


def introduced_since(tx: Tx, *, user_id: int, since: datetime) -> int:
    return store.introduced_since(tx, user_id=user_id, since=since)


def parse_id(card_id: str) -> int | None:
    """The number of a personal card's id ("personal-12"), or None for a content card."""
    if not card_id.startswith(PREFIX) or not card_id[len(PREFIX) :].isdigit():
        return None
    return int(card_id[len(PREFIX) :])


def rate(
    tx: Tx,
    *,
    user: User,
    card_id: int,
    rating: int,
    seconds: float | None,
    now: datetime,
    submission_id: str | None = None,
) -> Due:
    """Rate one of the learner's cards; a repeated submission id rates it once."""
    row = store.card(tx, user_id=user.id, card_id=card_id)
    if row is None:
        raise NotFound(f"no card {PREFIX}{card_id}")
    if submission_id and store.has_submission(tx, card_id=row.id, submission_id=submission_id):
        return view(row)
    state, next_due = schedule.review(
        row.state,
        rating,
        now,
        desired_retention=user.desired_retention,
        parameters=(user.fsrs_params or {}).get("parameters"),
        seconds=seconds,
    )
    row.state, row.due, row.reviews = state, next_due, row.reviews + 1
    store.add_review(
        tx, card_id=row.id, rating=rating, when=now, seconds=seconds, submission_id=submission_id
    )
    return view(row)
