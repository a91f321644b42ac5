"""`masterpath xapi …` and `masterpath mail …`: exports and the outbox drainers."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from masterpath.services import Context, digest, make_context, packs
from masterpath.services import mail as mail_service
from masterpath.services import xapi as xapi_service
from masterpath.settings import load_settings


def _prepared() -> Context:
    ctx = make_context(load_settings())
    packs.prepare(ctx)
    return ctx


@click.group()
def xapi() -> None:
    """Evidence as xAPI statements: export them, push them to an LRS."""


@xapi.command("export")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The JSON Lines file to write (`-` for standard output).",
)
def xapi_export(out: Path) -> None:
    """Write every evidence record's statements, one JSON object a line."""
    ctx = _prepared()
    if str(out) == "-":
        written = xapi_service.export(ctx, sys.stdout)
    else:
        partial = out.with_name(out.name + ".tmp")
        with partial.open("w", encoding="utf-8") as handle:
            written = xapi_service.export(ctx, handle)
        partial.replace(out)
    click.echo(f"{written} statement(s) written to {out}", err=True)


@xapi.command("push")
@click.option(
    "--loop",
    "every",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Keep draining, a pass every this many seconds (until stopped).",
)
def xapi_push(every: float | None) -> None:
    """Send the statements waiting in the outbox to the LRS (MASTERPATH_LRS_ENDPOINT)."""
    ctx = _prepared()
    while True:
        report = xapi_service.push(ctx)
        if report.busy:
            click.echo("another drainer is pushing: nothing done", err=True)
        else:
            click.echo(
                f"queued {report.queued}, sent {report.sent}, voided {report.voided}, "
                f"waiting to retry {report.failed}"
                + (f" ({report.error})" if report.error else ""),
                err=True,
            )
        if every is None:
            if report.error:
                raise SystemExit(1)
            return
        time.sleep(every)


@click.group()
def mail() -> None:
    """Outgoing mail: send the outbox, queue the weekly digests."""


@mail.command("send")
@click.option(
    "--loop",
    "every",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Keep sending, a pass every this many seconds (until stopped).",
)
def mail_send(every: float | None) -> None:
    """Hand the messages waiting in the outbox to the SMTP server (MASTERPATH_SMTP_HOST)."""
    ctx = _prepared()
    while True:
        report = mail_service.send(ctx)
        if report.busy:
            click.echo("another sender is draining the outbox: nothing done", err=True)
        else:
            click.echo(
                f"sent {report.sent}, waiting to retry {report.failed}"
                + (f" ({report.error})" if report.error else ""),
                err=True,
            )
        if every is None:
            if report.error:
                raise SystemExit(1)
            return
        time.sleep(every)


@mail.command("digest")
def mail_digest() -> None:
    """Queue the weekly digest for every learner who opted in and had none for 7 days."""
    click.echo(f"{digest.queue_digests(_prepared())} digest(s) queued", err=True)


@mail.command("status")
def mail_status() -> None:
    """Messages sent, waiting, and given up on."""
    counts = mail_service.counts(_prepared())
    click.echo(", ".join(f"{name.replace('_', ' ')} {n}" for name, n in counts.items()))
