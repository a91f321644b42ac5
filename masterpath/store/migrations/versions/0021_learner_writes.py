"""a learner's write count: the version an optimistic answer or review checks

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06

On PostgreSQL an answer or a card review reads the learner without a lock and writes in one
statement that first bumps `users.writes` from the value it read (`store/answers.py`). Every
locked write of a learner bumps it too (`store.accounts.lock_learner`), so a write computed
from a read that another writer overtook changes nothing and is run again under the lock.
SQLite serialises writers with its file lock and never reads it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("writes", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("users", "writes")
