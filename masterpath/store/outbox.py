"""Outboxes (xAPI statements, mail), the lease that lets one drainer run at a time, and the
install's fixed keys."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, func, insert, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from masterpath.store.db import Database, Tx, UTCDateTime
from masterpath.store.models import (
    Evidence,
    InstallKey,
    MailOutbox,
    OutboxLease,
    SkillState,
    User,
    XapiOutbox,
    XapiVoid,
)

LEASE = timedelta(minutes=5)


class Lease:
    """Held by one drainer. On SQLite a row with a holder and an expiry, renewed per batch; on
    PostgreSQL a row lock held by an open transaction (released if the process dies)."""

    def __init__(self, db: Database, *, name: str, holder: str) -> None:
        self.db, self.name, self.holder = db, name, holder

    def renew(self, now: datetime) -> bool:
        if self.db.dialect == "postgresql":
            return True
        with self.db.engine.begin() as connection:
            done = connection.execute(
                update(OutboxLease)
                .where(OutboxLease.name == self.name, OutboxLease.holder == self.holder)
                .values(expires_at=now + LEASE)
            )
        return bool(done.rowcount)


def _ensure_lease_row(db: Database, name: str) -> None:
    dialect = postgresql if db.dialect == "postgresql" else sqlite
    with db.engine.begin() as connection:
        connection.execute(
            dialect.insert(OutboxLease)
            .values(name=name, holder="", expires_at=None)
            .on_conflict_do_nothing()
        )


@contextmanager
def lease(db: Database, *, name: str, holder: str, now: datetime) -> Iterator[Lease | None]:
    """The drain lease `name`, or None while another drainer holds it."""
    _ensure_lease_row(db, name)
    if db.dialect == "postgresql":
        with db.engine.connect() as connection, connection.begin():
            row = connection.execute(
                text("SELECT name FROM outbox_leases WHERE name = :n FOR UPDATE SKIP LOCKED"),
                {"n": name},
            ).first()
            yield Lease(db, name=name, holder=holder) if row else None
        return
    with db.engine.begin() as connection:
        taken = connection.execute(
            update(OutboxLease)
            .where(
                OutboxLease.name == name,
                (OutboxLease.expires_at.is_(None)) | (OutboxLease.expires_at < now),
            )
            .values(holder=holder, expires_at=now + LEASE)
        ).rowcount
    if not taken:
        yield None
        return
    try:
        yield Lease(db, name=name, holder=holder)
    finally:
        with db.engine.begin() as connection:
            connection.execute(
                update(OutboxLease)
                .where(OutboxLease.name == name, OutboxLease.holder == holder)
                .values(holder="", expires_at=None)
            )


def install_uuid(tx: Tx, name: str) -> uuid.UUID:
    """A random UUID made the first time it is asked for, the same for every worker after."""
    row = tx.session.get(InstallKey, name)
    if row is None:
        try:
            with tx.session.begin_nested():
                tx.session.add(InstallKey(name=name, value=str(uuid.uuid4())))
        except IntegrityError:  # another worker made it first: use theirs
            pass
        row = tx.session.get(InstallKey, name, populate_existing=True)
    assert row is not None
    return uuid.UUID(row.value)


# xAPI


def enqueue_evidence(tx: Tx, *, now: datetime, limit: int = 1000) -> int:
    """Queue the statements of evidence not queued yet (oldest first). Evidence is the durable
    log: a record committed while the LRS is down is queued on the next pass."""
    when = bindparam("now", now, type_=UTCDateTime())
    waiting = (
        select(Evidence.id, when, literal(0), when, literal(""))
        .where(~exists().where(XapiOutbox.evidence_id == Evidence.id), _kept(Evidence.user_id))
        .order_by(Evidence.id)
        .limit(limit)
    )
    done = tx.session.scalars(
        insert(XapiOutbox)
        .from_select(
            ["evidence_id", "created_at", "attempts", "next_attempt_at", "last_error"], waiting
        )
        .returning(XapiOutbox.evidence_id)
    )
    return len(done.all())


def due_statements(tx: Tx, *, now: datetime, limit: int) -> list[int]:
    return list(
        tx.session.scalars(
            select(XapiOutbox.evidence_id)
            .join(Evidence, Evidence.id == XapiOutbox.evidence_id)
            .where(XapiOutbox.sent_at.is_(None), XapiOutbox.next_attempt_at <= now)
            .where(_kept(Evidence.user_id))
            .order_by(XapiOutbox.evidence_id)
            .limit(limit)
        )
    )


def _kept(user_id: Any) -> Any:
    """The learner has not deleted their account (a deleted learner's statements are not sent;
    those sent before are voided)."""
    return ~exists().where(User.id == user_id, User.deleted_at.is_not(None))


def enqueue_voids(tx: Tx, *, now: datetime, user_id: int | None = None) -> int:
    """Queue the voiding of every statement a deleted learner's evidence sent to the LRS, once.
    The drainer calls it each pass too, so a batch that was in flight while the account was
    deleted is voided once it is marked sent."""
    when = bindparam("now", now, type_=UTCDateTime())
    waiting = (
        select(XapiOutbox.evidence_id, when, literal(0), when, literal(""))
        .join(Evidence, Evidence.id == XapiOutbox.evidence_id)
        .join(User, User.id == Evidence.user_id)
        .where(XapiOutbox.sent_at.is_not(None), User.deleted_at.is_not(None))
        .where(~exists().where(XapiVoid.evidence_id == XapiOutbox.evidence_id))
        .order_by(XapiOutbox.evidence_id)
    )
    if user_id is not None:
        waiting = waiting.where(Evidence.user_id == user_id)
    done = tx.session.scalars(
        insert(XapiVoid)
        .from_select(
            ["evidence_id", "created_at", "attempts", "next_attempt_at", "last_error"], waiting
        )
        .returning(XapiVoid.evidence_id)
    )
    return len(done.all())


def due_voids(tx: Tx, *, now: datetime, limit: int) -> list[tuple[int, datetime]]:
    """Evidence ids whose statements are to be voided, with when that was queued."""
    query = (
        select(XapiVoid.evidence_id, XapiVoid.created_at)
        .where(XapiVoid.sent_at.is_(None), XapiVoid.next_attempt_at <= now)
        .order_by(XapiVoid.evidence_id)
        .limit(limit)
    )
    return [(int(i), at) for i, at in tx.session.execute(query)]


def voids_of(tx: Tx, user_id: int) -> list[XapiVoid]:
    query = select(XapiVoid).join(Evidence, Evidence.id == XapiVoid.evidence_id)
    return list(tx.session.scalars(query.where(Evidence.user_id == user_id)))


def mark_voids(
    tx: Tx, ids: list[int], *, sent_at: datetime | None, retry_at: datetime | None, error: str
) -> None:
    _mark(tx, XapiVoid, ids, sent_at=sent_at, retry_at=retry_at, error=error)


def void_attempts(tx: Tx, ids: list[int]) -> int:
    return _attempts(tx, XapiVoid, ids)


def _mark(
    tx: Tx,
    model: Any,
    ids: list[int],
    *,
    sent_at: datetime | None,
    retry_at: datetime | None,
    error: str,
) -> None:
    """An xAPI outbox's rows (statements or voids, by evidence id) sent, or due again later."""
    values: dict[str, Any] = {"last_error": error[:2000]}
    if sent_at is not None:
        values["sent_at"] = sent_at
    else:
        values |= {"attempts": model.attempts + 1, "next_attempt_at": retry_at}
    tx.session.execute(update(model).where(model.evidence_id.in_(ids)).values(values))


