"""outboxes for xAPI statements and mail, drain leases, install keys, the weekly digest opt-in

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

Deliveries leave through outbox tables so an LRS or SMTP server that is down loses nothing and
delays no answer. `outbox_leases` lets exactly one drainer run at a time on SQLite (PostgreSQL
locks the row with FOR UPDATE SKIP LOCKED). `install_keys` keeps the UUID namespace of xAPI
statement ids, shared by every worker. Users get the weekly-digest opt-in (off by default).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
WHEN = sa.DateTime(timezone=True)


def _delivery() -> list[sa.Column[object]]:  # fresh Column objects for each table
    return [
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", WHEN, nullable=False),
        sa.Column("sent_at", WHEN, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "xapi_outbox",
        sa.Column("evidence_id", sa.Integer(), sa.ForeignKey("evidence.id"), primary_key=True),
        *_delivery(),
    )
    op.create_index("ix_xapi_outbox_due", "xapi_outbox", ["sent_at", "next_attempt_at"])
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", JSON, nullable=False),
        *_delivery(),
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["sent_at", "next_attempt_at"])
    op.create_table(
        "outbox_leases",
        sa.Column("name", sa.String(20), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("expires_at", WHEN, nullable=True),
    )
    op.create_table(
        "install_keys",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    # ALTER TABLE … ADD COLUMN, not a batch copy of `users`: copying a table that other tables
    # reference fails its foreign keys on SQLite once the database holds learners
    op.add_column(
        "users", sa.Column("weekly_digest", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("users", sa.Column("digest_sent_at", WHEN, nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), not a batch copy of `users`: copying a table that
    # other tables reference fails its foreign keys once the database holds learners
    op.drop_column("users", "digest_sent_at")
    op.drop_column("users", "weekly_digest")
    op.drop_table("install_keys")
    op.drop_table("outbox_leases")
    op.drop_index("ix_mail_outbox_due", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    op.drop_index("ix_xapi_outbox_due", table_name="xapi_outbox")
    op.drop_table("xapi_outbox")
