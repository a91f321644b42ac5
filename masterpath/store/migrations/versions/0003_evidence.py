"""evidence ledger (append-only)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
MESSAGE = "evidence is append-only: record a correction as a new row"


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("skill_id", sa.String(length=80), sa.ForeignKey("skills.id"), nullable=False),
        sa.Column("also_skills", JSON, nullable=False),
        sa.Column("source_kind", sa.String(length=10), nullable=False),
        sa.Column("source_id", sa.String(length=130), nullable=False),
        sa.Column("pack_version", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("grader", sa.String(length=12), nullable=False),
        sa.Column("hints_used", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submission_id", sa.String(length=64), nullable=True),
        sa.Column("check_id", sa.Integer(), nullable=True),
        sa.Column("detail", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "submission_id"),
    )
    op.create_index("ix_evidence_user_skill", "evidence", ["user_id", "skill_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER evidence_append_only BEFORE UPDATE OR DELETE ON evidence "
            "FOR EACH ROW EXECUTE FUNCTION evidence_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER evidence_no_{event.lower()} BEFORE {event} ON evidence "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER evidence_append_only ON evidence")
        op.execute("DROP FUNCTION evidence_append_only()")
    op.drop_index("ix_evidence_user_skill", table_name="evidence")
    op.drop_table("evidence")
