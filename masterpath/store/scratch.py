"""Scratch PostgreSQL databases for benchmarks: made from nothing, measured, then dropped."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from masterpath.store.db import Database, make_database

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
SIZES = """SELECT pg_database_size(current_database()), pg_total_relation_size('evidence'),
pg_indexes_size('evidence')"""
ORPHANS = """SELECT count(*) FROM evidence e
WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = e.user_id)
OR NOT EXISTS (SELECT 1 FROM skills s WHERE s.id = e.skill_id)"""
IMPLIED = """SELECT coalesce(sum(1 + jsonb_array_length(also_skills)), 0) FROM evidence
WHERE grader <> 'self' AND source_kind = 'item'"""


def url_of(server: str, name: str) -> str:
    """The URL of database `name` on the server that `server` (any of its databases) names."""
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _admin(server: str, name: str) -> Any:
    if not NAME.match(name):
        raise ValueError(f"scratch database names are lower-case identifiers, not {name!r}")
    return create_engine(server, isolation_level="AUTOCOMMIT")


def create(server: str, name: str) -> Database:
    """A new, empty database `name` (an older one of that name is dropped first)."""
    engine = _admin(server, name)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_database(url_of(server, name))


def drop(server: str, name: str) -> None:
    engine = _admin(server, name)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def reachable(server: str) -> str | None:
    """None when the server answers; otherwise why not, in a sentence."""
    engine = create_engine(server, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver or network error: the reason is the message
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())  # one line
        return f"PostgreSQL at {make_url(server).render_as_string()} is not reachable: {reason}"
    finally:
        engine.dispose()
    return None


def vacuum_analyze(db: Database) -> None:
    """VACUUM (ANALYZE) every table, as autovacuum would have by now on a live server."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))


def sizes(db: Database) -> dict[str, int]:
    """Bytes on disk: the whole database, and the evidence table with its indexes."""
    with db.engine.connect() as connection:
        row = connection.execute(text(SIZES)).one()
    return {"database": int(row[0]), "evidence": int(row[1]), "evidence_indexes": int(row[2])}


def server_facts(db: Database) -> dict[str, str]:
    """The server's version and the settings that decide how much stays in memory."""
    names = ("server_version", "shared_buffers", "work_mem", "effective_cache_size")
    with db.engine.connect() as connection:
        return {n: str(connection.execute(text(f"SHOW {n}")).scalar()) for n in names}


def orphans(db: Database) -> int:
    """Evidence rows whose learner or skill does not exist (copies skip the foreign-key checks;
    this proves they were not needed)."""
    with db.engine.connect() as connection:
        found = connection.execute(text(ORPHANS)).scalar()
    return int(found or 0)


def attempt_totals(db: Database) -> dict[str, int]:
    """Graded attempts the skill states count, against the updates the evidence implies (one
    per graded item answer and per skill in its `also_skills`)."""
    with db.engine.connect() as connection:
        counted = connection.execute(
            text("SELECT coalesce(sum(graded_attempts), 0) FROM skill_states")
        ).scalar()
        implied = connection.execute(text(IMPLIED)).scalar()
    return {"skill_states": int(counted or 0), "evidence": int(implied or 0)}


def make_floor_table(db: Database) -> None:
    """A one-column table for the database's floor: a transaction that inserts one row."""
    with db.begin() as tx:
        tx.session.execute(text("CREATE TABLE IF NOT EXISTS bench_floor (n INTEGER)"))


def insert_floor_row(db: Database, n: int) -> None:
    """One transaction that inserts one row (what any write costs here, and no more)."""
    with db.begin() as tx:
        tx.session.execute(text("INSERT INTO bench_floor (n) VALUES (:n)"), {"n": n})
