"""A context with the built-in packs installed and their vectors ready, for the benchmarks.

By default on a throwaway SQLite file (so the first figures include embedding the content);
`data_dir` reuses a data folder where `masterpath content load` already ran.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from masterpath.clock import Clock
from masterpath.services import Context, knowledge, packs
from masterpath.settings import Settings
from masterpath.store import make_database, migrate


@contextmanager
def installed(settings: Settings, data_dir: Path | None = None) -> Iterator[Context]:
    with tempfile.TemporaryDirectory() as folder:
        fresh = settings.model_copy(
            update={"data_dir": data_dir or Path(folder), "database_url": "", "secret_key": "bench"}
        )
        db = make_database(fresh.url)
        try:
            migrate.upgrade(db)
            ctx = Context(fresh, db, Clock())
            packs.install_builtin(ctx)
            knowledge.warm(ctx)
            yield ctx
        finally:
            db.dispose()
