"""Item reports, evidence voids and mastery reopenings: inserts and reads.

Voids are ledger records like evidence: inserted, never updated or deleted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from masterpath.store.db import Tx
from masterpath.store.evidence import counted
from masterpath.store.models import Evidence, EvidenceVoid, ItemReport, ItemRow, MasteryReopening


def add_report(tx: Tx, **fields: Any) -> ItemReport:
    row = ItemReport(**fields)
    tx.session.add(row)
    tx.session.flush()
    return row


def report(tx: Tx, report_id: int) -> ItemReport | None:
    return tx.session.get(ItemReport, report_id, with_for_update=True)


def open_reports(tx: Tx) -> list[ItemReport]:
    query = select(ItemReport).where(ItemReport.resolved_at.is_(None))
    return list(tx.session.scalars(query.order_by(ItemReport.item_id, ItemReport.id)))


def reports_of(tx: Tx, *, user_id: int, item_id: str) -> list[ItemReport]:
    query = select(ItemReport).where(ItemReport.user_id == user_id, ItemReport.item_id == item_id)
    return list(tx.session.scalars(query.order_by(ItemReport.id)))


def resolve_open(tx: Tx, *, item_id: str, by: int | None, now: datetime) -> int:
    rows = tx.session.scalars(
        select(ItemReport).where(ItemReport.item_id == item_id, ItemReport.resolved_at.is_(None))
    )
    found = 0
    for row in rows:
        row.resolved_at, row.resolved_by = now, by
        found += 1
    return found


def answered(tx: Tx, *, user_id: int, item_id: str) -> bool:
    """Whether the learner has any evidence on this item (they may report it)."""
    query = select(Evidence.id).where(Evidence.user_id == user_id, Evidence.source_id == item_id)
    return tx.session.scalar(query.limit(1)) is not None


def lock_item(tx: Tx, item_id: str) -> None:
    """Serialise voids of one item until the transaction ends (two admins voiding at once:
    the second finds nothing left to void instead of colliding on the primary key). PostgreSQL
    locks the item's row; SQLite takes its one write lock with a no-op UPDATE."""
    if tx.session.get_bind().dialect.name == "postgresql":
        tx.session.execute(select(ItemRow.id).where(ItemRow.id == item_id).with_for_update())
    else:
        tx.session.execute(update(ItemRow).where(ItemRow.id == item_id).values(id=ItemRow.id))


def to_void(tx: Tx, *, item_id: str, before: datetime | None) -> list[Evidence]:
    """Graded answers to the item that still count (answered before `before`, when given)."""
    query = select(Evidence).where(
        Evidence.source_kind == "item",
        Evidence.source_id == item_id,
        Evidence.grader != "self",
        counted(),
    )
    if before is not None:
        query = query.where(Evidence.answered_at < before)
    return list(tx.session.scalars(query.order_by(Evidence.id)))


def add_voids(tx: Tx, rows: list[dict[str, Any]]) -> None:
    tx.session.add_all([EvidenceVoid(**row) for row in rows])
    tx.session.flush()


def counted_answers(tx: Tx, user_id: int) -> list[Evidence]:
    """One learner's graded item answers that count, in the order recorded (for replay)."""
    query = select(Evidence).where(
        Evidence.user_id == user_id,
        Evidence.source_kind == "item",
        Evidence.grader != "self",
        counted(),
    )
    return list(tx.session.scalars(query.order_by(Evidence.id)))


def add_reopening(tx: Tx, **fields: Any) -> None:
    tx.session.add(MasteryReopening(**fields))


def reopenings(tx: Tx, *, user_id: int, skill_id: str) -> list[MasteryReopening]:
    query = select(MasteryReopening).where(
        MasteryReopening.user_id == user_id, MasteryReopening.skill_id == skill_id
    )
    return list(tx.session.scalars(query.order_by(MasteryReopening.id.desc())))


def voided_count(tx: Tx, *, user_id: int, skill_id: str) -> int:
    query = select(func.count()).where(
        EvidenceVoid.user_id == user_id, EvidenceVoid.skill_id == skill_id
    )
    return tx.session.scalar(query) or 0


def retention_answers(tx: Tx, *, user_id: int, skill_id: str) -> list[Any]:
    """Every retention-check answer of the learner on the skill, voided or not, as light rows
    (check_id, score, recorded_at, voided), oldest first."""
    voided = EvidenceVoid.evidence_id.is_not(None).label("voided")
    query = (
        select(Evidence.check_id, Evidence.score, Evidence.recorded_at, voided)
        .outerjoin(EvidenceVoid, EvidenceVoid.evidence_id == Evidence.id)
        .where(
            Evidence.user_id == user_id,
            Evidence.skill_id == skill_id,
            Evidence.mode == "retention_check",
            Evidence.check_id.is_not(None),
        )
    )
    return list(tx.session.execute(query.order_by(Evidence.id)))


def voided_among(tx: Tx, evidence_ids: list[int]) -> set[int]:
    """Which of these evidence records are voided."""
    if not evidence_ids:
        return set()
    query = select(EvidenceVoid.evidence_id).where(EvidenceVoid.evidence_id.in_(evidence_ids))
    return set(tx.session.scalars(query))
