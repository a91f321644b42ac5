"""Installed content: packs, careers, skills, items and cards, with their revisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from masterpath.domain.content import Card, Item, Skill
from masterpath.store.db import Tx
from masterpath.store.models import (
    CardRow,
    CareerRow,
    ItemRow,
    PackLoad,
    PackRow,
    Revision,
    SkillRow,
)

ROWS: dict[str, Any] = {
    "career": CareerRow,
    "skill": SkillRow,
    "item": ItemRow,
    "card": CardRow,
}


def pack(tx: Tx, pack_id: str) -> PackRow | None:
    return tx.session.get(PackRow, pack_id)


def packs(tx: Tx) -> list[PackRow]:
    return list(tx.session.scalars(select(PackRow).order_by(PackRow.id)))


def save_pack(
    tx: Tx,
    *,
    pack_id: str,
    version: str,
    title: str,
    description: str,
    language: str = "en",
    content_hash: str,
    now: datetime,
    summary: dict[str, Any],
) -> None:
    tx.memo.pop("content_key", None)
    row = tx.session.get(PackRow, pack_id)
    if row is None:
        row = PackRow(id=pack_id)
        tx.session.add(row)
    row.version, row.title, row.description = version, title, description
    row.language = language
    row.content_hash, row.loaded_at = content_hash, now
    tx.session.flush()
    tx.session.add(
        PackLoad(
            pack_id=pack_id,
            version=version,
            content_hash=content_hash,
            loaded_at=now,
            summary=summary,
        )
    )


def keys(tx: Tx, kind: str, *, pack_id: str | None = None, live: bool = True) -> set[str]:
    """Ids of the rows of one kind (careers by slug), optionally of one pack's skills."""
    model = ROWS[kind]
    key = model.slug if model is CareerRow else model.id
    query = select(key)
    if live:
        query = query.where(model.retired_at.is_(None))
    if pack_id is not None and model in (CareerRow, SkillRow):
        query = query.where(model.pack_id == pack_id)
    elif pack_id is not None:
        owned = select(SkillRow.id).where(SkillRow.pack_id == pack_id)
        query = query.where(model.skill_id.in_(owned))
    return set(tx.session.scalars(query))


def upsert(tx: Tx, kind: str, key: str, values: dict[str, Any]) -> None:
    """Insert or update one content row, un-retiring it if it comes back."""
    model = ROWS[kind]
    row = tx.session.get(model, key)
    if row is None:
        tx.session.add(model(**{("slug" if model is CareerRow else "id"): key}, **values))
        return
    for name, value in values.items():
        setattr(row, name, value)
    row.retired_at = None


def retire(tx: Tx, kind: str, key: str, *, now: datetime) -> None:
    row = tx.session.get(ROWS[kind], key)
    if row is not None and row.retired_at is None:
        row.retired_at = now


def add_revision(
    tx: Tx,
    *,
    kind: str,
    ref: str,
    pack_version: str,
    content_hash: str,
    data: dict[str, Any],
    now: datetime,
) -> bool:
    """Keep this text of an item or card unless it is already kept. True when new."""
    exists = tx.session.scalar(
        select(Revision.id).where(
            Revision.kind == kind, Revision.ref == ref, Revision.content_hash == content_hash
        )
    )
    if exists is not None:
        return False
    tx.session.add(
        Revision(
            kind=kind,
            ref=ref,
            pack_version=pack_version,
            content_hash=content_hash,
            data=data,
            created_at=now,
        )
    )
    return True


def careers(tx: Tx, *, pack_id: str | None = None) -> list[CareerRow]:
    query = select(CareerRow).where(CareerRow.retired_at.is_(None)).order_by(CareerRow.title)
    if pack_id is not None:
        query = query.where(CareerRow.pack_id == pack_id)
    return list(tx.session.scalars(query))


@dataclass(frozen=True)
class LiveCareer:
    """A live career as read paths use it, kept between units of work (not a session's row)."""

    slug: str
    pack_id: str
    title: str
    data: dict[str, Any]


def live_career(tx: Tx, slug: str) -> LiveCareer | None:
    """`career(tx, slug)` from the values read once per installed content."""
    return live_careers(tx).get(slug)


def live_careers(tx: Tx) -> dict[str, LiveCareer]:
    """Every live career by slug, in title order, read once per installed content."""
    found: dict[str, LiveCareer] = tx.cache.latest(
        "live_careers",
        content_key(tx),
        lambda: {
            row.slug: LiveCareer(row.slug, row.pack_id, row.title, row.data) for row in careers(tx)
        },
    )
    return found


