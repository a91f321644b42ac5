"""Accounts: register, log in and out, passwords, sessions, time zones (roles: roles.py)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from masterpath.errors import Conflict, InvalidInput, NotFound, Problem, RateLimited
from masterpath.services import Context, notices
from masterpath.store import Tx
from masterpath.store import accounts as store
from masterpath.store.models import User

ROLES = ("learner", "instructor", "admin")
TEACHING_ROLES = ("instructor", "admin")  # may create cohorts and score their learners' tasks
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_hasher = PasswordHasher()
_DUMMY_HASH: str | None = None  # made on first use: hashing costs 0.1 s of every process's start

LOGIN_FAILED = "Email or password is not right."
REGISTRATION_WINDOW = timedelta(hours=1)
RESETS_PER_EMAIL = 3  # reset mails an hour to one address, asked for from the web


def _dummy_hash() -> str:
    """A hash to verify against when there is no account, so both cases take as long."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("not a real password, used to keep timing even")
    return _DUMMY_HASH


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    display_name: str
    role: str
    timezone: str

    @property
    def teaches(self) -> bool:
        return self.role in TEACHING_ROLES


@dataclass(frozen=True)
class SessionInfo:
    id: int
    created_at: datetime
    last_seen_at: datetime
    user_agent: str
    address: str
    current: bool


def account_of(user: User) -> Account:
    return Account(user.id, user.email, user.display_name, user.role, user.timezone)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_timezone(name: str) -> str:
    name = name.strip() or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(
            f"unknown time zone {name!r}",
            problems=[Problem("not an IANA time zone such as Europe/Paris", field="timezone")],
        ) from exc
    return name


def timezones() -> list[str]:
    return sorted(available_timezones())


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        message = f"use at least {MIN_PASSWORD} characters"
    elif len(password) > MAX_PASSWORD:
        message = f"use at most {MAX_PASSWORD} characters"
    else:
        return
    raise InvalidInput(
        f"password too {'short' if len(password) < MIN_PASSWORD else 'long'}",
        problems=[Problem(message, field=field)],
    )


def register(
    ctx: Context,
    *,
    email: str,
    password: str,
    display_name: str = "",
    timezone: str = "UTC",
    role: str = "learner",
    address: str = "",
) -> Account:
    """A new account. From the web (`address` given) registrations are limited per address, and
    an address already taken costs the same password work as a new one, so timing does not
    tell who has an account."""
    email = normalise_email(email)
    if not _EMAIL.match(email):
        raise InvalidInput(
            "invalid email address",
            problems=[Problem("enter an address like name@example.com", field="email")],
        )
    _check_password(password)
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    zone = check_timezone(timezone)
    name = display_name.strip()[:100] or email.split("@")[0]
    if address:
        _limit_registrations(ctx, email=email, address=address)
    with ctx.db.begin() as tx:
        taken = store.user_by_email(tx, email) is not None
        if taken and address:  # the work a new account costs: a hash now, a verify at login
            _hasher.hash(password)
            _verify(_dummy_hash(), password)
        if not taken:
            user = store.add_user(
                tx,
                email=email,
                display_name=name,
                password_hash=_hasher.hash(password),
                role=role,
                timezone=zone,
                now=ctx.clock.now(),
            )
            return account_of(user)
    if address:
        notices.registration_attempt(ctx, email=email)  # the owner hears of it, by mail
    raise Conflict(
        "an account with this email already exists",
        problems=[Problem("already registered; log in instead", field="email")],
    )


