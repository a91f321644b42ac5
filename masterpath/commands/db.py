"""`masterpath db`: the schema, backups and restores."""

from __future__ import annotations

from pathlib import Path

import click

from masterpath.commands import open_context
from masterpath.services import backup, database


@click.group()
def db() -> None:
    """The database: its schema, backups and restores."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema."""
    click.echo(f"database at revision {database.upgrade(open_context())}")


@db.command("backup")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The archive to write (a .tar.gz); written as OUT.tmp, then renamed.",
)
def db_backup(out: Path) -> None:
    """Copy the database and the data folder's key files into one archive (safe while serving)."""
    done = backup.create(open_context(), out=out)
    size = out.stat().st_size
    click.echo(
        f"backup of the {backup.NAMES[done.backend]} database (revision {done.revision}) and "
        f"{len(done.keys)} key file(s) written to {out} ({size:,} bytes)"
    )


@db.command("restore")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def db_restore(archive: Path, force: bool) -> None:
    """Replace the database and the key files with a backup's (stop the server first)."""
    done = backup.restore(open_context(), archive=archive, force=force)
    click.echo(
        f"restored the {backup.NAMES[done.backend]} database (revision {done.revision}) and "
        f"{len(done.keys)} key file(s) from {archive}, made {done.created_at}"
    )
    if done.revision != database.head():
        click.echo("the schema is older than this version's: `masterpath db upgrade` migrates it")
