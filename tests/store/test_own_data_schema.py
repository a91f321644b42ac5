"""Migration 0020: the evidence ledger allows one update only — a recorded redaction of
`detail` to `{"redacted": true}`, every other column unchanged — and nothing else; it downgrades
and upgrades again over existing data."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from masterpath.services import Context
from masterpath.store import migrate
from masterpath.store import own_data as store
from masterpath.store.models import Evidence
from tests.store.test_item_reports_schema import _evidence

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def _refused(ctx: Context, statement: str, message: str = "append-only") -> None:
    with pytest.raises(DBAPIError, match=message), ctx.db.engine.begin() as connection:
        connection.execute(text(statement))


def _record(ctx: Context, evidence_id: int) -> None:
    with ctx.db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO evidence_redactions (evidence_id, user_id, redacted_at) "
                "SELECT id, user_id, recorded_at FROM evidence WHERE id = :id"
            ),
            {"id": evidence_id},
        )


def _detail(ctx: Context, evidence_id: int) -> object:
    with ctx.db.begin() as tx:
        row = tx.session.get(Evidence, evidence_id, populate_existing=True)
        assert row is not None
        return row.detail


def test_evidence_is_updated_only_by_a_recorded_redaction(ctx: Context) -> None:
    _, evidence_id = _evidence(ctx)
    redact = f"UPDATE evidence SET detail = '{json.dumps(store.REDACTED)}' WHERE id = {evidence_id}"
    _refused(ctx, redact)  # no redaction recorded yet
    _record(ctx, evidence_id)
    _refused(ctx, f"UPDATE evidence SET score = 1.0 WHERE id = {evidence_id}")
    _refused(
        ctx, f"""UPDATE evidence SET detail = '{{"response": "b"}}' WHERE id = {evidence_id}"""
    )
    both = redact.replace("SET detail", "SET score = 1.0, detail")
    _refused(ctx, both)
    with ctx.db.engine.begin() as connection:
        connection.execute(text(redact))
    assert _detail(ctx, evidence_id) == {"redacted": True}
    _refused(ctx, f"DELETE FROM evidence WHERE id = {evidence_id}")
    _refused(ctx, "UPDATE evidence_redactions SET redacted_at = redacted_at")
    _refused(ctx, "DELETE FROM evidence_redactions")


def test_redact_answers_records_and_redacts_only_the_types_asked_for(ctx: Context) -> None:
    user, evidence_id = _evidence(ctx)  # an answer to a single-choice item
    with ctx.db.begin() as tx:
        assert store.redact_answers(tx, user_id=user, item_types=["short_text"], now=NOW) == 0
    assert _detail(ctx, evidence_id) == {"response": "a"}
    with ctx.db.begin() as tx:
        assert store.redact_answers(tx, user_id=user, item_types=["single_choice"], now=NOW) == 1
        assert store.redact_answers(tx, user_id=user, item_types=["single_choice"], now=NOW) == 0
    assert _detail(ctx, evidence_id) == {"redacted": True}


def test_0020_downgrades_to_0019_and_back_over_existing_rows(ctx: Context) -> None:
    _, evidence_id = _evidence(ctx)
    with migrate.exclusive(ctx.db) as connection:
        command.downgrade(migrate._config(connection), "0019")
        connection.commit()
        tables = set(inspect(connection).get_table_names())
        assert not {"evidence_redactions", "xapi_voids"} & tables
        assert "deleted_at" not in {c["name"] for c in inspect(connection).get_columns("users")}
        command.upgrade(migrate._config(connection), "head")
        connection.commit()
        assert {"evidence_redactions", "xapi_voids"} <= set(inspect(connection).get_table_names())
        assert "revoked_at" in {c["name"] for c in inspect(connection).get_columns("badges")}
    _refused(ctx, f"UPDATE evidence SET score = 1.0 WHERE id = {evidence_id}")
    assert _detail(ctx, evidence_id) == {"response": "a"}
