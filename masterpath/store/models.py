"""Tables. Content rows are kept when retired; history is never rewritten."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from masterpath.store.db import JsonType, UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JsonType}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="learner")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime]


class LoginSession(Base):
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    succeeded: Mapped[bool]


class ResetToken(Base):
    __tablename__ = "reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PackRow(Base):
    __tablename__ = "packs"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime]


class PackLoad(Base):
    """Every load of a pack, kept: which version arrived when, and what it changed."""

    __tablename__ = "pack_loads"

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime]
    summary: Mapped[dict[str, Any]]


class CareerRow(Base):
    __tablename__ = "careers"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id"))
    title: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]]
    retired_at: Mapped[datetime | None]


class SkillRow(Base):
    __tablename__ = "skills"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id"))
    title: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]]
    retired_at: Mapped[datetime | None]


class ItemRow(Base):
    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(130), primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"), index=True)
    item_type: Mapped[str] = mapped_column(String(20))
    assessment_only: Mapped[bool]
    data: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[datetime | None]


class CardRow(Base):
    __tablename__ = "flashcards"

    id: Mapped[str] = mapped_column(String(130), primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"), index=True)
    data: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[datetime | None]


class Revision(Base):
    """Each distinct text of an item or card, with the pack version that brought it."""

    __tablename__ = "content_revisions"
    __table_args__ = (UniqueConstraint("kind", "ref", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref: Mapped[str] = mapped_column(String(130))
    pack_version: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class Evidence(Base):
    """One graded (or self-reported) learner action. Append-only: never updated or deleted."""

    __tablename__ = "evidence"
    __table_args__ = (
        UniqueConstraint("user_id", "submission_id"),
        Index("ix_evidence_user_skill", "user_id", "skill_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"))
    also_skills: Mapped[list[str]] = mapped_column(JsonType, default=list)
    source_kind: Mapped[str] = mapped_column(String(10))
    source_id: Mapped[str] = mapped_column(String(130))
    pack_version: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(20))
    score: Mapped[float]
    grader: Mapped[str] = mapped_column(String(12))
    hints_used: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[float | None]
    answered_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    submission_id: Mapped[str | None] = mapped_column(String(64))
    check_id: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class LearnerState(Base):
    """Running knowledge-tracing counters of one learner (derived from evidence)."""

    __tablename__ = "learner_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    counters: Mapped[dict[str, Any]] = mapped_column(JsonType)
    skill_ids: Mapped[list[str]] = mapped_column(JsonType, default=list)  # last skill answered
    updated_at: Mapped[datetime]


class SkillState(Base):
    """Per learner x skill: counters and the dates the mastery rules depend on."""

    __tablename__ = "skill_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    counters: Mapped[dict[str, Any]] = mapped_column(JsonType)
    graded_attempts: Mapped[int] = mapped_column(default=0)
    last_graded_at: Mapped[datetime | None]
    ready_at: Mapped[datetime | None]
    mastered_at: Mapped[datetime | None]
    retention_passed_at: Mapped[datetime | None]
    retention_checks_passed: Mapped[int] = mapped_column(default=0)
    placed_at: Mapped[datetime | None]
    placement_failed: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]


class KtParams(Base):
    """Fitted knowledge-tracing parameters; the newest row is used."""

    __tablename__ = "kt_params"

    id: Mapped[int] = mapped_column(primary_key=True)
    fitted_at: Mapped[datetime]
    answers: Mapped[int]
    params: Mapped[dict[str, Any]] = mapped_column(JsonType)
