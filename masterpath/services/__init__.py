"""One function per user intention. Services own transactions."""

from __future__ import annotations

from dataclasses import dataclass

from masterpath.clock import Clock
from masterpath.errors import ConfigurationError
from masterpath.settings import PREFIX, Settings
from masterpath.store import Database, make_database
from masterpath.store.db import THREADS as THREADS  # request threads = pooled connections
from masterpath.store.db import Cache


@dataclass(frozen=True)
class Context:
    """What every service needs: settings, the database and the clock.

    Derived data (parsed content, search indexes, vectors, fitted parameters) is cached on the
    context's database, never in a module: apps and tests in one process keep theirs apart.
    """

    settings: Settings
    db: Database
    clock: Clock

    @property
    def cache(self) -> Cache:
        return self.db.cache


def make_context(settings: Settings) -> Context:
    """The context of one process; a database URL or data folder that cannot work is refused
    naming the setting (the database is not reached yet)."""
    try:
        db = make_database(settings.url)
    except ConfigurationError as exc:
        name = "DATABASE_URL" if settings.database_url else "DATA_DIR"
        raise ConfigurationError(f"invalid configuration: {PREFIX}{name}: {exc.message}") from exc
    return Context(settings=settings, db=db, clock=Clock(settings.offset))
