"""The learning record: evidence (append-only), the counters and mastery states derived from
it, fitted parameters, checks, and the ledger of what no longer counts (voids, reopened
masteries, redactions, item reports)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from masterpath.store.db import JsonType
from masterpath.store.models.base import Base


class Evidence(Base):
    """One graded (or self-reported) learner action. Append-only: never updated or deleted."""

    __tablename__ = "evidence"
    __table_args__ = (
        UniqueConstraint("user_id", "submission_id"),
        Index("uq_evidence_check_item", "check_id", "source_id", unique=True),  # one per check item
        Index("ix_evidence_user_skill", "user_id", "skill_id", "id"),
        Index("ix_evidence_user_answered", "user_id", "answered_at"),
        Index("ix_evidence_user_mode", "user_id", "mode", "skill_id"),
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
    reopened_at: Mapped[datetime | None]  # mastery voided away (0018): unlocks stay open


class KtParams(Base):
    """Fitted knowledge-tracing parameters; the newest row is used."""

    __tablename__ = "kt_params"

    id: Mapped[int] = mapped_column(primary_key=True)
    fitted_at: Mapped[datetime]
    answers: Mapped[int]
    params: Mapped[dict[str, Any]] = mapped_column(JsonType)


class Assessment(Base):
    """One mastery or retention check: the items drawn, and the result once finished."""

    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_user_skill", "user_id", "skill_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"))
    kind: Mapped[str] = mapped_column(String(20))
    items: Mapped[list[str]] = mapped_column(JsonType)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    correct: Mapped[int | None]
    passed: Mapped[bool | None]


class EvidenceVoid(Base):
    """A ledger record that one evidence record no longer counts (graded against a wrong key).

    The evidence row itself is never changed; every reader that counts toward mastery skips the
    ids listed here. One void per evidence record (the primary key)."""

    __tablename__ = "evidence_voids"
    __table_args__ = (Index("ix_evidence_voids_user", "user_id", "skill_id"),)

    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    skill_id: Mapped[str] = mapped_column(String(80))
    item_id: Mapped[str] = mapped_column(String(130))
    reason: Mapped[str] = mapped_column(Text)
    voided_at: Mapped[datetime]
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class MasteryReopening(Base):
    """A mastery that stopped holding once evidence was voided: shown to the learner."""

    __tablename__ = "mastery_reopenings"
    __table_args__ = (Index("ix_mastery_reopenings_user", "user_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    skill_id: Mapped[str] = mapped_column(String(80))
    item_id: Mapped[str] = mapped_column(String(130))
    reason: Mapped[str] = mapped_column(Text)
    reopened_at: Mapped[datetime]


class EvidenceRedaction(Base):
    """A record that one evidence record's `detail` (the free text a deleted learner typed) was
    replaced by `{"redacted": true}`: the only update the evidence triggers allow (0020)."""

    __tablename__ = "evidence_redactions"
    __table_args__ = (Index("ix_evidence_redactions_user", "user_id"),)

    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    redacted_at: Mapped[datetime]


class ItemReport(Base):
    """A learner's report of a problem with an item they answered (key, wording, outdated...)."""

    __tablename__ = "item_reports"
    __table_args__ = (
        Index("ix_item_reports_item", "item_id", "resolved_at"),
        Index("ix_item_reports_user", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    item_id: Mapped[str] = mapped_column(String(130))
    kind: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
