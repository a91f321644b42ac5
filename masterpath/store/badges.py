"""Badge awards: one row per learner and mastered skill or career path."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from masterpath.store.db import Tx
from masterpath.store.models import Badge


def find(tx: Tx, *, user_id: int, kind: str, subject_id: str) -> Badge | None:
    query = select(Badge).where(
        Badge.user_id == user_id, Badge.kind == kind, Badge.subject_id == subject_id
    )
    return tx.session.scalar(query)


def add(
    tx: Tx, *, user_id: int, kind: str, subject_id: str, public_id: str, now: datetime
) -> Badge:
    """The learner's badge for this subject, recorded now unless it already is (the caller
    holds the learner's write lock, so two awards of one subject never race)."""
    found = find(tx, user_id=user_id, kind=kind, subject_id=subject_id)
    if found is not None:
        return found
    row = Badge(
        user_id=user_id, kind=kind, subject_id=subject_id, public_id=public_id, awarded_at=now
    )
    tx.session.add(row)
    tx.session.flush()
    return row


def of_user(tx: Tx, user_id: int) -> list[Badge]:
    query = select(Badge).where(Badge.user_id == user_id).order_by(Badge.awarded_at, Badge.id)
    return list(tx.session.scalars(query))


def by_public_id(tx: Tx, public_id: str) -> Badge | None:
    return tx.session.scalar(select(Badge).where(Badge.public_id == public_id))


def own(tx: Tx, *, user_id: int, badge_id: int) -> Badge | None:
    return tx.session.scalar(select(Badge).where(Badge.id == badge_id, Badge.user_id == user_id))
