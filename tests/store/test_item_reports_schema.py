"""Migration 0019: voids are append-only ledger rows, one per evidence record; it downgrades."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from masterpath.services import Context
from masterpath.store import accounts, migrate
from masterpath.store import item_reports as store
from masterpath.store.models import Evidence

NOW = datetime(2026, 12, 6, 6, 0, tzinfo=UTC)


def _evidence(ctx: Context) -> tuple[int, int]:
    with ctx.db.begin() as tx:
        user = accounts.add_user(
            tx,
            email="ada@example.com",
            display_name="Ada",
            password_hash="!",
            role="learner",
            timezone="UTC",
            now=NOW,
        )
        row = Evidence(
            user_id=user.id,
            skill_id="python-basics",
            source_kind="item",
            source_id="python-basics:mutable",
            pack_version="1",
            mode="practice",
            score=0.0,
            grader="auto",
            answered_at=NOW,
            recorded_at=NOW,
            detail={"response": "a"},
        )
        tx.session.add(row)
        tx.session.flush()
        return user.id, row.id


def _void(ctx: Context, user: int, evidence_id: int) -> None:
    with ctx.db.begin() as tx:
        store.add_voids(
            tx,
            [
                {
                    "evidence_id": evidence_id,
                    "user_id": user,
                    "skill_id": "python-basics",
                    "item_id": "python-basics:mutable",
                    "reason": "key",
                    "voided_at": NOW,
                    "voided_by": None,
                }
            ],
        )


def test_a_record_is_voided_once_and_the_void_never_changes(ctx: Context) -> None:
    user, evidence_id = _evidence(ctx)
    _void(ctx, user, evidence_id)
    with pytest.raises(IntegrityError):
        _void(ctx, user, evidence_id)
    for statement in ("UPDATE evidence_voids SET reason = 'x'", "DELETE FROM evidence_voids"):
        with pytest.raises(DBAPIError, match="append-only"), ctx.db.engine.begin() as c:
            c.execute(text(statement))
    with ctx.db.begin() as tx:
        assert [r.id for r in store.counted_answers(tx, user)] == []


def test_0019_downgrades_to_0014_and_back(ctx: Context) -> None:
    with migrate.exclusive(ctx.db) as connection:
        command.downgrade(migrate._config(connection), "0014")
        connection.commit()
        tables = set(inspect(connection).get_table_names())
        assert not {"item_reports", "evidence_voids", "mastery_reopenings"} & tables
        columns = {c["name"] for c in inspect(connection).get_columns("skill_states")}
        assert "reopened_at" not in columns
        command.upgrade(migrate._config(connection), "head")
        connection.commit()
        assert {"item_reports", "evidence_voids"} <= set(inspect(connection).get_table_names())
