"""pack language: the language a pack's text is written in (default en)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("packs") as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(16), nullable=False, server_default="en")
        )


def downgrade() -> None:
    with op.batch_alter_table("packs") as batch_op:
        batch_op.drop_column("language")
