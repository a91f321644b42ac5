"""`masterpath user`: accounts and their roles."""

from __future__ import annotations

from pathlib import Path

import click

from masterpath.commands import open_context, prepared_context
from masterpath.errors import InvalidInput
from masterpath.services import accounts, data_export, database, erasure, roles


@click.group()
def user() -> None:
    """Accounts."""


def _new_password() -> str:
    """Ask for a new account's password, twice; with no one to ask, say what to pass instead."""
    try:
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    except click.Abort:
        click.echo(err=True)  # end the prompt's line
        raise InvalidInput("a new account needs a password: give it with --password") from None


@user.command("create-admin")
@click.argument("email")
@click.option(
    "--password", help="The new account's password (asked for when it is created and not given)."
)
def create_admin(email: str, password: str | None) -> None:
    """Create an admin account, or make an existing account an admin (its password unchanged)."""
    ctx = open_context()
    database.upgrade(ctx)
    if password is None and not accounts.exists(ctx, email=email):
        password = _new_password()
    account, created = roles.make_admin(ctx, email=email, password=password)
    verb = "created" if created else "promoted to admin (password unchanged)"
    click.echo(f"{account.email}: {verb}")


@user.command("create-instructor")
@click.argument("email")
@click.option("--password", help="The new account's password (asked for when it is created).")
def create_instructor(email: str, password: str | None) -> None:
    """Create an instructor account, or make an existing account an instructor."""
    ctx = open_context()
    database.upgrade(ctx)
    if password is None and not accounts.exists(ctx, email=email):
        password = _new_password()
    account, created = roles.make_instructor(ctx, email=email, password=password)
    verb = "created" if created else f"is now {account.role} (password unchanged)"
    click.echo(f"{account.email}: {verb}")


@user.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(accounts.ROLES))
def set_role(email: str, role: str) -> None:
    """Give an existing account a role: learner, instructor or admin."""
    account = roles.set_role(prepared_context(), email=email, role=role)
    click.echo(f"{account.email}: {account.role}")


@user.command("reset-password")
@click.argument("email")
@click.option("--print", "show", is_flag=True, help="Print the link even when mail is set up.")
def reset_password(email: str, show: bool) -> None:
    """A one-time link (valid one hour) that lets the user choose a new password: mailed to
    them when MASTERPATH_SMTP_HOST is set, printed otherwise."""
    ctx = prepared_context()
    settings = ctx.settings
    if settings.mail_configured and not show:
        to = accounts.mail_reset_link(ctx, email=email)
        click.echo(f"a reset link is queued for {to}; `masterpath mail send` delivers it")
        return
    click.echo(accounts.reset_link(ctx, email=email, base_url=settings.public_url))


@user.command("export")
@click.argument("email")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False, writable=True),
    required=True,
    help="Where to write the ZIP (JSON and CSV files).",
)
def export(email: str, out: Path) -> None:
    """Everything kept about one account, as the learner downloads it from their account page."""
    ctx = open_context()
    database.upgrade(ctx)
    data = data_export.export(ctx, user_id=data_export.user_id_of(ctx, email=email))
    out.write_bytes(data)
    click.echo(f"{out}: {len(data)} bytes")


def _confirmed(email: str) -> bool:
    try:
        return click.confirm(f"Delete the account {email}? This cannot be undone")
    except click.Abort:  # no one to ask
        click.echo(err=True)
        return False


@user.command("delete")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(email: str, yes: bool) -> None:
    """Delete an account: personal data and free text go, badges are revoked, statements sent
    to the LRS are voided; evidence stays under a pseudonym (README: Your own data)."""
    ctx = open_context()
    database.upgrade(ctx)
    user_id = data_export.user_id_of(ctx, email=email)
    if not yes and not _confirmed(email):
        raise InvalidInput("nothing deleted: confirm, or pass --yes")
    done = erasure.delete(ctx, user_id=user_id)
    click.echo(
        f"{email}: deleted (now {done.pseudonym}); {done.answers_redacted} typed answers "
        f"redacted, {done.badges_revoked} badges revoked, {done.records_voided} records' "
        "xAPI statements queued for voiding"
    )
