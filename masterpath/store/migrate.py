"""Schema migrations, run once however many workers start together."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from masterpath.store.db import Database, answering

MIGRATIONS = Path(__file__).parent / "migrations"
ADVISORY_KEY = 7_413_120_260_001  # any fixed 64-bit number, the same for every worker


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextmanager
def exclusive(db: Database) -> Iterator[Connection]:
    """A connection holding the install-wide migration lock.

    PostgreSQL: a session advisory lock. SQLite: an flock on a file beside the database.
    """
    with db.connect() as connection:
        if db.dialect == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_KEY})
            connection.commit()
            try:
                yield connection
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                connection.commit()
            return
        database = db.engine.url.database or ""
        lock_path = Path(database + ".lock") if database not in ("", ":memory:") else None
        if lock_path is None:
            yield connection
            return
        with lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield connection
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(db: Database, connection: Connection | None = None) -> None:
    """Bring the schema to the newest revision (call inside `exclusive` when serving)."""
    if connection is None:
        with exclusive(db) as locked:
            upgrade(db, locked)
        return
    command.upgrade(_config(connection), "head")
    connection.commit()


def current(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@cache
def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def head() -> str | None:
    return _scripts().get_current_head()


def known(revision: str) -> bool:
    """Whether this code has the migration of `revision` (False for a newer install's)."""
    return revision in {script.revision for script in _scripts().walk_revisions()}


@dataclass(frozen=True)
class Schema:
    """The revision a database is at, beside the newest this code knows."""

    revision: str | None
    head: str | None

    @property
    def current(self) -> bool:
        return self.revision == self.head

    @property
    def known(self) -> bool:
        return self.revision is None or known(self.revision)


def schema(db: Database) -> Schema:
    """The database's schema revision; `Unavailable` when the database does not answer."""
    with answering("reading the schema revision"):
        return Schema(revision=current(db), head=head())
