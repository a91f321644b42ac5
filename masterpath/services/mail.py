"""Outgoing mail through an outbox: a message is queued in the transaction of what it is about,
and a drainer hands it to the SMTP server later, with exponential backoff while the server is
down or refusing. Only one drainer sends at a time (the outbox lease)."""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from masterpath.domain import backoff
from masterpath.errors import ConfigurationError
from masterpath.services import Context
from masterpath.settings import Settings
from masterpath.store import Tx
from masterpath.store import outbox as store
from masterpath.store.models import MailOutbox

BATCH = 50
GIVE_UP = 12  # attempts: about two days of backoff; a 5xx refusal gives up at once


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    failed: int = 0
    busy: bool = False
    error: str = ""


def queue(
    tx: Tx,
    *,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue one plain-text message, committed or rolled back with the caller's transaction."""
    store.add_mail(
        tx,
        kind=kind,
        recipient=recipient,
        subject=subject,
        body=body,
        headers=headers or {},
        now=now,
    )


def message(settings: Settings, row: MailOutbox) -> EmailMessage:
    """The message as it leaves: its Message-ID is fixed by the outbox row, so a copy the
    server got before a lost reply and the copy sent again can be told to be one."""
    found = EmailMessage()
    found["From"] = settings.mail_from
    found["To"] = row.recipient
    found["Subject"] = row.subject
    found["Date"] = format_datetime(row.created_at)
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "masterpath.invalid"
    found["Message-ID"] = f"<masterpath.{row.kind}.{row.id}.{_stamp(row)}@{domain}>"
    for name, value in row.headers.items():
        found[name] = value
    found.set_content(row.body)
    return found


def _stamp(row: MailOutbox) -> str:
    return f"{int(row.created_at.timestamp())}"


def _connect(settings: Settings) -> smtplib.SMTP:
    timeout = settings.smtp_timeout_seconds
    host, port = settings.smtp_host, settings.smtp_port
    if settings.smtp_security == "tls":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
        if settings.smtp_security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if settings.smtp_user:
        server.login(settings.smtp_user, settings.smtp_password)
    return server


def send(ctx: Context, *, batch: int = BATCH) -> SendReport:
    """One drain pass: send what is due; stop at a server that is down or refusing for now."""
    if not ctx.settings.mail_configured:
        raise ConfigurationError("no SMTP server configured: set MASTERPATH_SMTP_HOST to send")
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    with store.lease(ctx.db, name="mail", holder=holder, now=ctx.clock.now()) as lease:
        if lease is None:
            return SendReport(busy=True)
        sent = failed = 0
        while True:  # batch after batch, until none is due or the server fails
            if not lease.renew(ctx.clock.now()):
                return SendReport(sent, failed, error="the outbox lease expired: another sender")
            report = _send_batch(ctx, batch)
            sent, failed = sent + report.sent, failed + report.failed
            if report.error or not report.sent + report.failed:
                return SendReport(sent, failed, error=report.error)


def _send_batch(ctx: Context, batch: int) -> SendReport:
    with ctx.db.begin() as tx:
        due = store.due_mail(tx, now=ctx.clock.now(), limit=batch, give_up=GIVE_UP)
    if not due:
        return SendReport()
    try:
        server = _connect(ctx.settings)
    except (OSError, smtplib.SMTPException) as exc:
        error = f"the SMTP server {ctx.settings.smtp_host}:{ctx.settings.smtp_port}: {exc}"
        _failed(ctx, due, error, permanent=False)
        return SendReport(failed=len(due), error=error)
    try:
        return _send_each(ctx, server, due)
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()


def _send_each(ctx: Context, server: smtplib.SMTP, ids: list[int]) -> SendReport:
    sent = 0
    for position, row_id in enumerate(ids):
        with ctx.db.begin() as tx:
            row = store.mail_row(tx, row_id)
            found = message(ctx.settings, row)
        try:
            server.send_message(found)
        except smtplib.SMTPRecipientsRefused as exc:
            code = min(code for code, _ in exc.recipients.values())
            _failed(ctx, [row_id], f"refused: {exc.recipients}", permanent=code >= 500)
            continue
        except smtplib.SMTPResponseException as exc:
            error = f"the SMTP server answered {exc.smtp_code}: {exc.smtp_error!r}"
            if exc.smtp_code >= 500:
                _failed(ctx, [row_id], error, permanent=True)
                continue
            _failed(ctx, ids[position:], error, permanent=False)  # try them all again later
            return SendReport(sent=sent, failed=len(ids) - position, error=error)
        except (OSError, smtplib.SMTPException) as exc:
            error = f"the SMTP server stopped answering: {exc}"
            _failed(ctx, ids[position:], error, permanent=False)
            return SendReport(sent=sent, failed=len(ids) - position, error=error)
        with ctx.db.begin() as tx:
            store.mark_mail(tx, [row_id], sent_at=ctx.clock.now(), retry_at=None, error="")
        sent += 1
    return SendReport(sent=sent)


def _failed(ctx: Context, ids: list[int], error: str, *, permanent: bool) -> None:
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        for row_id in ids:
            attempts = GIVE_UP if permanent else store.mail_row(tx, row_id).attempts + 1
            retry = backoff.retry_at(attempts=attempts, now=now)
            store.mark_mail(
                tx, [row_id], sent_at=None, retry_at=retry, error=error, attempts=attempts
            )


def counts(ctx: Context) -> dict[str, int]:
    with ctx.db.begin() as tx:
        return store.mail_counts(tx, give_up=GIVE_UP)
