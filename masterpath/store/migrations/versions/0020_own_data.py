"""a learner's own data: deleted accounts, revoked badges, redacted answers, xAPI voids

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06

Deleting an account keeps the user row as a pseudonym (`users.deleted_at`), revokes its badges
(`badges.revoked_at`, published in a Bitstring Status List) and queues xAPI voiding statements
for what the LRS holds (`xapi_voids`, drained with the outbox).

Evidence stays append-only. One narrow exception, defined here and nowhere else: the `detail`
of an evidence record may be replaced by exactly `{"redacted": true}` — every other column
unchanged — once an `evidence_redactions` row (itself append-only) records that redaction. That
is how the free text a deleted learner typed (short-text and numeric answers) leaves the ledger
while the scores, times and items that cohort and item statistics count stay as they were.
Columns are added with ALTER TABLE (no table copies: other tables point at users and badges).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)
MESSAGE = "evidence is append-only: record a correction as a new row"
KEPT = (  # every evidence column but `detail`: a redaction changes none of them
    "id",
    "user_id",
    "skill_id",
    "also_skills",
    "source_kind",
    "source_id",
    "pack_version",
    "mode",
    "score",
    "grader",
    "hints_used",
    "seconds",
    "answered_at",
    "recorded_at",
    "submission_id",
    "check_id",
)
REDACTED = '{"redacted": true}'


def upgrade() -> None:
    op.add_column("users", sa.Column("deleted_at", WHEN, nullable=True))
    op.add_column("badges", sa.Column("revoked_at", WHEN, nullable=True))
    op.create_table(
        "evidence_redactions",
        sa.Column("evidence_id", sa.Integer(), sa.ForeignKey("evidence.id"), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("redacted_at", WHEN, nullable=False),
    )
    op.create_index("ix_evidence_redactions_user", "evidence_redactions", ["user_id"])
    _append_only("evidence_redactions")
    op.create_table(
        "xapi_voids",
        sa.Column("evidence_id", sa.Integer(), sa.ForeignKey("evidence.id"), primary_key=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", WHEN, nullable=False),
        sa.Column("sent_at", WHEN, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    op.create_index("ix_xapi_voids_due", "xapi_voids", ["sent_at", "next_attempt_at"])
    _redaction_only_updates()


def _redaction_only_updates() -> None:
    if op.get_bind().dialect.name == "postgresql":
        same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in KEPT)
        op.execute(
            "CREATE OR REPLACE FUNCTION evidence_append_only() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' AND NEW.detail = '{REDACTED}'::jsonb AND {same} "
            "AND EXISTS (SELECT 1 FROM evidence_redactions r WHERE r.evidence_id = OLD.id) "
            "THEN RETURN NEW; END IF; "
            f"RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        return
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in KEPT)
    op.execute("DROP TRIGGER evidence_no_update")
    op.execute(
        "CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence WHEN NOT ("
        f"json_valid(NEW.detail) AND json(NEW.detail) = json('{REDACTED}') AND {same} "
        "AND EXISTS (SELECT 1 FROM evidence_redactions r WHERE r.evidence_id = OLD.id)) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def _append_only(table: str) -> None:
    """A redaction is a ledger record too: never updated or deleted (as evidence_voids, 0019)."""
    message = f"{table} is append-only: record a correction as a new row"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION evidence_append_only() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute("DROP TRIGGER evidence_redactions_append_only ON evidence_redactions")
        op.execute("DROP FUNCTION evidence_redactions_append_only()")
    else:
        op.execute("DROP TRIGGER evidence_no_update")
        op.execute(
            "CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    op.drop_index("ix_xapi_voids_due", table_name="xapi_voids")
    op.drop_table("xapi_voids")
    op.drop_index("ix_evidence_redactions_user", table_name="evidence_redactions")
    op.drop_table("evidence_redactions")
    op.drop_column("badges", "revoked_at")
    op.drop_column("users", "deleted_at")
