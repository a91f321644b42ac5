"""badges: Open Badges 3.0 awards for mastered skills and career paths

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

One row per learner and mastered skill or career path, with an unguessable public id (the
badge's public page) and the signed credential once it is made. Skills mastered before this
revision get their award, dated when they were mastered, and so do career paths whose every
skill was (dated by the last of them).
"""

import json
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
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
    _backfill(op.get_bind())


AWARD = sa.text(
    "INSERT INTO badges (public_id, user_id, kind, subject_id, awarded_at) "
    "SELECT :public_id, :user_id, :kind, :subject_id, MAX(mastered_at) FROM skill_states "
    "WHERE user_id = :user_id AND skill_id IN :skills"
).bindparams(sa.bindparam("skills", expanding=True))


def _backfill(connection: sa.Connection) -> None:
    """Awards for mastery reached before badges existed (dates copied as stored)."""
    rows = connection.execute(
        sa.text("SELECT user_id, skill_id FROM skill_states WHERE mastered_at IS NOT NULL")
    ).all()
    mastered: dict[int, set[str]] = {}
    for user_id, skill_id in rows:
        mastered.setdefault(user_id, set()).add(skill_id)
        _award(connection, user_id, "skill", skill_id, [skill_id])
    careers = connection.execute(
        sa.text("SELECT slug, data FROM careers WHERE retired_at IS NULL")
    ).all()
    for slug, data in careers:
        found = json.loads(data) if isinstance(data, str) else data
        skills = [s for stage in found.get("stages", []) for s in stage.get("skills", [])]
        for user_id, done in mastered.items():
            if skills and set(skills) <= done:
                _award(connection, user_id, "career", slug, skills)


def _award(
    connection: sa.Connection, user_id: int, kind: str, subject_id: str, skills: list[str]
) -> None:
    values = {"user_id": user_id, "kind": kind, "subject_id": subject_id, "skills": skills}
    connection.execute(AWARD, {**values, "public_id": secrets.token_urlsafe(24)})


def downgrade() -> None:
    op.drop_table("badges")
