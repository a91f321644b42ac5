"""dashboard indexes: evidence by learner and time (the log's order and date filters, the
heatmap) and by learner and mode (checks and tasks behind every verdict); study time covering
the seconds summed per day and per skill

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_evidence_user_answered", "evidence", ["user_id", "answered_at"])
    op.create_index("ix_evidence_user_mode", "evidence", ["user_id", "mode", "skill_id"])
    op.drop_index("ix_study_time_user", table_name="study_time")
    op.create_index("ix_study_time_user", "study_time", ["user_id", "recorded_at", "seconds"])
    op.create_index("ix_study_time_user_skill", "study_time", ["user_id", "skill_id", "seconds"])


def downgrade() -> None:
    op.drop_index("ix_study_time_user_skill", table_name="study_time")
    op.drop_index("ix_study_time_user", table_name="study_time")
    op.create_index("ix_study_time_user", "study_time", ["user_id", "recorded_at"])
    op.drop_index("ix_evidence_user_mode", table_name="evidence")
    op.drop_index("ix_evidence_user_answered", table_name="evidence")
