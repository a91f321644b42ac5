"""Bulk writes for generated data (benchmarks): many rows of one table in one statement, or a
PostgreSQL COPY of millions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import insert, text

from masterpath.store.db import Database, Tx
from masterpath.store.models import Base


def add_rows(tx: Tx, model: type[Base], rows: list[dict[str, Any]]) -> None:
    if rows:
        tx.session.execute(insert(model), rows)


def copy(
    db: Database,
    model: type[Base],
    columns: Sequence[str],
    chunks: Iterable[str],
    *,
    checks: bool = True,
) -> None:
    """COPY text-format rows (tab-separated columns, one line a row, `\\N` for NULL) into the
    model's table on PostgreSQL, in one transaction.

    `checks=False` skips foreign-key checks during the copy (session_replication_role=replica,
    which needs a superuser): only for generated rows whose references are known to exist.
    """
    table = model.__table__.name  # type: ignore[attr-defined]
    unknown = set(columns) - {c.name for c in model.__table__.columns}
    if unknown:
        raise ValueError(f"{table} has no column(s) {sorted(unknown)}")
    raw = db.engine.raw_connection()
    try:
        connection = raw.driver_connection
        assert connection is not None
        with connection.cursor() as cursor:
            if not checks:
                cursor.execute("SET LOCAL session_replication_role = replica")
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
                for chunk in chunks:
                    stream.write(chunk)
        raw.commit()
    finally:
        raw.close()


UNIQUE_KEYS = """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = CAST(:table AS regclass) AND contype IN ('p', 'u') ORDER BY conname"""
REFERENCING = """SELECT conname, CAST(conrelid AS regclass), pg_get_constraintdef(oid)
FROM pg_constraint WHERE confrelid = CAST(:table AS regclass) AND contype = 'f' ORDER BY conname"""
INDEXES = """SELECT indexname, indexdef FROM pg_indexes
WHERE schemaname = current_schema() AND tablename = :table ORDER BY indexname"""


@contextmanager
def indexes_deferred(db: Database, model: type[Base]) -> Iterator[None]:
    """Drop the table's indexes (primary key and unique constraints included) for a bulk copy,
    then build them again from their own definitions, as pg_restore loads data before indexes:
    one sort per index instead of millions of inserts into B-trees larger than the cache. Other
    tables' foreign keys onto its primary key are dropped first and made again last."""
    table = model.__table__.name  # type: ignore[attr-defined]
    with db.engine.begin() as connection:
        referencing = connection.execute(text(REFERENCING), {"table": table}).all()
        for name, other, _ in referencing:
            connection.exec_driver_sql(f'ALTER TABLE {other} DROP CONSTRAINT "{name}"')
        keys = connection.execute(text(UNIQUE_KEYS), {"table": table}).all()
        owned = {name for name, _ in keys}
        indexes = [
            row
            for row in connection.execute(text(INDEXES), {"table": table})
            if row[0] not in owned
        ]
        for name, _ in indexes:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
        for name, _ in keys:
            connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    with db.engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        for name, definition in keys:
            connection.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes:
            connection.exec_driver_sql(definition)
        for name, other, definition in referencing:
            connection.exec_driver_sql(f'ALTER TABLE {other} ADD CONSTRAINT "{name}" {definition}')


def restart_ids(db: Database, model: type[Base]) -> None:
    """Set the table's id sequence past the highest id (after rows were copied with their ids)."""
    table = model.__table__.name  # type: ignore[attr-defined]
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )
