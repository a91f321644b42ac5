"""The evidence ledger: insert and read. There is deliberately no update and no delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, func, select

from masterpath.store import content
from masterpath.store.db import Tx
from masterpath.store.models import Assessment, Evidence, EvidenceVoid


def counted() -> ColumnElement[bool]:
    """Evidence that still counts: not voided (a void is its own ledger record, 0018).

    Every reader that counts toward mastery, fitting or statistics adds this condition."""
    return ~exists().where(EvidenceVoid.evidence_id == Evidence.id)


def add(tx: Tx, **fields: Any) -> Evidence:
    row = Evidence(**fields)
    tx.session.add(row)
    tx.session.flush()
    return row


def by_submission(tx: Tx, *, user_id: int, submission_id: str) -> Evidence | None:
    query = select(Evidence).where(
        Evidence.user_id == user_id, Evidence.submission_id == submission_id
    )
    return tx.session.scalar(query)


def pack_version(tx: Tx, skill_id: str) -> str:
    return content.pack_versions(tx).get(skill_id, "")


def unfinished_checks(tx: Tx, *, user_id: int) -> set[int]:
    query = select(Assessment.id).where(
        Assessment.user_id == user_id, Assessment.finished_at.is_(None)
    )
    return set(tx.session.scalars(query))


def of_learner(
    tx: Tx,
    *,
    user_id: int,
    skill_id: str | None = None,
    mode: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[Evidence]:
    """Newest first."""
    query = select(Evidence).where(Evidence.user_id == user_id)
    if skill_id is not None:
        query = query.where(Evidence.skill_id == skill_id)
    if mode is not None:
        query = query.where(Evidence.mode == mode)
    if before_id is not None:
        query = query.where(Evidence.id < before_id)
    return list(tx.session.scalars(query.order_by(Evidence.id.desc()).limit(limit)))


def last_answer(tx: Tx, *, user_id: int, skill_id: str, item_id: str) -> Evidence | None:
    """The learner's newest evidence on an item (of the item's skill), whatever its age."""
    query = select(Evidence).where(
        Evidence.user_id == user_id, Evidence.skill_id == skill_id, Evidence.source_id == item_id
    )
    return tx.session.scalar(query.order_by(Evidence.id.desc()).limit(1))


def answers_to(tx: Tx, *, user_id: int, skill_id: str, item_id: str, mode: str) -> int:
    """How many times the learner has answered an item in `mode` (a practice attempt's number)."""
    query = select(func.count()).where(
        Evidence.user_id == user_id,
        Evidence.skill_id == skill_id,
        Evidence.source_id == item_id,
        Evidence.mode == mode,
    )
    return tx.session.scalar(query) or 0
