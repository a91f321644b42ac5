"""Users, login sessions, login attempts and reset tokens."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Executable, bindparam, delete, func, select, update

from masterpath.store.db import Tx
from masterpath.store.models import (
    Base,
    LoginAttempt,
    LoginSession,
    PersonalCard,
    PersonalReview,
    ResetToken,
    SsoIdentity,
    User,
    table_of,
)


def add_user(
    tx: Tx,
    *,
    email: str,
    display_name: str,
    password_hash: str,
    role: str,
    timezone: str,
    now: datetime,
) -> User:
    user = User(
        email=email,
        display_name=display_name,
        password_hash=password_hash,
        role=role,
        timezone=timezone,
        created_at=now,
        password_changed_at=now,
    )
    tx.session.add(user)
    tx.session.flush()
    return user


def user_by_email(tx: Tx, email: str) -> User | None:
    return tx.session.scalar(select(User).where(User.email == email))


def user_by_id(tx: Tx, user_id: int) -> User | None:
    """The user, read once per unit of work (`Tx.keep`)."""
    user = tx.session.get(User, user_id)
    tx.keep(user)
    return user


def lock_learner(tx: Tx, user_id: int) -> None:
    """Serialise this learner's writes until the transaction ends.

    Two requests of one learner that read, decide and write (a repeated submission id, two
    answers to one check item) must not interleave. PostgreSQL locks the user's row by
    counting the write in it (`users.writes`), so that an optimistic answer or review that
    read before this write sees it was overtaken (`store/answers.py`); an optimistic unit that
    asks for the lock runs again, locked. SQLite has one write lock for the whole file, taken
    now by `write_lock` (the driver runs SELECTs before it outside the transaction, so nothing
    stale was read under it).
    """
    connection = tx.session.connection()
    if connection.dialect.name == "postgresql":
        tx.require_lock()
        connection.execute(_lock_statement(), {"user": user_id})
    else:
        write_lock(tx)


@cache
def _lock_statement() -> Executable:
    """Built once: the lock is on both hot paths, and building and keying an ORM statement
    costs more than PostgreSQL takes to run it."""
    users = table_of(User)
    return users.update().where(users.c.id == bindparam("user")).values(writes=users.c.writes + 1)


def write_lock(tx: Tx) -> None:
    """SQLite: take the database's write lock now (BEGIN IMMEDIATE, waiting for a writer that
    holds it); every later read then sees a state no other writer can change before the commit.
    A transaction that has written already holds it (the driver begins one before the first
    INSERT, UPDATE or DELETE). PostgreSQL: nothing (it locks rows)."""
    connection = tx.session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def count_users(tx: Tx) -> int:
    return tx.session.scalar(select(func.count()).select_from(User)) or 0


def add_session(
    tx: Tx,
    *,
    user_id: int,
    token_hash: str,
    now: datetime,
    expires_at: datetime,
    user_agent: str,
    address: str,
) -> LoginSession:
    row = LoginSession(
        user_id=user_id,
        token_hash=token_hash,
        created_at=now,
        last_seen_at=now,
        expires_at=expires_at,
        user_agent=user_agent[:200],
        address=address[:64],
    )
    tx.session.add(row)
    tx.session.flush()
    return row


@cache
def _viewer_query() -> Executable:
    login, user = table_of(LoginSession).c, table_of(User).c
    return (
        select(
            login.id.label("session_id"),
            login.last_seen_at,
            login.expires_at,
            user.id,
            user.email,
            user.display_name,
            user.role,
            user.timezone,
        )
        .join_from(table_of(LoginSession), table_of(User), user.id == login.user_id)
        .where(login.token_hash == bindparam("token"))
    )


def session_viewer(tx: Tx, token_hash: str) -> Any | None:
    """A login session's id, last use and expiry with its user's account columns, as one plain
    row (every request asks: one statement built once, no objects for the session to track)."""
    return tx.session.connection().execute(_viewer_query(), {"token": token_hash}).first()


@cache
def _touch_query() -> Executable:
    login = table_of(LoginSession)
    return (
        update(login)
        .where(login.c.id == bindparam("session"))
        .values(last_seen_at=bindparam("seen"))
    )


def touch_session(tx: Tx, *, session_id: int, now: datetime) -> None:
    tx.session.connection().execute(_touch_query(), {"session": session_id, "seen": now})


def session_by_token(tx: Tx, token_hash: str) -> LoginSession | None:
    return tx.session.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash))


def sessions_of(tx: Tx, user_id: int, *, now: datetime) -> list[LoginSession]:
    query = (
        select(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.expires_at > now)
        .order_by(LoginSession.last_seen_at.desc())
    )
    return list(tx.session.scalars(query))


def delete_session(tx: Tx, *, session_id: int, user_id: int) -> bool:
    """Delete one session of this user; False when no such session belongs to them."""
    result = tx.session.execute(
        delete(LoginSession).where(LoginSession.id == session_id, LoginSession.user_id == user_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def delete_sessions_of(tx: Tx, user_id: int, *, keep: int | None = None) -> None:
    query = delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep is not None:
        query = query.where(LoginSession.id != keep)
    tx.session.execute(query)


def record_attempt(
    tx: Tx, *, email: str, address: str, now: datetime, succeeded: bool, kind: str = "login"
) -> None:
    row = LoginAttempt(email=email, address=address, at=now, succeeded=succeeded, kind=kind)
    tx.session.add(row)


def registrations_since(tx: Tx, *, since: datetime, address: str) -> int:
    query = select(func.count()).where(
        LoginAttempt.kind == "register", LoginAttempt.address == address, LoginAttempt.at >= since
    )
    return tx.session.scalar(query) or 0


def requests_since(
    tx: Tx, *, kind: str, since: datetime, address: str = "", email: str = ""
) -> int:
    query = select(func.count()).where(LoginAttempt.kind == kind, LoginAttempt.at >= since)
    if address:
        query = query.where(LoginAttempt.address == address)
    if email:
        query = query.where(LoginAttempt.email == email)
    return tx.session.scalar(query) or 0


def failures_since(tx: Tx, *, since: datetime, email: str = "", address: str = "") -> int:
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.kind == "login", LoginAttempt.at >= since)
        .where(LoginAttempt.succeeded.is_(False))
    )
    if email:
        query = query.where(LoginAttempt.email == email)
    if address:
        query = query.where(LoginAttempt.address == address)
    return tx.session.scalar(query) or 0


def add_reset_token(
    tx: Tx, *, user_id: int, token_hash: str, now: datetime, expires_at: datetime
) -> None:
    tx.session.add(
        ResetToken(user_id=user_id, token_hash=token_hash, created_at=now, expires_at=expires_at)
    )


def revoke_reset_tokens(tx: Tx, user_id: int) -> None:
    tx.session.execute(delete(ResetToken).where(ResetToken.user_id == user_id))


def reset_token(tx: Tx, token_hash: str) -> ResetToken | None:
    return tx.session.scalar(select(ResetToken).where(ResetToken.token_hash == token_hash))


def forget(tx: Tx, user_id: int) -> None:
    """Delete a throwaway learner and every row that names them; refuses any other account."""
    user = tx.session.get(User, user_id)
    if user is None or user.password_hash != "!" or not user.email.endswith("@masterpath.invalid"):
        raise ValueError(f"user {user_id} is not a throwaway learner; refusing to delete it")
    mine = select(PersonalCard.id).where(PersonalCard.user_id == user_id)
    tx.session.execute(delete(PersonalReview).where(PersonalReview.card_id.in_(mine)))
    for table in reversed(Base.metadata.sorted_tables):
        if "user_id" in table.c and table.name != "users":
            tx.session.execute(delete(table).where(table.c.user_id == user_id))
    tx.session.execute(delete(User).where(User.id == user_id))


def sso_user(tx: Tx, *, issuer: str, subject: str) -> User | None:
    query = select(User).join(SsoIdentity, SsoIdentity.user_id == User.id)
    return tx.session.scalar(
        query.where(SsoIdentity.issuer == issuer, SsoIdentity.subject == subject)
    )


def link_sso(tx: Tx, *, issuer: str, subject: str, user_id: int, now: datetime) -> None:
    tx.session.add(SsoIdentity(issuer=issuer, subject=subject, user_id=user_id, linked_at=now))
    tx.session.flush()
