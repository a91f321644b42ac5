"""A learner's own data: every row that is theirs (for the export), and the queries that delete
an account — personal rows deleted, free text blanked, answers redacted, the user a pseudonym."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, inspect, select, update

from masterpath.store.db import Tx
from masterpath.store.models import (
    Badge,
    Base,
    Cohort,
    Evidence,
    EvidenceRedaction,
    ItemReport,
    ItemRow,
    LearnerCard,
    LoginAttempt,
    LoginSession,
    MailOutbox,
    Membership,
    MentorMessage,
    PersonalCard,
    PersonalReview,
    ResetToken,
    ResourceMark,
    SkillState,
    SsoIdentity,
    StudyTime,
    TaskSubmission,
    Track,
    User,
)

REDACTED: dict[str, Any] = {"redacted": True}  # the one value migration 0020 lets `detail` take
OWNED: dict[str, type[Base]] = {  # tables with a user_id, listed in the export as they are
    "tracks": Track,
    "evidence": Evidence,
    "skills": SkillState,
    "cards": LearnerCard,
    "personal_cards": PersonalCard,
    "tasks": TaskSubmission,
    "mentor": MentorMessage,
    "badges": Badge,
    "item_reports": ItemReport,
    "study_time": StudyTime,
    "resource_marks": ResourceMark,
    "sso_identities": SsoIdentity,
}


def plain(row: Any, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """A row's columns by name (values as stored), leaving out `skip`."""
    left_out = set(skip)
    return {
        c.key: getattr(row, c.key)
        for c in inspect(row).mapper.column_attrs
        if c.key not in left_out
    }


def columns(name: str) -> list[str]:
    """The column names of an OWNED table, in order."""
    return [c.key for c in inspect(OWNED[name]).column_attrs]


def owned(tx: Tx, name: str, user_id: int) -> list[Any]:
    model: Any = OWNED[name]
    query = select(model).where(model.user_id == user_id)
    # in the order they were written, so an export reads the same on every database
    return list(tx.session.scalars(query.order_by(*inspect(model).primary_key)))


def personal_reviews(tx: Tx, user_id: int) -> list[PersonalReview]:
    mine = select(PersonalCard.id).where(PersonalCard.user_id == user_id)
    query = select(PersonalReview).where(PersonalReview.card_id.in_(mine))
    return list(tx.session.scalars(query.order_by(PersonalReview.id)))


def memberships(tx: Tx, user_id: int) -> list[tuple[Membership, str]]:
    query = (
        select(Membership, Cohort.name)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Membership.learner_id == user_id)
        .order_by(Membership.id)
    )
    return [(row, name) for row, name in tx.session.execute(query)]


def sessions(tx: Tx, user_id: int) -> list[LoginSession]:
    query = select(LoginSession).where(LoginSession.user_id == user_id)
    return list(tx.session.scalars(query.order_by(LoginSession.id)))


def delete_personal(tx: Tx, user: User) -> None:
    """Sessions, reset links, sign-in links, login attempts, mail to them, mentor conversations
    and their own (imported) flashcards: rows that only say something about the person."""
    uid = user.id
    mine = select(PersonalCard.id).where(PersonalCard.user_id == uid)
    tx.session.execute(delete(PersonalReview).where(PersonalReview.card_id.in_(mine)))
    for model in (PersonalCard, MentorMessage, LoginSession, ResetToken, SsoIdentity):
        tx.session.execute(delete(model).where(model.user_id == uid))
    tx.session.execute(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    tx.session.execute(delete(MailOutbox).where(MailOutbox.recipient == user.email))


def blank_free_text(tx: Tx, user_id: int) -> None:
    """What they wrote outside the ledger: task answers and links, track goals, report notes.
    The rows stay (scores, dates), so what instructors count stays true."""
    tx.session.execute(
        update(TaskSubmission).where(TaskSubmission.user_id == user_id).values(text="", link="")
    )
    tx.session.execute(update(Track).where(Track.user_id == user_id).values(goal="", background=""))
    tx.session.execute(update(ItemReport).where(ItemReport.user_id == user_id).values(note=""))


def redact_answers(tx: Tx, *, user_id: int, item_types: Iterable[str], now: datetime) -> int:
    """Replace the stored response of their answers to items of these types (what they typed)
    by REDACTED, recording each redaction first (migration 0020's triggers require it)."""
    ids = list(
        tx.session.scalars(
            select(Evidence.id)
            .join(ItemRow, ItemRow.id == Evidence.source_id)
            .where(
                Evidence.user_id == user_id,
                Evidence.source_kind == "item",
                ItemRow.item_type.in_(list(item_types)),
                ~select(EvidenceRedaction.evidence_id)
                .where(EvidenceRedaction.evidence_id == Evidence.id)
                .exists(),
            )
        )
    )
    if not ids:
        return 0
    tx.session.execute(
        insert(EvidenceRedaction),
        [{"evidence_id": i, "user_id": user_id, "redacted_at": now} for i in ids],
    )
    tx.session.execute(update(Evidence).where(Evidence.id.in_(ids)).values(detail=REDACTED))
    return len(ids)


def revoke_badges(tx: Tx, *, user_id: int, now: datetime) -> int:
    """Revoked: set in the status list, the public page gone, and the signed credential (it
    carries a salted hash of the email) forgotten."""
    result = tx.session.execute(
        update(Badge)
        .where(Badge.user_id == user_id, Badge.revoked_at.is_(None))
        .values(revoked_at=now, credential=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def revoked_indexes(tx: Tx) -> list[int]:
    """The status-list index (the badge id) of every revoked badge."""
    return list(tx.session.scalars(select(Badge.id).where(Badge.revoked_at.is_not(None))))


def last_badge_id(tx: Tx) -> int:
    found = tx.session.scalar(select(Badge.id).order_by(Badge.id.desc()).limit(1))
    return int(found or 0)
