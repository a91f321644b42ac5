"""A learner's personal flashcards (imported from Anki) and their review log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from masterpath.store.db import Tx
from masterpath.store.models import PersonalCard, PersonalReview


def add_card(
    tx: Tx,
    *,
    user_id: int,
    deck: str,
    front: str,
    back: str,
    source: str,
    state: dict[str, Any],
    due: datetime,
    now: datetime,
) -> PersonalCard:
    row = PersonalCard(
        user_id=user_id,
        deck=deck,
        front=front,
        back=back,
        source=source,
        state=state,
        due=due,
        reviews=0,
        imported_at=now,
    )
    tx.session.add(row)
    tx.session.flush()
    return row


def add_review(
    tx: Tx,
    *,
    card_id: int,
    rating: int,
    when: datetime,
    seconds: float | None,
    submission_id: str | None = None,
) -> None:
    tx.session.add(
        PersonalReview(
            card_id=card_id,
            rating=rating,
            reviewed_at=when,
            seconds=seconds,
            submission_id=submission_id,
        )
    )


def has_submission(tx: Tx, *, card_id: int, submission_id: str) -> bool:
    query = select(PersonalReview.id).where(
        PersonalReview.card_id == card_id, PersonalReview.submission_id == submission_id
    )
    return tx.session.scalar(query) is not None


def sources(tx: Tx, *, user_id: int) -> set[str]:
    """Where this learner's personal cards came from (an import skips cards it already has)."""
    query = select(PersonalCard.source).where(PersonalCard.user_id == user_id)
    return set(tx.session.scalars(query))


def card(tx: Tx, *, user_id: int, card_id: int) -> PersonalCard | None:
    """One of this learner's cards (locked for update); another learner's is not found."""
    query = select(PersonalCard).where(PersonalCard.id == card_id, PersonalCard.user_id == user_id)
    return tx.session.scalar(query.with_for_update())


def due_cards(
    tx: Tx, *, user_id: int, until: datetime, limit: int, new: bool = False
) -> list[PersonalCard]:
    """Cards due by `until`: those with reviews, or (`new`) those never reviewed."""
    query = select(PersonalCard).where(PersonalCard.user_id == user_id, PersonalCard.due <= until)
    query = query.where(PersonalCard.reviews == 0 if new else PersonalCard.reviews > 0)
    query = query.order_by(PersonalCard.due, PersonalCard.id).limit(limit)
    return list(tx.session.scalars(query))


def introduced_since(tx: Tx, *, user_id: int, since: datetime) -> int:
    """Cards whose first review (here or in Anki) came at or after `since`."""
    first = (
        select(func.min(PersonalReview.reviewed_at).label("first"))
        .join(PersonalCard, PersonalCard.id == PersonalReview.card_id)
        .where(PersonalCard.user_id == user_id)
        .group_by(PersonalReview.card_id)
        .subquery()
    )
    return int(tx.session.scalar(select(func.count()).where(first.c.first >= since)) or 0)


def count(tx: Tx, *, user_id: int) -> int:
    query = select(func.count()).where(PersonalCard.user_id == user_id)
    return int(tx.session.scalar(query) or 0)


def reviews(tx: Tx, *, card_id: int) -> list[PersonalReview]:
    query = select(PersonalReview).where(PersonalReview.card_id == card_id)
    return list(tx.session.scalars(query.order_by(PersonalReview.reviewed_at, PersonalReview.id)))
