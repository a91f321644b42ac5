"""Several workers starting together migrate and load content exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from masterpath.clock import Clock
from masterpath.services import Context, catalogue
from masterpath.store import make_database, migrate
from tests.conftest import PG_URL, make_settings

START = (
    "from masterpath.services import make_context, packs;"
    "from masterpath.settings import load_settings;"
    "packs.prepare(make_context(load_settings()))"
)


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    admin = make_database(PG_URL)
    with admin.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS prepare_test CASCADE"))
        connection.execute(text("CREATE SCHEMA prepare_test"))
    yield f"{PG_URL}?options=-csearch_path%3Dprepare_test"
    with admin.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA prepare_test CASCADE"))
    admin.dispose()


@pytest.mark.postgres
def test_three_workers_starting_together_migrate_and_load_once(
    fresh_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, "MASTERPATH_DATABASE_URL": fresh_url, "MASTERPATH_DATA_DIR": str(tmp_path)}
    workers = [
        subprocess.Popen([sys.executable, "-c", START], env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    db = make_database(fresh_url)
    try:
        assert migrate.current(db) == migrate.head()
        with db.engine.connect() as connection:
            loads = connection.execute(text("SELECT pack_id FROM pack_loads")).scalars().all()
        assert loads == ["core"]
        ctx = Context(make_settings(tmp_path, fresh_url), db, Clock())
        assert "ai-engineering-architect" in [c.slug for c in catalogue.careers(ctx)]
    finally:
        db.dispose()
