"""personal cards: a learner's own flashcards imported from Anki, with their review log

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

Personal cards are scheduled by FSRS like content cards but belong to no skill: their ratings
are kept here, never as evidence, so they can never count toward mastery.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "personal_cards",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("deck", sa.String(200), nullable=False),
        sa.Column("front", sa.Text(), nullable=False),
        sa.Column("back", sa.Text(), nullable=False),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("state", JSON, nullable=False),
        sa.Column("due", WHEN, nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("imported_at", WHEN, nullable=False),
        sa.UniqueConstraint("user_id", "source", name="uq_personal_cards_source"),
    )
    op.create_index("ix_personal_cards_due", "personal_cards", ["user_id", "due"])
    op.create_table(
        "personal_reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("card_id", sa.Integer(), sa.ForeignKey("personal_cards.id"), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", WHEN, nullable=False),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("submission_id", sa.String(64), nullable=True),
        sa.UniqueConstraint("card_id", "submission_id", name="uq_personal_reviews_submission"),
    )
    op.create_index("ix_personal_reviews_card", "personal_reviews", ["card_id"])


def downgrade() -> None:
    op.drop_index("ix_personal_reviews_card", table_name="personal_reviews")
    op.drop_table("personal_reviews")
    op.drop_index("ix_personal_cards_due", table_name="personal_cards")
    op.drop_table("personal_cards")
