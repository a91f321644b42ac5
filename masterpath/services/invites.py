"""Cohort invites by mail: the cohort's invite link, queued in the mail outbox."""

from __future__ import annotations

from masterpath.errors import ConfigurationError, InvalidInput, Problem
from masterpath.services import Context, cohorts, mail
from masterpath.store import accounts as account_store

MAX_INVITES = 50


def invite(ctx: Context, *, instructor_id: int, cohort_id: int, emails: list[str]) -> int:
    """Mail the cohort's invite link to each address; the number queued."""
    if not ctx.settings.mail_configured:
        raise ConfigurationError("no SMTP server configured (MASTERPATH_SMTP_HOST)")
    wanted = sorted({e.strip().lower() for e in emails if e.strip()})
    bad = [e for e in wanted if "@" not in e or " " in e or len(e) > 254]
    if bad or not wanted or len(wanted) > MAX_INVITES:
        message = f"give 1 to {MAX_INVITES} email addresses" + (
            f"; not valid: {bad}" if bad else ""
        )
        raise InvalidInput(message, problems=[Problem(message, field="emails")])
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        cohorts.require_teacher(tx, instructor_id)
        row = cohorts.taught(tx, instructor_id=instructor_id, cohort_id=cohort_id)
        teacher = account_store.user_by_id(tx, instructor_id)
        name = teacher.display_name if teacher else "Your instructor"
        link = f"{ctx.settings.public_url.rstrip('/')}/cohorts?code={row.invite_code}"
        body = (
            f"{name} invites you to the cohort {row.name!r} on MasterPath.\n\n"
            f"Join it here (log in or create an account first): {link}\n"
            f"or enter the code {row.invite_code} on the Cohorts page. The code works until "
            f"{row.code_expires_at:%Y-%m-%d %H:%M} UTC.\n\n"
            "In a cohort your instructor sees your progress and scores your applied tasks.\n"
        )
        for address in wanted:
            mail.queue(
                tx,
                kind="invite",
                recipient=address,
                subject=f"Join {row.name} on MasterPath",
                body=body,
                now=now,
            )
    return len(wanted)
