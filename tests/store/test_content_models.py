"""Stored content read back as the typed content model, built once per text."""

from __future__ import annotations

from masterpath.domain.content import ItemId, ItemType
from masterpath.services import Context
from masterpath.store import content as content_store


def test_stored_items_and_cards_read_back_as_the_skills_own_values(ctx: Context) -> None:
    with ctx.db.begin() as tx:
        skills = content_store.skill_models(tx)
        assert skills
        for skill_id, skill in list(skills.items())[:10]:
            rows = content_store.live_items(tx, skill_id)
            built = [content_store.item_model(tx, row) for row in rows]
            assert [str(i.id) for i in built] == [row.id for row in rows]
            assert all(ItemId.parse(row.id) == i.id for row, i in zip(rows, built, strict=True))
            assert all(i.type == row.item_type for row, i in zip(rows, built, strict=True))
            assert sorted(built, key=lambda i: i.id) == sorted(skill.items, key=lambda i: i.id)
            stored = content_store.live_cards(tx, skill_id)
            cards = [content_store.card_model(tx, c) for c in stored]
            assert sorted(cards, key=lambda c: c.id) == sorted(skill.flashcards, key=lambda c: c.id)
        row = content_store.live_items(tx, next(iter(skills)))[0]
        assert content_store.item_model(tx, row) is content_store.item_model(tx, row)


def test_every_stored_item_type_is_an_item_type(ctx: Context) -> None:
    with ctx.db.begin() as tx:
        found = {i.type for s in content_store.skill_models(tx).values() for i in s.items}
    assert found <= set(ItemType) and ItemType.SINGLE_CHOICE in found
