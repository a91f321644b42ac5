"""The opt-in weekly digest: cards due, retention checks due and the next step on the track,
with a one-click unsubscribe (`List-Unsubscribe`, `List-Unsubscribe-Post`, a signed link)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from masterpath.errors import ConfigurationError, NotFound
from masterpath.services import Context, cards, checks, mail, tracks
from masterpath.store import accounts as account_store
from masterpath.store import outbox as store

DIGEST_EVERY = timedelta(days=7)


@dataclass(frozen=True)
class Digest:
    cards_due: int
    checks_due: list[str]  # skill titles
    next_skill: tuple[str, str] | None  # (id, title) of the next step on the newest track


def _base(ctx: Context) -> str:
    return ctx.settings.public_url.rstrip("/")


def _require_mail(ctx: Context) -> None:
    if not ctx.settings.mail_configured:
        raise ConfigurationError("no SMTP server configured (MASTERPATH_SMTP_HOST)")


def unsubscribe_token(ctx: Context, user_id: int) -> str:
    key = ctx.settings.signing_key().encode()
    mac = hmac.new(key, f"digest-unsubscribe|{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"{user_id}.{mac[:32]}"


def unsubscribe(ctx: Context, token: str) -> None:
    """Turn the weekly digest off for the learner the signed token names."""
    user_id, _, _ = token.partition(".")
    if not user_id.isdigit() or not hmac.compare_digest(
        token, unsubscribe_token(ctx, int(user_id))
    ):
        raise NotFound("this unsubscribe link is not valid")
    set_digest(ctx, user_id=int(user_id), on=False)


def set_digest(ctx: Context, *, user_id: int, on: bool) -> None:
    with ctx.db.begin() as tx:
        user = account_store.user_by_id(tx, user_id)
        if user is None:
            raise NotFound("no such account")
        user.weekly_digest = on


def wants_digest(ctx: Context, *, user_id: int) -> bool:
    with ctx.db.begin() as tx:
        user = account_store.user_by_id(tx, user_id)
        return bool(user and user.weekly_digest)


def digest_of(ctx: Context, *, user_id: int) -> Digest:
    due = cards.queue(ctx, user_id=user_id, limit=1).due_now
    with ctx.db.begin() as tx:
        found = checks.due_in(tx, user_id=user_id, now=ctx.clock.now())
        titles = [c.title for c in found]
    newest = tracks.of_learner(ctx, user_id=user_id)
    step = None
    if newest:
        view = tracks.get(ctx, user_id=user_id, track_id=newest[0]["id"])
        step = _next_skill(view)
    return Digest(due, titles, step)


def _next_skill(view: tracks.TrackView) -> tuple[str, str] | None:
    titles = {s["id"]: s["title"] for stage in view.stages for s in stage["skills"]}
    for week in view.weeks:
        for skill_id, _ in week["skills"]:
            return skill_id, titles.get(skill_id, skill_id)
    return None


def digest_text(base: str, digest: Digest, *, name: str, unsubscribe_link: str) -> str:
    lines = [f"Hello {name},", "", "Your week on MasterPath:", ""]
    lines.append(f"- Flashcards due now: {digest.cards_due} ({base}/review)")
    if digest.checks_due:
        lines.append(f"- Retention checks due: {', '.join(digest.checks_due)} ({base}/review)")
    else:
        lines.append("- Retention checks due: none")
    if digest.next_skill:
        skill_id, title = digest.next_skill
        lines.append(f"- Next on your track: {title} ({base}/skills/{skill_id})")
    lines += ["", f"Stop these weekly messages with one click: {unsubscribe_link}", ""]
    return "\n".join(lines)


def queue_digests(ctx: Context) -> int:
    """Queue this week's digest for every learner who opted in and had none for 7 days."""
    _require_mail(ctx)
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        due = [(u.id, u.display_name) for u in store.digest_due(tx, before=now - DIGEST_EVERY)]
    for user_id, name in due:
        _queue_digest(ctx, user_id=user_id, name=name, now=now)
    return len(due)


def _queue_digest(ctx: Context, *, user_id: int, name: str, now: datetime) -> None:
    digest = digest_of(ctx, user_id=user_id)
    link = f"{_base(ctx)}/unsubscribe/{unsubscribe_token(ctx, user_id)}"
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)  # two digest runs at once: one queues it
        user = account_store.user_by_id(tx, user_id)
        if user is None or not user.weekly_digest:
            return
        if user.digest_sent_at is not None and user.digest_sent_at > now - DIGEST_EVERY:
            return  # another run queued it meanwhile
        user.digest_sent_at = now
        mail.queue(
            tx,
            kind="digest",
            recipient=user.email,
            subject="Your week on MasterPath",
            body=digest_text(_base(ctx), digest, name=name, unsubscribe_link=link),
            now=now,
            headers={
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
