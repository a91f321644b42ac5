"""the study loop: assessments, learner cards, applied tasks, study time, resource marks

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
WHEN = sa.DateTime(timezone=True)


def _user() -> sa.Column[int]:
    return sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False)


def _skill() -> sa.Column[str]:
    return sa.Column("skill_id", sa.String(80), sa.ForeignKey("skills.id"), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("desired_retention", sa.Float(), nullable=False, server_default="0.9")
        )
        batch.add_column(
            sa.Column("new_cards_per_day", sa.Integer(), nullable=False, server_default="20")
        )
        batch.add_column(sa.Column("fsrs_params", JSON, nullable=True))
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user(),
        _skill(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("items", JSON, nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.Column("correct", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
    )
    op.create_index("ix_assessments_user_skill", "assessments", ["user_id", "skill_id", "kind"])
    op.create_table(
        "learner_cards",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("card_id", sa.String(130), sa.ForeignKey("flashcards.id"), primary_key=True),
        _skill(),
        sa.Column("state", JSON, nullable=False),
        sa.Column("due", WHEN, nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("introduced_at", WHEN, nullable=False),
    )
    op.create_index("ix_learner_cards_due", "learner_cards", ["user_id", "due"])
    op.create_table(
        "task_submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user(),
        _skill(),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(500), nullable=False),
        sa.Column("self_score", sa.Float(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("grader", sa.String(12), nullable=True),
        sa.Column("detail", JSON, nullable=False),
        sa.Column("submitted_at", WHEN, nullable=False),
        sa.Column("graded_at", WHEN, nullable=True),
        sa.Column("submission_id", sa.String(64), nullable=True),
        sa.UniqueConstraint("user_id", "submission_id"),
    )
    op.create_index("ix_task_submissions_user", "task_submissions", ["user_id", "skill_id"])
    op.create_table(
        "study_time",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user(),
        sa.Column("skill_id", sa.String(80), sa.ForeignKey("skills.id"), nullable=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
    )
    op.create_index("ix_study_time_user", "study_time", ["user_id", "recorded_at"])
    op.create_table(
        "resource_marks",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("skill_id", sa.String(80), sa.ForeignKey("skills.id"), primary_key=True),
        sa.Column("url", sa.String(500), primary_key=True),
        sa.Column("done_at", WHEN, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("resource_marks")
    op.drop_table("study_time")
    op.drop_table("task_submissions")
    op.drop_table("learner_cards")
    op.drop_table("assessments")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("fsrs_params")
        batch.drop_column("new_cards_per_day")
        batch.drop_column("desired_retention")
