from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from functools import partial

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from masterpath.services import Context
from masterpath.store import accounts, db, migrate, scratch
from tests.conftest import PG_URL


def test_schema_is_at_head(ctx: Context) -> None:
    assert migrate.current(ctx.db) == migrate.head()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(ctx: Context) -> None:
    if ctx.db.dialect != "sqlite":
        pytest.skip("SQLite pragmas")
    with ctx.db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_datetimes_come_back_aware_in_utc(ctx: Context) -> None:
    paris = timezone(timedelta(hours=1))
    moment = datetime(2026, 11, 25, 21, 30, tzinfo=paris)
    with ctx.db.begin() as tx:
        user = accounts.add_user(
            tx,
            email="t@example.com",
            display_name="T",
            password_hash="x",
            role="learner",
            timezone="UTC",
            now=moment,
        )
        user_id = user.id
    with ctx.db.begin() as tx:
        found = accounts.user_by_id(tx, user_id)
        assert found is not None
        assert found.created_at == datetime(2026, 11, 25, 20, 30, tzinfo=UTC)
        assert found.created_at.tzinfo is UTC


def test_naive_datetime_is_refused(ctx: Context) -> None:
    with pytest.raises(Exception, match="naive datetime"), ctx.db.begin() as tx:
        accounts.add_user(
            tx,
            email="n@example.com",
            display_name="N",
            password_hash="x",
            role="learner",
            timezone="UTC",
            now=datetime(2026, 1, 1),
        )


def test_upgrade_twice_is_harmless(ctx: Context) -> None:
    migrate.upgrade(ctx.db)
    migrate.upgrade(ctx.db)
    assert migrate.current(ctx.db) == migrate.head()


def test_migrations_build_exactly_the_tables_the_models_describe(ctx: Context) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from masterpath.store.models import Base

    with ctx.db.engine.connect() as connection:
        migration = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(migration, Base.metadata)
    assert differences == []


@pytest.mark.postgres
def test_a_connection_that_died_while_idle_is_replaced_before_use() -> None:
    """No ping on a connection back moments ago (a round trip a transaction saved), so one the
    server closed in that moment fails its next statement; after it sat idle it is pinged first,
    and one the server closed meanwhile is replaced, unseen by the caller."""
    if not PG_URL:
        pytest.skip("PostgreSQL: the SQLite pass has no server connections to lose")
    server = scratch.url_of(PG_URL, "postgres")  # the test database may not exist yet
    engine = db.make_engine(server, ping_after_idle=0.3)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        _terminate(admin, _backend(engine))
        with pytest.raises(OperationalError):  # back moments ago: used without a ping
            _backend(engine)
        backend = _backend(engine)  # the pool replaced the dead one
        _terminate(admin, backend)
        time.sleep(0.4)
        assert _backend(engine) != backend  # idle: pinged, found dead, replaced
    finally:
        engine.dispose()
        admin.dispose()


def _terminate(admin: Engine, backend: int) -> None:
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": backend})


def _backend(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_statements_counts_what_runs_and_times_all_of_it(ctx: Context) -> None:
    def elsewhere() -> None:  # another thread's statement (a background checkpoint): not ours
        with ctx.db.begin() as tx:
            tx.session.connection().execute(text("SELECT 1"))

    counter = db.Statements(ctx.db)
    try:
        with ctx.db.begin() as tx:
            accounts.lock_learner(tx, 1)  # SQLite: BEGIN IMMEDIATE, control, not counted
            for n in range(3):
                tx.session.connection().execute(text("SELECT :n"), {"n": n})
        other = threading.Thread(target=elsewhere)
        other.start()
        other.join()
    finally:
        counter.close()
    locks = 1 if ctx.db.dialect == "postgresql" else 0  # PostgreSQL locks with a SELECT
    assert counter.count == 3 + locks
    assert counter.seconds > 0
    with ctx.db.begin() as tx:  # closed: no longer counting
        tx.session.connection().execute(text("SELECT 1"))
    assert counter.count == 3 + locks


def test_the_cache_keeps_many_values_up_to_a_limit() -> None:
    cache = db.Cache()
    made: list[int] = []

    def make(n: int) -> int:
        made.append(n)
        return n * 10

    for n in (1, 2, 1):
        assert cache.many("squares", n, partial(make, n), limit=3) == n * 10
    assert made == [1, 2]  # 1 was kept
    cache.many("squares", 3, lambda: make(3), limit=3)
    cache.many("squares", 4, lambda: make(4), limit=3)  # full: everything dropped, then 4 kept
    assert cache.many("squares", 1, lambda: make(1), limit=3) == 10
    assert made == [1, 2, 3, 4, 1]