def _attempts(tx: Tx, model: Any, ids: list[int]) -> int:
    found = tx.session.scalar(select(func.max(model.attempts)).where(model.evidence_id.in_(ids)))
    return int(found or 0)


def evidence_rows(tx: Tx, ids: list[int]) -> list[Evidence]:
    return list(tx.session.scalars(select(Evidence).where(Evidence.id.in_(ids)).order_by("id")))


def evidence_after(tx: Tx, *, after: int, limit: int, kept_only: bool = False) -> list[Evidence]:
    """Evidence after id `after`; with `kept_only`, none of a deleted learner's."""
    query = select(Evidence).where(Evidence.id > after)
    if kept_only:
        query = query.where(_kept(Evidence.user_id))
    return list(tx.session.scalars(query.order_by(Evidence.id).limit(limit)))


def mastered_at(tx: Tx, pairs: set[tuple[int, str]]) -> dict[tuple[int, str], datetime]:
    """When each (learner, skill) was mastered, for those that were."""
    users = {user for user, _ in pairs}
    rows = tx.session.execute(
        select(SkillState.user_id, SkillState.skill_id, SkillState.mastered_at).where(
            SkillState.user_id.in_(users), SkillState.mastered_at.is_not(None)
        )
    )
    return {(u, s): at for u, s, at in rows if (u, s) in pairs and at is not None}


