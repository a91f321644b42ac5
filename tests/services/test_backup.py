"""`db backup` / `db restore` through the services: a filled database, backed up and restored into
a fresh one, compared table by table and row by row (SQLite files, or the real PostgreSQL)."""

from __future__ import annotations

import io
import json
import os
import tarfile
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, create_engine, select, text
from sqlalchemy.engine import make_url

from masterpath.clock import Clock
from masterpath.domain import kt
from masterpath.errors import InvalidInput, MasterPathError, NotFound
from masterpath.services import (
    Context,
    accounts,
    anki,
    awards,
    backup,
    badges,
    cards,
    cohorts,
    database,
    erasure,
    evidence,
    item_reports,
    mail,
    packs,
    practice,
    roles,
    skills,
    tasks,
    tracks,
    xapi,
)
from masterpath.services.mentor import replies
from masterpath.store import accounts as sso_store
from masterpath.store import embeddings as embedding_store
from masterpath.store import item_reports as reopenings
from masterpath.store import make_database
from masterpath.store import mastery as mastery_store
from masterpath.store import outbox as outbox_store
from masterpath.store.models import Base
from tests.conftest import PG_URL, make_settings
from tests.interop.test_anki_read import _collection, _package
from tests.services.test_study import RIGHT, SKILL, STUDY_PACK, practise_until_ready, take_check

PASSWORD = "correct horse battery"
RESOURCE = "https://www.gnu.org/software/bash/manual/bash.html"
RESTORE_DB = f"masterpath_restore_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def fill(ctx: Context) -> None:
    """Learners, an instructor, a cohort, answers, a hint, a mastery check, time, marks, a
    track, a task, card reviews, an imported Anki card and a mentor exchange: a row in every
    table."""
    packs.install(ctx, [STUDY_PACK])
    ada = accounts.register(ctx, email="ada@example.com", password=PASSWORD).id
    tess, _ = roles.make_instructor(ctx, email="tess@example.com", password=PASSWORD)
    cohort = cohorts.create(ctx, instructor_id=tess.id, name="Evening class")
    cohorts.join(ctx, learner_id=ada, code=cohort.invite_code)
    practice.hint(ctx, user_id=ada, item_id=f"{SKILL}:abs-path", number=1)
    practise_until_ready(ctx, ada)
    take_check(ctx, ada, "mastery_check", RIGHT)
    skills.record_time(ctx, user_id=ada, skill_id=SKILL, seconds=42.5)
    skills.mark_resource(ctx, user_id=ada, skill_id=SKILL, url=RESOURCE, done=True)
    accounts.login(ctx, email="ada@example.com", password=PASSWORD, address="192.0.2.1")
    with pytest.raises(InvalidInput):
        accounts.login(ctx, email="ada@example.com", password="wrong one", address="192.0.2.1")
    accounts.reset_link(ctx, email="tess@example.com", base_url="http://example.test")
    tracks.create(ctx, tracks.Intake(goal="become a shell user"), user_id=ada)
    tasks.submit(ctx, user_id=ada, skill_id=SKILL, text="find . -type f | sort -n | head -3")
    for card in cards.queue(ctx, user_id=ada, limit=3).cards:
        cards.rate(ctx, user_id=ada, card_id=card.id, rating=3, seconds=8)
    replies.ask(ctx, user_id=ada, skill_id=SKILL, message="what is ~ ?")
    with tempfile.TemporaryDirectory() as folder:  # a personal card with its Anki review log
        deck = _collection(Path(folder) / "collection", [(1, b"hola\x1fhello")], 1)
        anki.import_package(ctx, user_id=ada, path=_package(Path(folder) / "d.apkg", deck))
    with ctx.db.begin() as tx:  # a badge (mastery takes days of retention: awarded directly)
        awards.record(tx, user_id=ada, skill_id=SKILL, now=ctx.clock.now())
        sso_store.link_sso(  # and a single sign-on subject, as a first sign-in links it
            tx, issuer="https://id.example.test", subject="ada", user_id=ada, now=ctx.clock.now()
        )
    [badge] = badges.mine(ctx, user_id=ada)
    badges.download(ctx, user_id=ada, badge_id=badge.id, base_url="http://example.test")
    answered = evidence.of_learner(ctx, user_id=ada, mode="practice", limit=1)[0].source_id
    item_reports.report(ctx, user_id=ada, item_id=answered, kind="key", note="the key is wrong")
    item_reports.void(ctx, admin_id=None, item_id=answered, reason="a wrong key")
    now = ctx.clock.now()
    with ctx.db.begin() as tx:  # the outboxes: statements queued, a message, the install key
        outbox_store.enqueue_evidence(tx, now=now, limit=1_000)
        xapi.namespace(ctx, tx)
        mail.queue(tx, kind="notice", recipient="ada@example.com", subject="Hi", body="-", now=now)
        reopenings.add_reopening(  # a mastery reopened by a void (ada's check was not one)
            tx,
            user_id=ada,
            skill_id=SKILL,
            item_id=answered,
            reason="a wrong key",
            reopened_at=now,
        )
    with outbox_store.lease(ctx.db, name="xapi", holder="backup-test", now=now):
        pass
    _deleted_learner(ctx)
    with ctx.db.begin() as tx:  # `kt fit` needs 200 answers: store its untrained defaults
        mastery_store.add_params(
            tx, fitted_at=ctx.clock.now(), answers=0, params=kt.defaults().to_json()
        )
        # The mentor stores the content's vectors only when this process has not computed them
        # yet (an earlier test may have): one cached vector of its own, whatever ran before.
        embedding_store.add(tx, model="backup-test", vectors={"0" * 64: bytes(range(16))})


