"""Copies of the database: SQLite's online backup API, PostgreSQL's pg_dump and pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import inspect, literal, select, table, text

from masterpath.errors import ConfigurationError, InvalidInput, MasterPathError
from masterpath.store.db import Database, answering

PG_TOOLS_HINT = "install the PostgreSQL client tools, the server's major version or newer"


def sqlite_path(db: Database) -> Path:
    """The file of a SQLite database."""
    return Path(db.engine.url.database or "")


def filled_tables(db: Database) -> list[str]:
    """The tables, other than alembic_version, that hold at least one row."""
    with answering("looking for data"), db.engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        probe = select(literal(1)).limit(1)
        return [
            name
            for name in names
            if name != "alembic_version"
            and connection.execute(probe.select_from(table(name))).first() is not None
        ]


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database, even while a server writes to it: the online backup API copies
    one consistent snapshot."""
    with (
        closing(sqlite3.connect(source, timeout=10)) as live,
        closing(sqlite3.connect(target)) as copy,
    ):
        live.backup(copy)
    _sync(target)


def check_sqlite(path: Path, *, name: str) -> None:
    """Refuse a file that is not a sound SQLite database; `name` says where it came from."""
    try:
        with closing(sqlite3.connect(path)) as connection:
            found = connection.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{name}: not a SQLite database ({exc})") from exc
    if found is None or found[0] != "ok":
        raise InvalidInput(f"{name}: the SQLite database is damaged ({found})")


def replace_sqlite(staged: Path, target: Path) -> None:
    """Put the database file `staged` in place of `target` with one rename.

    The old database's write-ahead log is emptied into it first, so the old file stays whole
    until the rename and no stale log is ever read with the new file.
    """
    if target.exists():
        with closing(sqlite3.connect(target, timeout=10)) as old:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _sync(staged)
    os.replace(staged, target)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    _sync(target.parent)


def pg_dump(db: Database, target: Path) -> None:
    """Dump a PostgreSQL database in pg_dump's custom format."""
    dbname, env = _libpq(db)
    _run(["pg_dump", "--format=custom", "--no-password", f"--file={target}", dbname], env)


def pg_restore(db: Database, source: Path) -> None:
    """Restore a custom-format dump in one transaction: all of it, or nothing changes."""
    dbname, env = _libpq(db)
    flags = ["--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges"]
    _run(["pg_restore", *flags, "--no-password", f"--dbname={dbname}", str(source)], env)
    # A dump carries no planner statistics: until autovacuum gets round to it (or for ever, on
    # a server that runs without it) the planner would guess, and a guess can scan a learner's
    # whole history per row of a query.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def _libpq(db: Database) -> tuple[str, dict[str, str]]:
    """A libpq URL for the tools (the password goes in the environment, not the arguments)."""
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client tool, or an error naming the one missing."""
    found = shutil.which(name)
    if found is None:
        raise ConfigurationError(f"{name} is not on PATH: {PG_TOOLS_HINT}")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    tool = pg_tool(command[0])
    done = subprocess.run(
        [tool, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        detail = lines[0] if lines else f"exit status {done.returncode}"
        raise MasterPathError(f"{command[0]} failed: {detail}")


def _sync(path: Path) -> None:
    """Flush a file or folder to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
