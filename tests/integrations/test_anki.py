"""Anki, both ways, against the official `anki` package (the `interop` extra; make
test-integrations): an export opens in Anki as a real collection with its schedules and
review log, and a deck Anki made imports with its cards due where FSRS puts them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fsrs
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from masterpath.cli import main
from masterpath.errors import NotFound
from masterpath.services import Context, accounts, anki, cards, packs, tracks
from masterpath.settings import Settings
from masterpath.store import personal as personal_store
from masterpath.store import study as study_store
from masterpath.store import tracks as track_store
from tests.services.test_study import STUDY_PACK, later

collection = pytest.importorskip("anki.collection")
pytestmark = pytest.mark.integration
SKILL = "shell-basics"


@pytest.fixture
def learner(ctx: Context) -> int:
    packs.install(ctx, [STUDY_PACK])
    return accounts.register(ctx, email="ada@example.com", password="correct horse b").id


def _review_for_days(ctx: Context, user: int, ratings: list[int]) -> None:
    """Rate every card in the queue once a day, `len(ratings)` days up to today."""
    for back, rating in zip(range(len(ratings) - 1, -1, -1), ratings, strict=True):
        day = later(ctx, days=-back)
        for card in cards.queue(day, user_id=user, skill_id=SKILL, limit=20).cards:
            cards.rate(day, user_id=user, card_id=card.id, rating=rating, seconds=6)


def _open(path: Path, folder: Path) -> Any:
    """A fresh Anki collection with the package imported, scheduling and all."""
    col = collection.Collection(str(folder / "check.anki2"))
    request = collection.ImportAnkiPackageRequest(
        package_path=str(path),
        options=collection.ImportAnkiPackageOptions(with_scheduling=True),
    )
    col.import_anki_package(request)
    return col


def test_an_export_opens_in_anki_with_schedules_and_review_log(
    ctx: Context, learner: int, tmp_path: Path
) -> None:
    _review_for_days(ctx, learner, [3, 1, 3])
    out = tmp_path / "cards.apkg"
    written = anki.export(ctx, user_id=learner, out=out, skill_id=SKILL)
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        mine = {c.card_id: c for c in study_store.learner_cards(tx, user_id=learner)}
        logs = study_store.card_reviews(tx, user_id=learner)
    assert written == len(mine) > 0
    col = _open(out, tmp_path)
    try:
        assert col.note_count() == written
        assert col.card_count() == written
        for card_id in col.find_cards(""):
            card = col.get_card(card_id)
            note = card.note()
            ours = mine[note.guid.removeprefix("masterpath:")]
            assert note.tags == [SKILL]
            expected_days = (ours.due.astimezone(UTC).date() - now.astimezone(UTC).date()).days
            if ours.state["state"] == 2:  # review
                assert card.type == card.queue == 2
                assert card.due - col.sched.today == expected_days
                last = datetime.fromisoformat(ours.state["last_review"])
                assert card.ivl == max(1, round((ours.due - last) / timedelta(days=1)))
            else:  # learning or relearning: due is a Unix time
                assert card.queue == 1 and card.due == int(ours.due.timestamp())
            assert card.memory_state.stability == pytest.approx(ours.state["stability"], rel=1e-3)
        revlog = col.db.all("select id, cid, ease, time from revlog order by id")
        guids = {cid: col.get_card(cid).note().guid for cid in col.find_cards("")}
        exported = [
            (guids[cid], ease, stamp // 1000, millis) for stamp, cid, ease, millis in revlog
        ]
        ours_log = [
            (f"masterpath:{e.source_id}", e.detail["rating"], int(e.answered_at.timestamp()), 6000)
            for e in logs
        ]
        assert sorted(exported) == sorted(ours_log)
        assert {ease for _, ease, _, _ in exported} == {3, 1}
    finally:
        col.close()


def test_a_track_exports_its_skills_cards_and_only_its_owner_may(
    ctx: Context, learner: int, tmp_path: Path
) -> None:
    track = tracks.create(ctx, tracks.Intake(goal="become a shell user"), user_id=learner)
    _review_for_days(ctx, learner, [3])
    with ctx.db.begin() as tx:
        row = track_store.of_learner(tx, learner)[0]
        in_track = {
            c.card_id
            for c in study_store.learner_cards(tx, user_id=learner)
            if c.skill_id in row.plan_order
        }
    out = tmp_path / "track.apkg"
    assert anki.export(ctx, user_id=learner, out=out, track_id=row.id) == len(in_track) > 0
    other = accounts.register(ctx, email="bo@example.com", password="correct horse b").id
    with pytest.raises(NotFound):
        anki.export(ctx, user_id=other, out=tmp_path / "stolen.apkg", track_id=row.id)
    assert track is not None and not (tmp_path / "stolen.apkg").exists()


def _anki_deck(path: Path, folder: Path, *, created: datetime) -> dict[str, list[int]]:
    """A deck made with Anki itself: a Basic note with two reviews, a reversed note never
    reviewed, a field with a script, and one media file; returns each front's ratings."""
    col = collection.Collection(str(folder / "maker.anki2"))
    try:
        deck = col.decks.id("Spanish::Verbs")
        basic = col.models.by_name("Basic")
        note = col.new_note(basic)
        note["Front"], note["Back"] = (
            "hablar",
            ('to speak <script>alert(1)</script><b>!</b><img src="sun.png">'),
        )
        col.add_note(note, deck)
        reversed_model = col.models.by_name("Basic (and reversed card)")
        both = col.new_note(reversed_model)
        both["Front"], both["Back"] = "comer", "to eat"
        col.add_note(both, deck)
        col.media.write_data("sun.png", b"\x89PNG not really")
        card = note.cards()[0]
        for day, ease in ((0, 3), (3, 3)):
            stamp = int((created + timedelta(days=day)).timestamp() * 1000)
            col.db.execute(
                "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                "values (?, ?, -1, ?, 1, 0, 2500, 4000, 1)",
                stamp,
                card.id,
                ease,
            )
        options = collection.ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, with_media=True, legacy=False
        )
        col.export_anki_package(out_path=str(path), options=options, limit=None)
    finally:
        col.close()
    return {"hablar": [3, 3], "comer": [], "to eat": []}


