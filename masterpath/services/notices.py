"""Mail about an account: the password-reset link, and a notice to an account's owner when
someone tries to register their address. Queued in the mail outbox; `mail.send` delivers."""

from __future__ import annotations

from datetime import timedelta

from masterpath.services import Context, mail
from masterpath.store import Tx
from masterpath.store import outbox as store
from masterpath.store.models import User

NOTICE_EVERY = timedelta(hours=1)


def reset_message(ctx: Context, tx: Tx, *, user: User, link: str, hours: int) -> None:
    body = (
        f"Hello {user.display_name},\n\n"
        f"Someone (we hope you) asked to choose a new MasterPath password for {user.email}.\n"
        f"Open this link within {hours} hour(s) to set one; it works once:\n\n{link}\n\n"
        "If you did not ask, ignore this message: your password stays as it is.\n"
    )
    mail.queue(
        tx,
        kind="reset",
        recipient=user.email,
        subject="Choose a new MasterPath password",
        body=body,
        now=ctx.clock.now(),
    )


def registration_attempt(ctx: Context, *, email: str) -> None:
    """Tell the owner of `email` that someone tried to register it (nothing when mail is off)."""
    if not ctx.settings.mail_configured:
        return
    base = ctx.settings.public_url.rstrip("/")
    body = (
        "Someone just tried to create a new MasterPath account with this address, which "
        "already has one.\n\n"
        f"If it was you, log in instead: {base}/login\n"
        f"Forgotten your password? Ask for a new one: {base}/forgot\n\n"
        "If it was not you, nothing has changed and you need not do anything.\n"
    )
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        if store.mail_since(tx, kind="register", recipient=email, since=now - NOTICE_EVERY):
            return  # one notice an hour is enough: repeated tries must not flood the owner
        mail.queue(
            tx,
            kind="register",
            recipient=email,
            subject="Someone tried to register your address on MasterPath",
            body=body,
            now=now,
        )
