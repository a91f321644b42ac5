"""one answer per item per check or diagnostic (a unique index); registrations counted

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

Before this revision two simultaneous answers to one check item could both be recorded. The
first record of each (check, item) pair keeps its place in the check; any later duplicate is
detached from the check (check_id set to NULL) so the index can be built. Nothing is deleted:
evidence is append-only. Login attempts get a kind, so registrations per address can be
limited from the same table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE evidence SET check_id = NULL WHERE check_id IS NOT NULL AND id NOT IN "
        "(SELECT MIN(id) FROM evidence WHERE check_id IS NOT NULL GROUP BY check_id, source_id)"
    )
    op.create_index("uq_evidence_check_item", "evidence", ["check_id", "source_id"], unique=True)
    with op.batch_alter_table("login_attempts") as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(10), nullable=False, server_default="login")
        )


def downgrade() -> None:
    with op.batch_alter_table("login_attempts") as batch_op:
        batch_op.drop_column("kind")
    op.drop_index("uq_evidence_check_item", table_name="evidence")