def career_languages(tx: Tx) -> list[str]:
    """The languages the installed careers are written in (their packs' `language`)."""
    query = (
        select(PackRow.language)
        .join(CareerRow, CareerRow.pack_id == PackRow.id)
        .where(CareerRow.retired_at.is_(None))
        .distinct()
    )
    return sorted(str(lang) for lang in tx.session.scalars(query))


def career(tx: Tx, slug: str) -> CareerRow | None:
    row = tx.session.get(CareerRow, slug)
    return row if row is not None and row.retired_at is None else None


def skills(tx: Tx, ids: list[str] | None = None, *, pack_id: str | None = None) -> list[SkillRow]:
    query = select(SkillRow).where(SkillRow.retired_at.is_(None)).order_by(SkillRow.id)
    if ids is not None:
        query = query.where(SkillRow.id.in_(ids))
    if pack_id is not None:
        query = query.where(SkillRow.pack_id == pack_id)
    return list(tx.session.scalars(query))


def content_key(tx: Tx) -> tuple[tuple[str, str], ...]:
    """Every installed pack and its content hash: changes whenever content does."""
    if "content_key" not in tx.memo:
        query = select(PackRow.id, PackRow.content_hash).order_by(PackRow.id)
        tx.memo["content_key"] = tuple((str(a), str(b)) for a, b in tx.session.execute(query))
    key: tuple[tuple[str, str], ...] = tx.memo["content_key"]
    return key


def stamp_column() -> Any:
    """`content_key` as one text column, to read with other things in one statement."""
    pairs = PackRow.id + "=" + PackRow.content_hash
    return select(func.aggregate_strings(pairs, ",")).scalar_subquery()


def remember_stamp(tx: Tx, stamp: str | None) -> None:
    """Keep `content_key` for this unit of work from a `stamp_column` value."""
    pairs = (tuple(p.split("=", 1)) for p in stamp.split(",")) if stamp else ()
    tx.memo["content_key"] = tuple(sorted((str(a), str(b)) for a, b in pairs))


def skill_models(tx: Tx, ids: list[str] | None = None) -> dict[str, Skill]:
    """Live skills as content-model values by id, built once per installed content.

    Keyed by every pack's content hash, so installing or upgrading a pack is seen at once.
    """
    found: dict[str, Skill] = tx.cache.latest(
        "skill_models",
        content_key(tx),
        lambda: {row.id: Skill.from_data(row.data) for row in skills(tx)},
    )
    return found if ids is None else {i: found[i] for i in ids if i in found}


def item_model(tx: Tx, row: ItemRow) -> Item:
    """The item of a row (live or retired) as a content-model value, built once per text."""
    kept: dict[tuple[str, str], Item] = tx.cache.kept("item_models")
    key = (row.id, row.content_hash)
    if key not in kept:
        kept[key] = Item.from_data(row.data, skill=row.skill_id)
    return kept[key]


def card_model(tx: Tx, row: CardRow) -> Card:
    """The flashcard of a row as a content-model value, built once per text."""
    kept: dict[tuple[str, str], Card] = tx.cache.kept("card_models")
    key = (row.id, row.content_hash)
    if key not in kept:
        kept[key] = Card.from_data(row.data, skill=row.skill_id)
    return kept[key]


def items(tx: Tx, skill_id: str) -> list[Item]:
    """A skill's live items as content-model values, in id order."""
    return [item_model(tx, row) for row in live_items(tx, skill_id)]


def live_item(tx: Tx, item_id: str) -> Item | None:
    """A live item by id, from the models built once per installed content."""
    found: dict[str, Item] = tx.cache.latest(
        "live_items",
        content_key(tx),
        lambda: {
            row.id: item_model(tx, row)
            for row in tx.session.scalars(select(ItemRow).where(ItemRow.retired_at.is_(None)))
        },
    )
    return found.get(item_id)


def live_bank(tx: Tx, skill_id: str) -> list[Item]:
    """`items(tx, skill_id)` from the models built once per installed content."""

    def read() -> dict[str, list[Item]]:  # the statement is built only when the cache is stale
        query = select(ItemRow).where(ItemRow.retired_at.is_(None))
        banks: dict[str, list[Item]] = {}
        for row in tx.session.scalars(query.order_by(ItemRow.skill_id, ItemRow.id)):
            banks.setdefault(row.skill_id, []).append(item_model(tx, row))
        return banks

    found: dict[str, list[Item]] = tx.cache.latest("live_banks", content_key(tx), read)
    return list(found.get(skill_id, ()))


