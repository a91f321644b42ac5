"""Deleting an account: nothing left names the person; what the statistics count stays true.

In one transaction:
- deleted: sessions, reset links, single sign-on links, login attempts and mail under their
  address, mentor conversations, their own (imported) flashcards and reviews;
- blanked: what they wrote outside the ledger (task answers and links, track goals and
  backgrounds, the notes of their item reports);
- redacted: the responses they typed (short-text and numeric answers) in evidence records,
  through the one update migration 0020 allows on the append-only ledger; choice, true/false and
  ordering responses are option ids of the item, kept for the item statistics;
- revoked: their badges (set in the status list; the public pages answer 404);
- voided: the xAPI statements already sent to the LRS (voiding statements queued in the outbox;
  nothing of theirs is sent any more);
- kept, under a pseudonym: the user row (`deleted-<random>`, no email, name, password or time
  zone), the evidence, counters, check results, cohort memberships and study time, so cohort
  and item statistics do not change.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from masterpath.domain.content import ItemType
from masterpath.errors import InvalidInput, NotFound, Problem
from masterpath.services import Context, accounts
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import outbox as outbox_store
from masterpath.store import own_data as store
from masterpath.store.models import User

TYPED = (ItemType.SHORT_TEXT.value, ItemType.NUMERIC.value)  # responses the learner typed
NO_PASSWORD = "!deleted"  # not an argon2 hash: no password ever logs in
CONFIRMATION = "delete my account"


@dataclass(frozen=True)
class Deleted:
    pseudonym: str
    answers_redacted: int
    badges_revoked: int
    records_voided: int  # evidence records whose sent statements are queued for voiding


def _pseudonymise(user: User, *, now: datetime) -> str:
    name = f"deleted-{secrets.token_hex(8)}"
    user.email = f"{name}@deleted.invalid"
    user.display_name = name
    user.password_hash = NO_PASSWORD
    user.password_changed_at = now
    user.timezone = "UTC"
    user.fsrs_params = None
    user.weekly_digest = False
    user.digest_sent_at = None
    user.deleted_at = now
    return name


def _erase(tx: Tx, user: User, *, now: datetime) -> Deleted:
    store.delete_personal(tx, user)  # before the email goes: attempts and mail are keyed by it
    store.blank_free_text(tx, user.id)
    redacted = store.redact_answers(tx, user_id=user.id, item_types=TYPED, now=now)
    revoked = store.revoke_badges(tx, user_id=user.id, now=now)
    name = _pseudonymise(user, now=now)
    tx.session.flush()
    voided = outbox_store.enqueue_voids(tx, now=now, user_id=user.id)
    return Deleted(name, redacted, revoked, voided)


def delete(ctx: Context, *, user_id: int) -> Deleted:
    """Delete an account (see the module's docstring). NotFound when it is gone already."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)
        user = account_store.user_by_id(tx, user_id)
        if user is None or user.deleted_at is not None:
            raise NotFound("no such account")
        return _erase(tx, user, now=now)


def confirm(ctx: Context, *, user_id: int, password: str, typed: str) -> None:
    """What the learner must give to delete their own account: their password, or (an account
    that signs in only by single sign-on) the words CONFIRMATION typed out."""
    with ctx.db.begin() as tx:
        user = account_store.user_by_id(tx, user_id)
        if user is None or user.deleted_at is not None:
            raise NotFound("no such account")
        has_password = user.password_hash.startswith("$")
        stored = user.password_hash
    if has_password and accounts.password_matches(stored, password):
        return
    if not has_password and typed.strip().lower() == CONFIRMATION:
        return
    field, message = (
        ("password", "enter your current password")
        if has_password
        else ("confirmation", f"type “{CONFIRMATION}”")
    )
    raise InvalidInput(
        f"the account was not deleted: {message}", problems=[Problem(message, field=field)]
    )
