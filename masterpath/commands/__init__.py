"""The `masterpath` subcommand groups, one module each (`db`, `content`, `user`), registered on
the main group in masterpath/cli.py; and the contexts every command opens."""

from __future__ import annotations

import click

from masterpath.services import Context, make_context, packs
from masterpath.settings import load_settings


def open_context() -> Context:
    return make_context(load_settings())


def prepared_context() -> Context:
    """The context of a command that reads the database: migrated and with the content packs
    installed, as `serve` leaves it, so a fresh data folder works."""
    ctx = open_context()
    packs.prepare(ctx)
    return ctx


def warm(ctx: Context) -> None:
    """Embed what changed in the content (the mentor, goals and grading match on meaning)."""
    from masterpath.services import knowledge

    click.echo("meaning: embedding the content (only what changed)…", err=True)
    done = knowledge.warm(ctx)
    if done["notice"]:
        click.echo(f"NOTICE: {done['notice']}", err=True)
    else:
        click.echo(f"meaning: {done['texts']} texts ready in {done['seconds']} s", err=True)
