"""One function per user intention. Services own transactions."""

from __future__ import annotations

from dataclasses import dataclass

from masterpath.clock import Clock
from masterpath.settings import Settings
from masterpath.store import Database, make_database


@dataclass(frozen=True)
class Context:
    """What every service needs: settings, the database and the clock."""

    settings: Settings
    db: Database
    clock: Clock


def make_context(settings: Settings) -> Context:
    return Context(settings=settings, db=make_database(settings.url), clock=Clock(settings.offset))
