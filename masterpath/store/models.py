"""Tables. Content rows are kept when retired; history is never rewritten."""

from __future__ import annotations

import typing
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy import text as sql
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
    desired_retention: Mapped[float] = mapped_column(default=0.9, server_default="0.9")
    new_cards_per_day: Mapped[int] = mapped_column(default=20, server_default="20")
    fsrs_params: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    weekly_digest: Mapped[bool] = mapped_column(default=False, server_default=sql("false"))
    digest_sent_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]  # the account was deleted: this row is a pseudonym (0020)


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
    kind: Mapped[str] = mapped_column(String(10), default="login", server_default="login")


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
    language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
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


class LearnerCard(Base):
    """A flashcard a learner has started: its FSRS state and when it is due."""

    __tablename__ = "learner_cards"
    __table_args__ = (Index("ix_learner_cards_due", "user_id", "due"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    card_id: Mapped[str] = mapped_column(ForeignKey("flashcards.id"), primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"))
    state: Mapped[dict[str, Any]] = mapped_column(JsonType)
    due: Mapped[datetime]
    reviews: Mapped[int] = mapped_column(default=0)
    introduced_at: Mapped[datetime]


class PersonalCard(Base):
    """A learner's own flashcard (imported from Anki): scheduled by FSRS, never evidence."""

    __tablename__ = "personal_cards"
    __table_args__ = (
        Index("ix_personal_cards_due", "user_id", "due"),
        UniqueConstraint("user_id", "source", name="uq_personal_cards_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    deck: Mapped[str] = mapped_column(String(200))
    front: Mapped[str] = mapped_column(Text)  # sanitised HTML
    back: Mapped[str] = mapped_column(Text)  # sanitised HTML
    source: Mapped[str] = mapped_column(String(120))  # where it came from: "anki:<note guid>/<ord>"
    state: Mapped[dict[str, Any]] = mapped_column(JsonType)
    due: Mapped[datetime]
    reviews: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime]


class PersonalReview(Base):
    """One rating of a personal card (imported from Anki's review log or given here)."""

    __tablename__ = "personal_reviews"
    __table_args__ = (
        Index("ix_personal_reviews_card", "card_id"),
        UniqueConstraint("card_id", "submission_id", name="uq_personal_reviews_submission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("personal_cards.id"))
    rating: Mapped[int]
    reviewed_at: Mapped[datetime]
    seconds: Mapped[float | None]
    submission_id: Mapped[str | None] = mapped_column(String(64))  # a repeated rating: once


class TaskSubmission(Base):
    """An applied task handed in, with the learner's self-assessment and the graded score."""

    __tablename__ = "task_submissions"
    __table_args__ = (
        UniqueConstraint("user_id", "submission_id"),
        Index("ix_task_submissions_user", "user_id", "skill_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500))
    self_score: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(10))  # pending or graded
    score: Mapped[float | None]
    grader: Mapped[str | None] = mapped_column(String(12))
    detail: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    submitted_at: Mapped[datetime]
    graded_at: Mapped[datetime | None]
    submission_id: Mapped[str | None] = mapped_column(String(64))


class StudyTime(Base):
    """Seconds of active study: an item, a card, a task, or a visible lesson page."""

    __tablename__ = "study_time"
    __table_args__ = (
        Index("ix_study_time_user", "user_id", "recorded_at", "seconds"),
        Index("ix_study_time_user_skill", "user_id", "skill_id", "seconds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    skill_id: Mapped[str | None] = mapped_column(ForeignKey("skills.id"))
    kind: Mapped[str] = mapped_column(String(10))
    seconds: Mapped[float]
    recorded_at: Mapped[datetime]


class ResourceMark(Base):
    """A learner's "done" mark on a resource: a note to self, never evidence."""

    __tablename__ = "resource_marks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    url: Mapped[str] = mapped_column(String(500), primary_key=True)
    done_at: Mapped[datetime]


class Track(Base):
    """A learner's goal, matched to a career, with the plan order last shown (for changes)."""

    __tablename__ = "tracks"
    __table_args__ = (Index("ix_tracks_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    career_slug: Mapped[str] = mapped_column(ForeignKey("careers.slug"))
    goal: Mapped[str] = mapped_column(Text)
    background: Mapped[str] = mapped_column(Text)
    known: Mapped[list[str]] = mapped_column(JsonType)
    pinned: Mapped[list[str]] = mapped_column(JsonType)
    hours_per_week: Mapped[float]
    target_date: Mapped[date | None]
    plan_order: Mapped[list[str]] = mapped_column(JsonType)
    changes: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    diagnostic_id: Mapped[int | None]


class HintReveal(Base):
    """A hint a learner has seen: what an answer's hint count is checked against."""

    __tablename__ = "hint_reveals"
    __table_args__ = (Index("ix_hint_reveals_user_item", "user_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    item_id: Mapped[str] = mapped_column(String(130))
    number: Mapped[int]
    revealed_at: Mapped[datetime]


class MentorMessage(Base):
    """One turn of a learner's conversation with the mentor about a skill."""

    __tablename__ = "mentor_messages"
    __table_args__ = (Index("ix_mentor_messages_user_skill", "user_id", "skill_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"))
    role: Mapped[str] = mapped_column(String(10))  # learner or mentor
    mode: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[dict[str, str]]] = mapped_column(JsonType)
    provider: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]


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


class EmbeddingRow(Base):
    """A sentence embedding, keyed by the model and a hash of the exact text: content reloads
    re-embed only what changed, and a new model never reads another model's vectors."""

    __tablename__ = "embeddings"

    model: Mapped[str] = mapped_column(String(80), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes]  # float32, little-endian


class XapiOutbox(Base):
    """Delivery of one evidence record's statements to the LRS: kept once sent, as a log."""

    __tablename__ = "xapi_outbox"
    __table_args__ = (Index("ix_xapi_outbox_due", "sent_at", "next_attempt_at"),)

    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), primary_key=True)
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")


class MailOutbox(Base):
    """One message waiting for (or past) the SMTP server."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")


class OutboxLease(Base):
    """Who drains an outbox now (SQLite; PostgreSQL locks the row instead)."""

    __tablename__ = "outbox_leases"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64), default="")
    expires_at: Mapped[datetime | None]


class InstallKey(Base):
    """Values fixed once per install and shared by every worker (the xAPI id namespace)."""

    __tablename__ = "install_keys"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


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


class SsoIdentity(Base):
    """An OpenID Connect subject linked to an account at its first sign-in (by verified email);
    later sign-ins find the account by the subject, whatever the email says then."""

    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_sso_identities_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime]


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


class XapiVoid(Base):
    """Delivery of the voiding statements of one evidence record's statements (a deleted
    learner's, already sent to the LRS): drained with the xAPI outbox, kept once sent."""

    __tablename__ = "xapi_voids"
    __table_args__ = (Index("ix_xapi_voids_due", "sent_at", "next_attempt_at"),)

    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), primary_key=True)
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")


def table_of(model: Any) -> Table:
    """A model's table, for Core statements built once (the hot paths')."""
    return typing.cast(Table, model.__table__)
