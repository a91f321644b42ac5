"""The database schema, for the CLI, start-up and /healthz."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from masterpath.errors import Unavailable
from masterpath.services import Context
from masterpath.store import migrate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    """Whether the database answers and its schema is the one this code needs."""

    dialect: str
    revision: str | None
    head: str | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def upgrade(ctx: Context) -> str:
    """Migrate to the newest schema under the install-wide lock; returns the revision."""
    migrate.upgrade(ctx.db)
    return f"{migrate.current(ctx.db)} ({ctx.db.dialect})"


def head() -> str | None:
    """The newest schema revision this code knows."""
    return migrate.head()


def health(ctx: Context) -> Health:
    """The database's state for /healthz: a problem when it does not answer or its schema is
    not the code's newest (the detail of a failure goes to the log, not to the caller)."""
    try:
        schema = migrate.schema(ctx.db)
    except Unavailable as exc:
        log.warning("health check: %s", exc.message)
        return Health(ctx.db.dialect, None, migrate.head(), "the database does not answer")
    return Health(ctx.db.dialect, schema.revision, schema.head, _schema_problem(schema))


def _schema_problem(schema: migrate.Schema) -> str:
    if schema.current:
        return ""
    if schema.revision is None:
        return "the database has no schema: run `masterpath db upgrade`"
    if not schema.known:
        return f"the schema is at revision {schema.revision}, which this version does not know"
    return (
        f"the schema is behind: revision {schema.revision}, this version needs {schema.head}: "
        "run `masterpath db upgrade`"
    )


def serve(ctx: Context) -> None:
    """What a server starts beside its requests: SQLite's write-ahead log is checkpointed by a
    background thread, so no request's commit pays for a checkpoint (nothing on PostgreSQL)."""
    ctx.db.checkpoint_in_background()


def stop_serving(ctx: Context) -> None:
    ctx.db.stop_background()
