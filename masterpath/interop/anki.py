"""Anki packages (.apkg): written with the official `anki` package, read with zipfile + sqlite3.

Writing needs the `interop` extra (`anki`); reading needs it only for packages from Anki
2.1.50 and later (their collection is zstd-compressed: `zstandard`). Reading is defensive:
the archive's uncompressed size is capped while it is inflated (a zip bomb stops at the cap),
the notes are capped at MAX_NOTES, and every text must be UTF-8. Errors name the file and
the part of it that is wrong.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from masterpath.errors import ConfigurationError, InvalidInput, Problem

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes of collection, whatever the archive claims
MAX_NOTES = 10_000
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")  # newest first
CHUNK = 1024 * 1024
ANKI_REVIEW_TYPES = (0, 1, 2, 3)  # learn, review, relearn, filtered; not manual or rescheduled


@dataclass(frozen=True)
class Review:
    rating: int  # 1 Again … 4 Easy
    when: datetime
    seconds: float | None = None
    interval_days: int = 0  # the interval the review gave (0: still learning)
    kind: int = 1  # Anki's revlog type: 0 learn, 1 review, 2 relearn


@dataclass(frozen=True)
class OutCard:
    """A card to write: its note's fields and its schedule (None: new)."""

    guid: str
    deck: str
    front: str  # HTML
    back: str  # HTML
    tags: tuple[str, ...] = ()
    due: datetime | None = None
    last_review: datetime | None = None
    state: int = 0  # FSRS state: 0 new, 1 learning, 2 review, 3 relearning
    stability: float | None = None
    difficulty: float | None = None
    reviews: tuple[Review, ...] = ()
    lapses: int = 0


@dataclass(frozen=True)
class InCard:
    source: str  # "anki:<note guid>/<template ordinal>"
    deck: str
    front: str  # raw HTML as Anki stored it: the caller sanitises
    back: str
    reviews: tuple[Review, ...]


@dataclass(frozen=True)
class Package:
    cards: list[InCard]
    notes: int
    media_skipped: int
    notes_without_cards: int = 0
    skipped: list[str] = field(default_factory=list)


def _anki() -> Any:
    try:
        from anki import collection
    except ImportError:
        raise ConfigurationError(
            "writing Anki packages needs the interop extra: pip install 'masterpath[interop]'"
        ) from None
    return collection


# Writing ---------------------------------------------------------------------------------------


def write_package(path: Path, cards: Sequence[OutCard], *, now: datetime) -> int:
    """Write `cards` with their schedules and review logs to an .apkg at `path`; returns the
    number of cards written."""
    anki = _anki()
    with tempfile.TemporaryDirectory(prefix="masterpath-anki-") as folder:
        col = anki.Collection(str(Path(folder) / "collection.anki2"))
        try:
            basic = col.models.by_name("Basic")
            for out in cards:
                _add(col, basic, out, now)
            options = anki.ExportAnkiPackageOptions(
                with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False
            )
            staged = Path(folder) / "out.apkg"
            col.export_anki_package(out_path=str(staged), options=options, limit=None)
        finally:
            col.close()
        _copy(staged, path)
    return len(cards)


def _copy(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".tmp")
    try:
        partial.write_bytes(source.read_bytes())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _add(col: Any, basic: Any, out: OutCard, now: datetime) -> None:
    note = col.new_note(basic)
    note["Front"], note["Back"] = out.front, out.back
    note.tags = list(out.tags)
    note.guid = out.guid
    col.add_note(note, col.decks.id(out.deck))
    card = note.cards()[0]
    if out.state and out.due is not None:
        _schedule(col, card, out, now)
        col.update_card(card)
    _log(col, card.id, out.reviews)


def _schedule(col: Any, card: Any, out: OutCard, now: datetime) -> None:
    from anki.cards import FSRSMemoryState

    assert out.due is not None
    card.reps, card.lapses = len(out.reviews), out.lapses
    if out.state == 2:  # review: due is a day number counted from the collection's creation
        card.type = card.queue = 2
        card.due = col.sched.today + day_offset(out.due, now)
    else:  # learning (1) or relearning (3): due is a Unix time
        card.type, card.queue = (1 if out.state == 1 else 3), 1
        card.due = int(out.due.timestamp())
    card.ivl = interval_days(out.due, out.last_review)
    card.factor = 2500
    if out.stability and out.difficulty:
        card.memory_state = FSRSMemoryState(stability=out.stability, difficulty=out.difficulty)


def day_offset(due: datetime, now: datetime) -> int:
    """Calendar days (UTC) from `now` to `due`: what Anki adds to its own today."""
    return (due.astimezone(UTC).date() - now.astimezone(UTC).date()).days


def interval_days(due: datetime, last: datetime | None) -> int:
    if last is None:
        return 0
    return max(1, round((due - last) / timedelta(days=1)))


def _log(col: Any, card_id: int, reviews: Sequence[Review]) -> None:
    taken: set[int] = set(col.db.list("select id from revlog"))
    last_ivl = 0
    for review in reviews:
        stamp = int(review.when.timestamp() * 1000)
        while stamp in taken:
            stamp += 1
        taken.add(stamp)
        millis = min(int((review.seconds or 0) * 1000), 60_000)
        col.db.execute(
            "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            "values (?, ?, -1, ?, ?, ?, 2500, ?, ?)",
            stamp,
            card_id,
            review.rating,
            review.interval_days,
            last_ivl,
            millis,
            review.kind,
        )
        last_ivl = review.interval_days


# Reading ---------------------------------------------------------------------------------------


def _bad(path: Path, message: str, where: str = "") -> InvalidInput:
    problem = Problem(message, file=path.name, field=where)
    return InvalidInput(f"{path.name}: {message}", problems=[problem])