def _deleted_learner(ctx: Context) -> None:
    """A learner whose typed answer was sent to the LRS, then who deleted their account: a
    redaction and a queued xAPI void."""
    cleo = accounts.register(ctx, email="cleo@example.com", password=PASSWORD).id
    typed, _ = evidence.record(
        ctx,
        user_id=cleo,
        skill_id=SKILL,
        source_kind="item",
        source_id=f"{SKILL}:quote-var",
        mode="practice",
        score=0.5,
        grader="auto",
        detail={"response": "quotes keep it together"},
    )
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        outbox_store.enqueue_evidence(tx, now=now, limit=1_000)
        outbox_store.mark_statements(tx, [typed.id], sent_at=now, retry_at=None, error="")
    erasure.delete(ctx, user_id=cleo)


def rows(url: str) -> dict[str, list[Any]]:
    """Every row of every table of the models, and alembic_version, in primary-key order."""
    db = make_database(url)
    try:
        with db.engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            found: dict[str, list[Any]] = {"alembic_version": [tuple(row) for row in version]}
            for table in Base.metadata.sorted_tables:
                assert isinstance(table, Table)
                query = select(table).order_by(*table.primary_key.columns)
                found[table.name] = [tuple(row) for row in connection.execute(query)]
            return found
    finally:
        db.dispose()


def context(url: str, data_dir: Path) -> Context:
    """A context whose secret key is generated into the data folder, as in production."""
    settings = make_settings(data_dir, url).model_copy(update={"secret_key": ""})
    return Context(settings, make_database(url), Clock())


@pytest.fixture
def source(ctx: Context) -> Iterator[Context]:
    """The test database, filled, with a generated secret key in its data folder."""
    fill(ctx)
    filled = context(ctx.settings.url, ctx.settings.data_dir)
    filled.settings.signing_key()
    yield filled
    filled.db.dispose()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Context]:
    """An empty data folder and an empty database: a new SQLite file or a new PG database."""
    data_dir = tmp_path / "restored"
    if not PG_URL:
        restored = context(f"sqlite:///{data_dir / 'masterpath.db'}", data_dir)
        yield restored
        restored.db.dispose()
        return
    yield from _fresh_postgres(data_dir)


def _fresh_postgres(data_dir: Path) -> Iterator[Context]:
    server = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {RESTORE_DB}"))
    url = make_url(PG_URL).set(database=RESTORE_DB).render_as_string(hide_password=False)
    restored = context(url, data_dir)
    try:
        yield restored
    finally:
        restored.db.dispose()
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)"))
        server.dispose()


