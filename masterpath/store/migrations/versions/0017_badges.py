"""badges: Open Badges 3.0 awards for mastered skills and career paths

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-06

One row per learner and mastered skill or career path, with an unguessable public id (the
badge's public page) and the signed credential once it is made.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "badges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("subject_id", sa.String(80), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("credential", sa.Text(), nullable=True),
        sa.UniqueConstraint("user_id", "kind", "subject_id", name="uq_badges_subject"),
    )


def downgrade() -> None:
    op.drop_table("badges")
