"""The database schema, for the CLI and start-up."""

from __future__ import annotations

from masterpath.services import Context
from masterpath.store import migrate


def upgrade(ctx: Context) -> str:
    """Migrate to the newest schema under the install-wide lock; returns the revision."""
    migrate.upgrade(ctx.db)
    return f"{migrate.current(ctx.db)} ({ctx.db.dialect})"


def head() -> str | None:
    """The newest schema revision this code knows."""
    return migrate.head()
