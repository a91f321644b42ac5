"""knowledge-tracing and mastery state

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "learner_states",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("counters", JSON, nullable=False),
        sa.Column("skill_ids", JSON, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "skill_states",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("skill_id", sa.String(80), sa.ForeignKey("skills.id"), primary_key=True),
        sa.Column("counters", JSON, nullable=False),
        sa.Column("graded_attempts", sa.Integer(), nullable=False),
        sa.Column("last_graded_at", WHEN, nullable=True),
        sa.Column("ready_at", WHEN, nullable=True),
        sa.Column("mastered_at", WHEN, nullable=True),
        sa.Column("retention_passed_at", WHEN, nullable=True),
        sa.Column("retention_checks_passed", sa.Integer(), nullable=False),
        sa.Column("placed_at", WHEN, nullable=True),
        sa.Column("placement_failed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "kt_params",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("fitted_at", WHEN, nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("params", JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("kt_params")
    op.drop_table("skill_states")
    op.drop_table("learner_states")
