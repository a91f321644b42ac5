"""cohorts an instructor teaches, and learners' memberships (kept when they leave)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)
CURRENT = sa.text("left_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instructor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("invite_code", sa.String(16), nullable=False, unique=True),
        sa.Column("code_expires_at", WHEN, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_index("ix_cohorts_instructor", "cohorts", ["instructor_id"])
    op.create_table(
        "cohort_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cohort_id", sa.Integer(), sa.ForeignKey("cohorts.id"), nullable=False),
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("joined_at", WHEN, nullable=False),
        sa.Column("left_at", WHEN, nullable=True),
    )
    op.create_index(
        "ux_cohort_members_current",
        "cohort_members",
        ["cohort_id", "learner_id"],
        unique=True,
        sqlite_where=CURRENT,
        postgresql_where=CURRENT,
    )
    op.create_index("ix_cohort_members_learner", "cohort_members", ["learner_id"])


def downgrade() -> None:
    op.drop_table("cohort_members")
    op.drop_table("cohorts")