def _limit_registrations(ctx: Context, *, email: str, address: str) -> None:
    """Count this registration against its address (committed even if it then fails)."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        found = store.registrations_since(tx, since=now - REGISTRATION_WINDOW, address=address)
        if found >= ctx.settings.register_max_per_address:
            raise RateLimited("Too many new accounts from this address. Try again in an hour.")
        store.record_attempt(
            tx, email=email, address=address, now=now, succeeded=True, kind="register"
        )


def login(
    ctx: Context, *, email: str, password: str, address: str, user_agent: str = ""
) -> tuple[str, Account]:
    """A new session token for the right email and password; generic error otherwise."""
    email = normalise_email(email)[:254]
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        _refuse_when_limited(ctx, tx, email=email, address=address, now=now)
        user = store.user_by_email(tx, email)
        ok = _verify(user.password_hash if user else _dummy_hash(), password) and user is not None
        store.record_attempt(tx, email=email, address=address, now=now, succeeded=ok)
    if not ok or user is None:
        raise InvalidInput(LOGIN_FAILED)
    token = secrets.token_urlsafe(32)
    with ctx.db.begin() as tx:
        expires = now + timedelta(days=ctx.settings.session_days)
        store.add_session(
            tx,
            user_id=user.id,
            token_hash=token_hash(token),
            now=now,
            expires_at=expires,
            user_agent=user_agent,
            address=address,
        )
        if _hasher.check_needs_rehash(user.password_hash):
            store.user_by_id(tx, user.id).password_hash = _hasher.hash(password)  # type: ignore[union-attr]
    return token, account_of(user)


def _refuse_when_limited(ctx: Context, tx: Tx, *, email: str, address: str, now: datetime) -> None:
    window = timedelta(minutes=ctx.settings.login_window_minutes)
    since = now - window
    by_account = store.failures_since(tx, since=since, email=email)
    by_address = store.failures_since(tx, since=since, address=address)
    if by_account >= ctx.settings.login_max_per_account or (
        by_address >= ctx.settings.login_max_per_address
    ):
        minutes = ctx.settings.login_window_minutes
        raise RateLimited(f"Too many failed logins. Try again in {minutes} minutes.")


def password_matches(password_hash: str, password: str) -> bool:
    """Whether `password` matches the stored hash (no attempt is recorded)."""
    return _verify(password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return False


def authenticate(ctx: Context, token: str) -> tuple[Account, int] | None:
    """The account and session id behind a session token, if it is still valid."""
    if not token:
        return None
    now = ctx.clock.now()
    with ctx.db.read() as tx:  # one statement, no transaction: asked on every request
        found = store.session_viewer(tx, token_hash(token))
    if found is None or found.expires_at <= now:
        return None
    if now - found.last_seen_at > timedelta(minutes=5):
        with ctx.db.begin() as tx:
            store.touch_session(tx, session_id=found.session_id, now=now)
    account = Account(found.id, found.email, found.display_name, found.role, found.timezone)
    return account, found.session_id


def logout(ctx: Context, token: str) -> None:
    with ctx.db.begin() as tx:
        row = store.session_by_token(tx, token_hash(token))
        if row is not None:
            store.delete_session(tx, session_id=row.id, user_id=row.user_id)


def sessions(ctx: Context, *, user_id: int, current: int | None = None) -> list[SessionInfo]:
    with ctx.db.begin() as tx:
        return [
            SessionInfo(
                row.id,
                row.created_at,
                row.last_seen_at,
                row.user_agent,
                row.address,
                row.id == current,
            )
            for row in store.sessions_of(tx, user_id, now=ctx.clock.now())
        ]


def revoke_session(ctx: Context, *, user_id: int, session_id: int) -> None:
    """End one of the user's own sessions. Someone else's session is simply not found."""
    with ctx.db.begin() as tx:
        if not store.delete_session(tx, session_id=session_id, user_id=user_id):
            raise NotFound("no such session")


def change_password(
    ctx: Context, *, user_id: int, current: str, new: str, keep_session: int | None = None
) -> None:
    _check_password(new, field="new_password")
    with ctx.db.begin() as tx:
        user = store.user_by_id(tx, user_id)
        if user is None:
            raise NotFound("no such account")
        if not _verify(user.password_hash, current):
            raise InvalidInput(
                "the current password is not right",
                problems=[Problem("not right", field="current_password")],
            )
        user.password_hash = _hasher.hash(new)
        user.password_changed_at = ctx.clock.now()
        store.delete_sessions_of(tx, user_id, keep=keep_session)


def set_timezone(ctx: Context, *, user_id: int, timezone: str) -> None:
    zone = check_timezone(timezone)
    with ctx.db.begin() as tx:
        user = store.user_by_id(tx, user_id)
        if user is None:
            raise NotFound("no such account")
        user.timezone = zone


def exists(ctx: Context, *, email: str) -> bool:
    with ctx.db.begin() as tx:
        return store.user_by_email(tx, normalise_email(email)) is not None


def has_password(ctx: Context, *, email: str, password: str) -> bool:
    """Whether the account exists and `password` logs it in (no attempt is recorded)."""
    with ctx.db.begin() as tx:
        user = store.user_by_email(tx, normalise_email(email))
        return user is not None and _verify(user.password_hash, password)


def reset_link(ctx: Context, *, email: str, base_url: str, hours: int = 1) -> str:
    """A one-time password-reset link, for an admin to hand over."""
    with ctx.db.begin() as tx:
        user = _reset_user(tx, email)
        return _issue_reset(ctx, tx, user=user, base_url=base_url, hours=hours)


def mail_reset_link(ctx: Context, *, email: str, hours: int = 1) -> str:
    """Queue a one-time reset link to the account's address (mail must be configured); the
    address it goes to."""
    with ctx.db.begin() as tx:
        user = _reset_user(tx, email)
        link = _issue_reset(ctx, tx, user=user, base_url=ctx.settings.public_url, hours=hours)
        notices.reset_message(ctx, tx, user=user, link=link, hours=hours)
        return user.email


def request_reset(ctx: Context, *, email: str, address: str) -> None:
    """From the web: mail a reset link if an account has this address. The answer is the same
    either way; requests are limited per address and per email (3 an hour), counted even when
    no account matches."""
    if not ctx.settings.mail_configured:
        raise InvalidInput("password resets by mail are off here; ask your administrator")
    email = normalise_email(email)[:254]
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        since = now - REGISTRATION_WINDOW
        by_address = store.requests_since(tx, kind="reset", since=since, address=address)
        by_email = store.requests_since(tx, kind="reset", since=since, email=email)
        if by_address >= ctx.settings.register_max_per_address or by_email >= RESETS_PER_EMAIL:
            raise RateLimited("Too many reset requests. Try again in an hour.")
        store.record_attempt(
            tx, email=email, address=address, now=now, succeeded=True, kind="reset"
        )
        user = store.user_by_email(tx, email)
        if user is not None:
            link = _issue_reset(ctx, tx, user=user, base_url=ctx.settings.public_url, hours=1)
            notices.reset_message(ctx, tx, user=user, link=link, hours=1)


def _reset_user(tx: Tx, email: str) -> User:
    user = store.user_by_email(tx, normalise_email(email))
    if user is None:
        raise NotFound(f"no account with email {normalise_email(email)!r}")
    return user


def _issue_reset(ctx: Context, tx: Tx, *, user: User, base_url: str, hours: int) -> str:
    token = secrets.token_urlsafe(32)
    now = ctx.clock.now()
    store.revoke_reset_tokens(tx, user.id)  # the newest link is the only one that works
    store.add_reset_token(
        tx,
        user_id=user.id,
        token_hash=token_hash(token),
        now=now,
        expires_at=now + timedelta(hours=hours),
    )
    return f"{base_url.rstrip('/')}/reset/{token}"


def reset_password(ctx: Context, *, token: str, new: str) -> Account:
    _check_password(new, field="new_password")
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        row = store.reset_token(tx, token_hash(token))
        user = store.user_by_id(tx, row.user_id) if row is not None else None
        if (
            row is None
            or user is None
            or row.used_at is not None
            or row.expires_at <= now
            or user.password_changed_at > row.created_at  # issued against an older password
        ):
            raise InvalidInput("this reset link is not valid any more; ask for a new one")
        row.used_at = now
        user.password_hash = _hasher.hash(new)
        user.password_changed_at = now
        store.delete_sessions_of(tx, user.id)
        return account_of(user)
