"""Progress shown to others: cohorts an instructor teaches, and Open Badges awards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, mapped_column

from masterpath.store.models.base import Base


class Cohort(Base):
    """A group an instructor teaches. The invite code is kept readable: it only lets a learner
    in (sharing their own progress with the instructor), never read anything."""

    __tablename__ = "cohorts"
    __table_args__ = (Index("ix_cohorts_instructor", "instructor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(100))
    invite_code: Mapped[str] = mapped_column(String(16), unique=True)
    code_expires_at: Mapped[datetime]
    created_at: Mapped[datetime]


class Membership(Base):
    """A learner's time in a cohort. Leaving sets `left_at`; rejoining adds a new row."""

    __tablename__ = "cohort_members"
    __table_args__ = (
        Index(
            "ux_cohort_members_current",
            "cohort_id",
            "learner_id",
            unique=True,
            sqlite_where=sql("left_at IS NULL"),
            postgresql_where=sql("left_at IS NULL"),
        ),
        Index("ix_cohort_members_learner", "learner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]


class Badge(Base):
    """An Open Badges 3.0 award: recorded when a skill (or a whole career path) is mastered;
    the signed credential is kept once made, so every download is the same bytes."""

    __tablename__ = "badges"
    __table_args__ = (UniqueConstraint("user_id", "kind", "subject_id", name="uq_badges_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(64), unique=True)  # the unguessable page URL
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # skill, career
    subject_id: Mapped[str] = mapped_column(String(80))  # skill id or career slug
    awarded_at: Mapped[datetime]
    credential: Mapped[str | None] = mapped_column(Text)  # the signed JSON, once made
    revoked_at: Mapped[datetime | None]  # set in the status list; the public page is gone (0020)
