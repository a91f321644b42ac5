"""Reading .apkg files defensively: corrupt archives, zip bombs, too many notes, text that is
not UTF-8 — each a clear error naming the file and the part, and nothing imported."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from masterpath.errors import InvalidInput, NotFound
from masterpath.interop import anki
from masterpath.services import Context, accounts, cards
from masterpath.services import anki as anki_service
from masterpath.store import accounts as account_store
from masterpath.store import personal as personal_store


def _collection(path: Path, notes: list[tuple[int, bytes]], reviews: int = 0) -> Path:
    """A legacy (schema 11) collection: the tables the reader reads, nothing else."""
    db = sqlite3.connect(path)
    db.executescript(
        "create table col (decks text);"
        "create table notes (id integer primary key, guid text, flds text);"
        "create table cards (id integer primary key, nid integer, did integer, ord integer);"
        "create table revlog (id integer primary key, cid integer, ease integer, time integer,"
        " type integer);"
    )
    db.execute("insert into col values (?)", (json.dumps({"1": {"name": "Default"}}),))
    db.executemany("insert into notes values (?, ?, ?)", [(n, f"g{n}", f) for n, f in notes])
    db.executemany("insert into cards values (?, ?, 1, 0)", [(n, n) for n, _ in notes])
    db.executemany(
        "insert into revlog values (?, ?, 3, 5000, 1)",
        [(1_700_000_000_000 + day * 86_400_000, notes[0][0]) for day in range(reviews)],
    )
    db.commit()
    db.close()
    return path


def _package(path: Path, collection: Path, *, media: int = 0) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(collection, "collection.anki2")
        archive.writestr("media", json.dumps({str(n): f"{n}.png" for n in range(media)}))
        for n in range(media):
            archive.writestr(str(n), b"png")
    return path


def test_a_legacy_package_reads_notes_decks_reviews_and_counts_media(tmp_path: Path) -> None:
    notes = [(1, b"front\x1fback"), (2, b"solo")]
    package = _package(tmp_path / "ok.apkg", _collection(tmp_path / "c", notes, 2), media=2)
    found = anki.read_package(package)
    assert (found.notes, found.media_skipped) == (2, 2)
    assert [(c.source, c.deck, c.front, c.back) for c in found.cards] == [
        ("anki:g1/0", "Default", "front", "back"),
        ("anki:g2/0", "Default", "solo", ""),
    ]
    assert [r.rating for r in found.cards[0].reviews] == [3, 3]
    assert found.cards[0].reviews[0].seconds == 5.0


def test_a_corrupt_package_is_refused_by_name(tmp_path: Path) -> None:
    junk = tmp_path / "junk.apkg"
    junk.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(InvalidInput, match=r"junk\.apkg: not an Anki package"):
        anki.read_package(junk)
    empty = tmp_path / "empty.apkg"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InvalidInput, match=r"empty\.apkg: holds no collection"):
        anki.read_package(empty)
    not_db = tmp_path / "notdb.apkg"
    with zipfile.ZipFile(not_db, "w") as archive:
        archive.writestr("collection.anki2", b"this is not sqlite" * 100)
    with pytest.raises(InvalidInput, match=r"collection\.anki2 is not a readable Anki collection"):
        anki.read_package(not_db)


def test_a_zip_bomb_stops_at_the_cap(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.apkg"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", b"\0" * (3 * 1024 * 1024))
    assert bomb.stat().st_size < 10_000
    with pytest.raises(InvalidInput, match=r"bomb\.apkg: collection\.anki2 inflates past 1 MiB"):
        anki.read_package(bomb, max_bytes=1024 * 1024)


def test_more_than_ten_thousand_notes_are_refused(tmp_path: Path) -> None:
    notes = [(n, b"q\x1fa") for n in range(1, anki.MAX_NOTES + 2)]
    package = _package(tmp_path / "big.apkg", _collection(tmp_path / "c", notes))
    with pytest.raises(InvalidInput, match=r"big\.apkg: 10001 notes; an import takes at most"):
        anki.read_package(package)


def test_text_that_is_not_utf8_names_the_note(tmp_path: Path) -> None:
    notes = [(1, b"fine\x1fok"), (7, b"caf\xe9\x1fbad")]
    package = _package(tmp_path / "latin.apkg", _collection(tmp_path / "c", notes))
    with pytest.raises(InvalidInput) as caught:
        anki.read_package(package)
    assert "latin.apkg: text is not UTF-8" in caught.value.message
    assert str(caught.value.problems[0]) == "latin.apkg note 7: text is not UTF-8 (byte 3)"


def test_a_bad_package_imports_nothing(ctx: Context, tmp_path: Path) -> None:
    user = accounts.register(ctx, email="ada@example.com", password="correct horse b").id
    notes = [(1, b"fine\x1fok"), (2, b"caf\xe9")]
    package = _package(tmp_path / "half.apkg", _collection(tmp_path / "c", notes))
    with pytest.raises(InvalidInput):
        anki_service.import_package(ctx, user_id=user, path=package)
    good = _package(tmp_path / "good.apkg", _collection(tmp_path / "d", notes[:1], 1))
    found = anki_service.import_package(ctx, user_id=user, path=good)
    assert (found.cards, found.reviews) == (1, 1)
    with ctx.db.begin() as tx:
        assert personal_store.count(tx, user_id=user) == 1


def test_importing_the_same_deck_twice_adds_nothing_new(ctx: Context, tmp_path: Path) -> None:
    user = accounts.register(ctx, email="ada@example.com", password="correct horse b").id
    deck = _package(tmp_path / "deck.apkg", _collection(tmp_path / "c", [(1, b"q\x1fa")], 2))
    first = anki_service.import_package(ctx, user_id=user, path=deck)
    again = anki_service.import_package(ctx, user_id=user, path=deck)
    assert (first.cards, first.already, again.cards, again.already) == (1, 0, 0, 1)
    with ctx.db.begin() as tx:
        assert personal_store.count(tx, user_id=user) == 1


def test_a_repeated_rating_of_a_personal_card_counts_once(ctx: Context, tmp_path: Path) -> None:
    user = accounts.register(ctx, email="ada@example.com", password="correct horse b").id
    deck = _package(tmp_path / "deck.apkg", _collection(tmp_path / "c", [(1, b"q\x1fa")]))
    anki_service.import_package(ctx, user_id=user, path=deck)
    (card,) = [c for c in cards.queue(ctx, user_id=user).cards if c.personal]
    first = cards.rate(ctx, user_id=user, card_id=card.id, rating=3, submission_id="s-1")
    again = cards.rate(ctx, user_id=user, card_id=card.id, rating=1, submission_id="s-1")
    assert again.due == first.due
    with ctx.db.begin() as tx:
        assert len(personal_store.reviews(tx, card_id=int(card.id.removeprefix("personal-")))) == 1
    with pytest.raises(NotFound):
        cards.rate(ctx, user_id=user, card_id="personal-999", rating=3)


def test_forgetting_a_throwaway_learner_takes_their_personal_cards(
    ctx: Context, tmp_path: Path
) -> None:
    with ctx.db.begin() as tx:
        user = account_store.add_user(
            tx,
            email="newcomer-1@masterpath.invalid",
            display_name="",
            password_hash="!",
            role="learner",
            timezone="UTC",
            now=ctx.clock.now(),
        ).id
    deck = _package(tmp_path / "deck.apkg", _collection(tmp_path / "c", [(1, b"q\x1fa")], 2))
    anki_service.import_package(ctx, user_id=user, path=deck)
    with ctx.db.begin() as tx:
        account_store.forget(tx, user)
    with ctx.db.begin() as tx:
        assert personal_store.count(tx, user_id=user) == 0


def test_never_reviewed_imports_come_in_under_the_daily_new_card_limit(
    ctx: Context, tmp_path: Path
) -> None:
    user = accounts.register(ctx, email="ada@example.com", password="correct horse b").id
    cards.set_preferences(ctx, user_id=user, desired_retention=0.9, new_cards_per_day=2)
    notes = [(n, f"q{n}\x1fa{n}".encode()) for n in range(1, 5)]
    deck = _package(tmp_path / "deck.apkg", _collection(tmp_path / "c", notes))
    anki_service.import_package(ctx, user_id=user, path=deck)
    queue = cards.queue(ctx, user_id=user)
    assert [(c.front, c.new, c.personal) for c in queue.cards] == [
        ("q1", True, True),
        ("q2", True, True),
    ]
    assert (queue.due_now, queue.new_left_today) == (0, 2)
    cards.rate(ctx, user_id=user, card_id=queue.cards[0].id, rating=3)
    after = cards.queue(ctx, user_id=user)
    assert after.new_left_today == 1
    assert [c.front for c in after.cards if c.new] == ["q2"]