def any_item(tx: Tx, item_id: str) -> Item | None:
    """An item by id, live or retired, from the models built once per installed content."""
    found: dict[str, Item] = tx.cache.latest(
        "any_items",
        content_key(tx),
        lambda: {row.id: item_model(tx, row) for row in tx.session.scalars(select(ItemRow))},
    )
    return found.get(item_id)


def _cards(tx: Tx, *, live: bool) -> dict[str, Card]:
    """The flashcards (live ones only, or all) as models built once per installed content."""

    def read() -> dict[str, Card]:  # the statement is built only when the cache is stale
        query = select(CardRow).where(CardRow.retired_at.is_(None)) if live else select(CardRow)
        return {row.id: card_model(tx, row) for row in tx.session.scalars(query)}

    found: dict[str, Card] = tx.cache.latest(
        "live_cards" if live else "any_cards", content_key(tx), read
    )
    return found


def live_card(tx: Tx, card_id: str) -> Card | None:
    """A live flashcard by id."""
    return _cards(tx, live=True).get(card_id)


def any_card(tx: Tx, card_id: str) -> Card | None:
    """A flashcard by id, live or retired."""
    return _cards(tx, live=False).get(card_id)


def live_deck(tx: Tx, skill_id: str) -> list[str]:
    """The ids of a skill's live flashcards in id order (`live_cards`), read once per installed
    content."""

    def read() -> dict[str, list[str]]:  # the statement is built only when the cache is stale
        query = select(CardRow.skill_id, CardRow.id).where(CardRow.retired_at.is_(None))
        decks: dict[str, list[str]] = {}
        for skill, card in tx.session.execute(query.order_by(CardRow.skill_id, CardRow.id)):
            decks.setdefault(skill, []).append(card)
        return decks

    found: dict[str, list[str]] = tx.cache.latest("live_decks", content_key(tx), read)
    return list(found.get(skill_id, ()))


def pack_versions(tx: Tx) -> dict[str, str]:
    """The installed pack version of every skill, by skill id."""

    def read() -> dict[str, str]:  # the statement is built only when the cache is stale
        query = select(SkillRow.id, PackRow.version).join(PackRow, SkillRow.pack_id == PackRow.id)
        return {str(a): str(b) for a, b in tx.session.execute(query)}

    found: dict[str, str] = tx.cache.latest("pack_versions", content_key(tx), read)
    return found


def warm(tx: Tx) -> None:
    """Build the content models the study requests read (skills, items, flashcards, decks, pack
    versions), so that no learner's first answer or review after start-up pays for it."""
    skill_models(tx)
    live_item(tx, "")
    live_card(tx, "")
    live_deck(tx, "")
    pack_versions(tx)


def live_items(tx: Tx, skill_id: str) -> list[ItemRow]:
    query = select(ItemRow).where(ItemRow.skill_id == skill_id, ItemRow.retired_at.is_(None))
    return list(tx.session.scalars(query.order_by(ItemRow.id)))


def item(tx: Tx, item_id: str) -> ItemRow | None:
    return tx.session.get(ItemRow, item_id)


def live_items_named(tx: Tx, short_id: str) -> list[ItemRow]:
    """Live items whose id within their skill is `short_id` (item ids are `skill:item`)."""
    query = select(ItemRow).where(
        ItemRow.id.endswith(f":{short_id}", autoescape=True), ItemRow.retired_at.is_(None)
    )
    return list(tx.session.scalars(query.order_by(ItemRow.id)))


def count(tx: Tx, kind: str) -> int:
    model = ROWS[kind]
    query = select(func.count()).select_from(model).where(model.retired_at.is_(None))
    return tx.session.scalar(query) or 0


def revisions(tx: Tx, kind: str, ref: str) -> list[Revision]:
    query = select(Revision).where(Revision.kind == kind, Revision.ref == ref)
    return list(tx.session.scalars(query.order_by(Revision.id)))


def flush(tx: Tx) -> None:
    tx.session.flush()


def card(tx: Tx, card_id: str) -> CardRow | None:
    return tx.session.get(CardRow, card_id)


def live_cards(tx: Tx, skill_id: str) -> list[CardRow]:
    query = select(CardRow).where(CardRow.skill_id == skill_id, CardRow.retired_at.is_(None))
    return list(tx.session.scalars(query.order_by(CardRow.id)))