def mark_statements(
    tx: Tx, ids: list[int], *, sent_at: datetime | None, retry_at: datetime | None, error: str
) -> None:
    _mark(tx, XapiOutbox, ids, sent_at=sent_at, retry_at=retry_at, error=error)


def statement_attempts(tx: Tx, ids: list[int]) -> int:
    return _attempts(tx, XapiOutbox, ids)


def statement_counts(tx: Tx) -> dict[str, int]:
    sent = tx.session.scalar(
        select(func.count()).select_from(XapiOutbox).where(XapiOutbox.sent_at.is_not(None))
    )
    waiting = tx.session.scalar(
        select(func.count()).select_from(XapiOutbox).where(XapiOutbox.sent_at.is_(None))
    )
    return {"sent": int(sent or 0), "waiting": int(waiting or 0)}


# mail


def add_mail(
    tx: Tx,
    *,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    headers: dict[str, str],
    now: datetime,
) -> MailOutbox:
    row = MailOutbox(
        kind=kind,
        recipient=recipient,
        subject=subject[:200],
        body=body,
        headers=headers,
        created_at=now,
        attempts=0,
        next_attempt_at=now,
        last_error="",
    )
    tx.session.add(row)
    tx.session.flush()
    return row


def due_mail(tx: Tx, *, now: datetime, limit: int, give_up: int) -> list[int]:
    return list(
        tx.session.scalars(
            select(MailOutbox.id)
            .where(
                MailOutbox.sent_at.is_(None),
                MailOutbox.next_attempt_at <= now,
                MailOutbox.attempts < give_up,
            )
            .order_by(MailOutbox.id)
            .limit(limit)
        )
    )


def mail_row(tx: Tx, row_id: int) -> MailOutbox:
    return tx.session.get_one(MailOutbox, row_id)


def mark_mail(
    tx: Tx,
    ids: list[int],
    *,
    sent_at: datetime | None,
    retry_at: datetime | None,
    error: str,
    attempts: int | None = None,
) -> None:
    values: dict[str, Any] = {"last_error": error[:2000], "sent_at": sent_at}
    if sent_at is None:
        values |= {"attempts": attempts, "next_attempt_at": retry_at}
    tx.session.execute(update(MailOutbox).where(MailOutbox.id.in_(ids)).values(values))


def mail_counts(tx: Tx, *, give_up: int) -> dict[str, int]:
    def count(*where: Any) -> int:
        return int(
            tx.session.scalar(select(func.count()).select_from(MailOutbox).where(*where)) or 0
        )

    return {
        "sent": count(MailOutbox.sent_at.is_not(None)),
        "waiting": count(MailOutbox.sent_at.is_(None), MailOutbox.attempts < give_up),
        "given_up": count(MailOutbox.sent_at.is_(None), MailOutbox.attempts >= give_up),
    }


def mail_since(tx: Tx, *, kind: str, recipient: str, since: datetime) -> int:
    query = select(func.count()).where(
        MailOutbox.kind == kind, MailOutbox.recipient == recipient, MailOutbox.created_at >= since
    )
    return int(tx.session.scalar(query) or 0)


def mail_of(tx: Tx, *, kind: str | None = None) -> list[MailOutbox]:
    query = select(MailOutbox).order_by(MailOutbox.id)
    if kind is not None:
        query = query.where(MailOutbox.kind == kind)
    return list(tx.session.scalars(query))


# the weekly digest


def digest_due(tx: Tx, *, before: datetime) -> list[User]:
    """Learners who opted in and had no digest since `before`."""
    return list(
        tx.session.scalars(
            select(User)
            .where(
                User.weekly_digest.is_(True),
                (User.digest_sent_at.is_(None)) | (User.digest_sent_at <= before),
            )
            .order_by(User.id)
        )
    )
