"""item reports, evidence voids and the mastery reopenings they cause

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06

Learners report problems with items; an admin can void the evidence graded against a wrong
key. A void is a new ledger record (evidence_voids): evidence itself is never updated or
deleted. Other branches add 0015-0017 on 0014; the merger rechains this one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "item_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("item_id", sa.String(130), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_item_reports_item", "item_reports", ["item_id", "resolved_at"])
    op.create_index("ix_item_reports_user", "item_reports", ["user_id", "id"])
    op.create_table(
        "evidence_voids",
        sa.Column("evidence_id", sa.Integer(), sa.ForeignKey("evidence.id"), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("skill_id", sa.String(80), nullable=False),
        sa.Column("item_id", sa.String(130), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_evidence_voids_user", "evidence_voids", ["user_id", "skill_id"])
    _append_only("evidence_voids")
    op.create_table(
        "mastery_reopenings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("skill_id", sa.String(80), nullable=False),
        sa.Column("item_id", sa.String(130), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_mastery_reopenings_user", "mastery_reopenings", ["user_id", "skill_id"])
    with op.batch_alter_table("skill_states") as batch_op:
        batch_op.add_column(sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True))


def _append_only(table: str) -> None:
    """A void is a ledger record too: never updated or deleted (as evidence, 0003)."""
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
        op.execute("DROP TRIGGER evidence_voids_append_only ON evidence_voids")
        op.execute("DROP FUNCTION evidence_voids_append_only()")
    with op.batch_alter_table("skill_states") as batch_op:
        batch_op.drop_column("reopened_at")
    op.drop_table("mastery_reopenings")
    op.drop_table("evidence_voids")
    op.drop_table("item_reports")