def read_package(path: Path, *, max_bytes: int = MAX_UNCOMPRESSED) -> Package:
    """The cards of an .apkg with their fields, decks and review logs."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _bad(path, f"not an Anki package (an .apkg is a zip archive): {exc}") from None
    with archive, tempfile.TemporaryDirectory(prefix="masterpath-apkg-") as folder:
        names = set(archive.namelist())
        member = next((name for name in COLLECTIONS if name in names), None)
        if member is None:
            raise _bad(path, "holds no collection (collection.anki21b, .anki21 or .anki2)")
        media = sum(1 for name in names if name.isdigit())
        target = Path(folder) / "collection.sqlite"
        _extract(path, archive, member, target, max_bytes)
        cards, notes, orphans = _read_collection(path, member, target)
    return Package(cards, notes, media, orphans)


def _extract(path: Path, archive: zipfile.ZipFile, member: str, target: Path, cap: int) -> None:
    try:
        with archive.open(member) as source, target.open("wb") as sink:
            reader = _zstd(path, source) if member.endswith("21b") else source
            written = 0
            for chunk in _chunks(reader):
                written += len(chunk)
                if written > cap:
                    raise _bad(
                        path,
                        f"{member} inflates past {cap // (1024 * 1024)} MiB: refused "
                        "(a zip bomb, or a collection too big to import)",
                        member,
                    )
                sink.write(chunk)
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        raise _bad(path, f"{member} is corrupt: {exc}", member) from None


def _chunks(reader: IO[bytes]) -> Iterator[bytes]:
    while chunk := reader.read(CHUNK):
        yield chunk


def _zstd(path: Path, source: IO[bytes]) -> IO[bytes]:
    try:
        import zstandard
    except ImportError:
        raise ConfigurationError(
            f"{path.name} comes from Anki 2.1.50 or later (zstd); reading it needs the interop "
            "extra: pip install 'masterpath[interop]'"
        ) from None
    reader: IO[bytes] = zstandard.ZstdDecompressor().stream_reader(source)
    return reader


def _read_collection(path: Path, member: str, db: Path) -> tuple[list[InCard], int, int]:
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _bad(path, f"{member} is not an Anki collection: {exc}", member) from None
    connection.text_factory = bytes
    try:
        return _cards(path, connection)
    except sqlite3.Error as exc:
        raise _bad(path, f"{member} is not a readable Anki collection: {exc}", member) from None
    finally:
        connection.close()


def _text(path: Path, value: bytes | str, where: str) -> str:
    if isinstance(value, str):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(path, f"text is not UTF-8 (byte {exc.start})", where) from None


def _decks(path: Path, connection: sqlite3.Connection) -> dict[int, str]:
    tables = {row[0] for row in connection.execute("select name from sqlite_master")}
    if b"decks" in tables or "decks" in tables:
        rows = connection.execute("select id, name from decks").fetchall()
        return {int(i): _text(path, n, f"deck {i}").replace("\x1f", "::") for i, n in rows}
    import json

    (raw,) = connection.execute("select decks from col").fetchone()
    decks = json.loads(_text(path, raw, "col.decks"))
    return {int(key): str(value.get("name", key)) for key, value in decks.items()}


def _cards(path: Path, connection: sqlite3.Connection) -> tuple[list[InCard], int, int]:
    (notes,) = connection.execute("select count(*) from notes").fetchone()
    if notes > MAX_NOTES:
        raise _bad(path, f"{notes} notes; an import takes at most {MAX_NOTES}", "notes")
    decks = _decks(path, connection)
    fields: dict[int, tuple[str, list[str]]] = {}
    for nid, guid, flds in connection.execute("select id, guid, flds from notes"):
        where = f"note {nid}"
        fields[int(nid)] = (_text(path, guid, where), _text(path, flds, where).split("\x1f"))
    logs = _reviews(connection)
    found: list[InCard] = []
    with_cards: set[int] = set()
    query = "select id, nid, did, ord from cards order by nid, ord"
    for cid, nid, did, ordinal in connection.execute(query):
        if int(nid) not in fields:
            continue
        guid, values = fields[int(nid)]
        with_cards.add(int(nid))
        front, back = sides(values, int(ordinal))
        deck = decks.get(int(did), "Imported")
        found.append(InCard(f"anki:{guid}/{ordinal}", deck, front, back, logs.get(int(cid), ())))
    return found, int(notes), len(fields) - len(with_cards)


def sides(values: Sequence[str], ordinal: int) -> tuple[str, str]:
    """Front and back of a note's card: the first field asks and the others answer; a second
    template (Basic and reversed) asks the second field and answers with the first."""
    if ordinal >= 1 and len(values) > ordinal:
        return values[ordinal], values[0]
    rest = [value for value in values[1:] if value.strip()]
    return (values[0] if values else ""), "<br>".join(rest)


def _reviews(connection: sqlite3.Connection) -> dict[int, tuple[Review, ...]]:
    found: dict[int, list[Review]] = {}
    query = "select id, cid, ease, time, type from revlog order by id"
    for stamp, cid, ease, millis, kind in connection.execute(query):
        if ease not in (1, 2, 3, 4) or kind not in ANKI_REVIEW_TYPES:
            continue  # manual entries and reschedules are not ratings
        when = datetime.fromtimestamp(int(stamp) / 1000, tz=UTC)
        seconds = max(0, int(millis or 0)) / 1000 or None
        found.setdefault(int(cid), []).append(Review(int(ease), when, seconds, kind=int(kind)))
    return {cid: tuple(reviews) for cid, reviews in found.items()}