def _fsrs_due(ratings: list[int], created: datetime) -> datetime:
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(card_id=1, due=created)
    for day, rating in enumerate(ratings):
        when = created + timedelta(days=3 * day)
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), when, 4000)
    return card.due


def test_an_anki_deck_imports_with_cards_due_as_fsrs_computes(
    ctx: Context, learner: int, tmp_path: Path
) -> None:
    created = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    package = tmp_path / "spanish.apkg"
    ratings = _anki_deck(package, tmp_path, created=created)
    found = anki.import_package(ctx, user_id=learner, path=package)
    assert (found.cards, found.notes, found.reviews, found.media_skipped) == (3, 2, 2, 1)
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        until = now + timedelta(days=3650)
        rows = [
            row
            for new in (False, True)
            for row in personal_store.due_cards(tx, user_id=learner, until=until, limit=10, new=new)
        ]
        evidence_rows = study_store.card_reviews(tx, user_id=learner)
        fronts = {row.front: row for row in rows}
        assert set(fronts) == set(ratings)
        assert fronts["hablar"].back == "to speak <b>!</b>"  # the script is gone
        assert fronts["hablar"].deck == "Spanish::Verbs"
        assert fronts["hablar"].due == _fsrs_due(ratings["hablar"], created)
        assert fronts["hablar"].reviews == 2
        assert len(personal_store.reviews(tx, card_id=fronts["hablar"].id)) == 2
        assert fronts["comer"].back == "to eat" and fronts["to eat"].back == "comer"
    assert evidence_rows == []  # imported history is never evidence
    # The new cards are due now; rating one schedules it and still records no evidence.
    queue = cards.queue(ctx, user_id=learner, limit=10)
    personal = [c for c in queue.cards if c.personal]
    assert {c.front for c in personal} >= {"comer", "to eat"}
    rated = cards.rate(ctx, user_id=learner, card_id=personal[0].id, rating=3, seconds=5)
    assert rated.due > now
    with ctx.db.begin() as tx:
        assert study_store.card_reviews(tx, user_id=learner) == []


def test_the_cli_exports_and_imports(
    ctx: Context, learner: int, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASTERPATH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MASTERPATH_DATABASE_URL", settings.url)
    monkeypatch.setenv("MASTERPATH_SECRET_KEY", "test-secret-key")
    _review_for_days(ctx, learner, [3])
    out = tmp_path / "mine.apkg"
    runner = CliRunner()
    done = runner.invoke(
        main,
        ["cards", "export", "--out", str(out), "--learner", "ada@example.com", "--skill", SKILL],
    )
    assert done.exit_code == 0, done.output
    assert "wrote" in done.output and out.exists()
    back = runner.invoke(main, ["cards", "import", str(out), "--learner", "ada@example.com"])
    assert back.exit_code == 0, back.output
    assert "imported" in back.output and "0 media files skipped" in back.output
    junk = tmp_path / "junk.apkg"
    junk.write_bytes(b"not a zip at all")
    bad = runner.invoke(main, ["cards", "import", str(junk), "--learner", "ada@example.com"])
    assert bad.exit_code == 1
    assert "junk.apkg: not an Anki package" in bad.output


def _login(client: TestClient) -> str:
    import re

    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    client.post(
        "/login",
        data={"email": "ada@example.com", "password": "correct horse b", "csrf_token": token[1]},
    )
    review = client.get("/review").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', review)
    assert found is not None
    return found[1]


def test_the_review_page_downloads_and_uploads_packages(
    client: TestClient, ctx: Context, learner: int, tmp_path: Path
) -> None:
    _review_for_days(ctx, learner, [3])
    token = _login(client)
    download = client.get(f"/review/export.apkg?skill={SKILL}")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    files = {"package": ("mine.apkg", download.content, "application/octet-stream")}
    refused = client.post("/review/import", files=files, data={})
    assert refused.status_code == 403  # no CSRF token
    done = client.post("/review/import", files=files, data={"csrf_token": token})
    assert done.status_code == 200 and "Imported" in done.text
    junk = {"package": ("junk.apkg", b"garbage", "application/octet-stream")}
    bad = client.post("/review/import", files=junk, data={"csrf_token": token})
    assert bad.status_code == 400 and "junk.apkg: not an Anki package" in bad.text
