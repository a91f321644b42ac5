"""Content as loaded from packs (rows kept when retired, every text revision kept), and the
sentence embeddings of its texts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from masterpath.store.models.base import Base


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


class EmbeddingRow(Base):
    """A sentence embedding, keyed by the model and a hash of the exact text: content reloads
    re-embed only what changed, and a new model never reads another model's vectors."""

    __tablename__ = "embeddings"

    model: Mapped[str] = mapped_column(String(80), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes]  # float32, little-endian
