"""Mentor conversations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from masterpath.store.db import Tx
from masterpath.store.models import MentorMessage

KEEP = 200  # turns shown per learner and skill


def add(tx: Tx, **fields: Any) -> MentorMessage:
    row = MentorMessage(**fields)
    tx.session.add(row)
    tx.session.flush()
    return row


def conversation(tx: Tx, *, user_id: int, skill_id: str) -> list[MentorMessage]:
    query = (
        select(MentorMessage)
        .where(MentorMessage.user_id == user_id, MentorMessage.skill_id == skill_id)
        .order_by(MentorMessage.id.desc())
        .limit(KEEP)
    )
    return list(reversed(list(tx.session.scalars(query))))


def clear(tx: Tx, *, user_id: int, skill_id: str) -> None:
    tx.session.execute(
        delete(MentorMessage).where(
            MentorMessage.user_id == user_id, MentorMessage.skill_id == skill_id
        )
    )


def characters_since(tx: Tx, *, user_id: int, since: datetime) -> int:
    """Characters exchanged with an LLM provider since a moment (the token budget's measure)."""
    query = select(func.coalesce(func.sum(func.length(MentorMessage.text)), 0)).where(
        MentorMessage.user_id == user_id,
        MentorMessage.created_at >= since,
        MentorMessage.provider == "openai",
    )
    return int(tx.session.scalar(query) or 0)


def overview(tx: Tx, *, user_id: int) -> list[tuple[str, int, datetime]]:
    """(skill id, messages, last message time) of each conversation, latest first."""
    last = func.max(MentorMessage.created_at)
    query = (
        select(MentorMessage.skill_id, func.count(), last)
        .where(MentorMessage.user_id == user_id)
        .group_by(MentorMessage.skill_id)
        .order_by(last.desc())
    )
    return [(skill, int(count), when) for skill, count, when in tx.session.execute(query)]