def test_a_restored_backup_has_every_row_and_the_key_files(
    source: Context, fresh: Context, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar.gz"
    made = backup.create(source, out=archive)
    assert made.keys == ("secret_key", "badge_issuer_key")
    assert made.backend == source.db.dialect
    assert not (tmp_path / "backup.tar.gz.tmp").exists()
    done = backup.restore(fresh, archive=archive)
    assert done.revision == made.revision
    before, after = rows(source.settings.url), rows(fresh.settings.url)
    assert set(after) == {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}
    assert [name for name, found in before.items() if not found] == []
    for name, found in before.items():
        assert after[name] == found, f"table {name} differs after the restore"
    for name in made.keys:
        key = (source.settings.data_dir / name).read_bytes()
        assert (fresh.settings.data_dir / name).read_bytes() == key
    if made.backend == "postgresql":  # a dump has no planner statistics: the restore makes them
        engine = create_engine(fresh.settings.url)
        with engine.connect() as connection:
            analysed = connection.execute(
                text("SELECT count(*) FROM pg_stats WHERE tablename = 'evidence'")
            ).scalar()
        engine.dispose()
        assert analysed


def test_restore_refuses_a_database_with_data_unless_forced(
    source: Context, fresh: Context, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar.gz"
    backup.create(source, out=archive)
    database.upgrade(fresh)
    accounts.register(fresh, email="new@example.com", password=PASSWORD)
    with pytest.raises(InvalidInput, match=r"already holds data \(in users\): pass --force"):
        backup.restore(fresh, archive=archive)
    assert [row[1] for row in rows(fresh.settings.url)["users"]] == ["new@example.com"]
    assert not (fresh.settings.data_dir / "secret_key").exists()
    backup.restore(fresh, archive=archive, force=True)
    assert rows(fresh.settings.url) == rows(source.settings.url)


@pytest.mark.skipif(bool(PG_URL), reason="SQLite only: the online backup API")
def test_a_backup_taken_during_writes_is_consistent(ctx: Context, tmp_path: Path) -> None:
    learner = accounts.register(ctx, email="ada@example.com", password=PASSWORD).id
    stop, written = threading.Event(), [0]

    def write() -> None:
        while not stop.is_set():
            skills.record_time(ctx, user_id=learner, skill_id=None, seconds=1.0)
            written[0] += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while written[0] < 50:
            threading.Event().wait(0.01)
        backup.create(ctx, out=tmp_path / "live.tar.gz")
        during = written[0]
    finally:
        stop.set()
        writer.join()
    copy = context(f"sqlite:///{tmp_path / 'copy' / 'masterpath.db'}", tmp_path / "copy")
    backup.restore(copy, archive=tmp_path / "live.tar.gz")
    with copy.db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        kept = connection.execute(text("SELECT count(*) FROM study_time")).scalar_one()
    copy.db.dispose()
    assert 50 <= kept <= during + 1, f"{kept} rows in the copy, {during} written by then"


def test_a_failed_backup_leaves_nothing_behind(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path, *_: object) -> None:
        path.write_bytes(b"half an archive")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_write", broken)
    out = tmp_path / "out" / "backup.tar.gz"
    out.parent.mkdir()
    with pytest.raises(OSError, match="No space left"):
        backup.create(ctx, out=out)
    assert list(out.parent.iterdir()) == []
    with pytest.raises(NotFound, match="no folder"):
        backup.create(ctx, out=tmp_path / "missing" / "backup.tar.gz")


def test_a_damaged_database_in_the_archive_changes_nothing(ctx: Context, tmp_path: Path) -> None:
    backend = ctx.db.dialect
    archive = tmp_path / "bad.tar.gz"
    manifest = {
        "format": "masterpath-backup",
        "version": 1,
        "backend": backend,
        "revision": None,
        "created_at": "",
        "keys": [],
    }
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (
            ("manifest.json", json.dumps(manifest).encode()),
            (backup.DUMPS[backend], b"not a database " * 100),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    accounts.register(ctx, email="ada@example.com", password=PASSWORD)
    before = rows(ctx.settings.url)
    problem = "not a SQLite database" if backend == "sqlite" else "pg_restore failed"
    with pytest.raises(MasterPathError, match=problem):
        backup.restore(ctx, archive=archive, force=True)
    assert rows(ctx.settings.url) == before
    assert [p.name for p in tmp_path.iterdir() if "restor" in p.name] == []
