"""What a learner works on: flashcards (the pack's and their own), tasks, study time, resource
marks, tracks, hints seen and mentor conversations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from masterpath.store.db import JsonType
from masterpath.store.models.base import Base


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
