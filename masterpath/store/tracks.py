"""Tracks: a learner's goals and their plans."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select

from masterpath.store.db import Tx
from masterpath.store.models import Track
from masterpath.store.study import time_spent


def add(tx: Tx, **fields: Any) -> Track:
    row = Track(**fields)
    tx.session.add(row)
    tx.session.flush()
    return row


def get(tx: Tx, track_id: int, *, user_id: int, lock: bool = True) -> Track | None:
    """The learner's track, locked until the transaction ends unless `lock` is false (a
    read outside a transaction, where a lock would end at once)."""
    query = select(Track).where(Track.id == track_id, Track.user_id == user_id)
    return tx.session.scalar(query.with_for_update() if lock else query)


def of_learner(tx: Tx, user_id: int) -> list[Track]:
    query = select(Track).where(Track.user_id == user_id).order_by(Track.id.desc())
    return list(tx.session.scalars(query))


def _seconds_by_skill() -> Any:
    spent = time_spent(bindparam("user"))
    return (
        select(spent.c.skill_id, func.sum(spent.c.seconds))
        .where(spent.c.skill_id.is_not(None))
        .group_by(spent.c.skill_id)
    )


SECONDS_BY_SKILL = _seconds_by_skill()  # built once: the dashboard asks on every view


def study_seconds_by_skill(tx: Tx, user_id: int) -> dict[str, float]:
    found = tx.session.execute(SECONDS_BY_SKILL, {"user": user_id})
    return {str(skill): float(total) for skill, total in found}
