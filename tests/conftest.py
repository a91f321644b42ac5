"""Test fixtures: real databases (a SQLite file per test, or the real PostgreSQL server)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, insert, select, text
from sqlalchemy.engine import make_url
from xdist.remote import Producer
from xdist.scheduler import LoadGroupScheduling

from masterpath.benchmarks.installed import installed
from masterpath.clock import Clock
from masterpath.services import Context, accounts, meaning, packs
from masterpath.settings import Settings
from masterpath.store import make_database, migrate
from masterpath.store.models import Base
from masterpath.web import create_app

FIXTURE_PACK = Path(__file__).parent / "fixtures" / "pack"


def _worker_url(url: str) -> str:
    """Under pytest-xdist each worker gets a database of its own (`test_gw0_<checkout>`,
    `test_gw1_<checkout>`, …), created on first use, so workers never empty each other's tables,
    nor do two checkouts' runs on one server (the suffix is a hash of this checkout's path)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    base = make_url(url)
    checkout = hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:6]
    name = f"{base.database}_{worker}_{checkout}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        found = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not found:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


PG_URL = _worker_url(os.environ.get("MASTERPATH_TEST_DATABASE_URL", ""))


# Modules that install the built-in packs or use the `builtin` fixture. Under pytest-xdist
# (`make test`) they share one worker, so the built-in content is embedded once per run rather
# than once per worker.
BUILTIN_MODULES = {
    "test_bench_citations.py",
    "test_demo.py",
    "test_goal_matching.py",
    "test_mentor_command.py",
    "test_mentor_isolation.py",
    "test_packs.py",
    "test_question_bank_commands.py",
}


class Scheduling(LoadGroupScheduling):  # type: ignore[misc]  # xdist has no type hints
    """`--dist loadgroup` with the built-in modules as one group. xdist 3.8 reads a test's group
    from a suffix it writes into the node id, which pytest 9.2 no longer lets it change: the
    `xdist_group` marks were silently ignored and both workers embedded the built-in content."""

    def _split_scope(self, nodeid: str) -> str:
        if Path(nodeid.split("::", 1)[0]).name in BUILTIN_MODULES:
            return "builtin"
        return str(super()._split_scope(nodeid))


def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> Scheduling | None:
    return Scheduling(config, log) if config.getvalue("dist") == "loadgroup" else None


# The PostgreSQL pass runs again only what can differ there: tests on the test database (the
# `db_url` fixture, under `settings`, `ctx` and `client`) and tests marked `postgres`, which
# reach the server by themselves. The rest (pure functions, their own SQLite files) passed in
# the SQLite pass and would only repeat it.
NOT_ON_POSTGRES = pytest.mark.skip(reason="uses no test database: run in the SQLite pass")


# Modules with the longest tests (whole benchmark runs, real servers): started first, so that
# the two workers end together instead of one finishing a half-minute test alone at the end.
LONG_FIRST = {
    "test_bench_scale.py",
    "test_bench_web.py",
    "test_bench_mentor.py",
    "test_bench_dashboard.py",
    "test_newcomer.py",
    "test_serve_shutdown.py",
    "test_workers.py",
}


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups into node ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    first = BUILTIN_MODULES | LONG_FIRST
    items.sort(key=lambda item: item.path.name not in first)  # stable: the rest keep their order
    for item in items:
        if item.path.name in BUILTIN_MODULES:
            item.add_marker(pytest.mark.xdist_group("builtin"))
        uses_database = "db_url" in getattr(item, "fixturenames", ())
        if PG_URL and not uses_database and item.get_closest_marker("postgres") is None:
            item.add_marker(NOT_ON_POSTGRES)


# `make test` points this at a folder in the user's cache (~/.cache/masterpath/test-vectors),
# shared by every checkout on the machine: each worker leaves there the vectors it computed
# (the content's, and the recent one-off texts' such as the mentor's replies, each put back
# where the product keeps it) and every later session (the PostgreSQL pass, the next
# `make test`, another clone's) starts from them, so the built-in content is embedded once, not
# once a run. A vector is a pure function of the model's weights, the code that runs them and
# the text (keyed by its hash, as the product's own cache is), so the files live in a subfolder
# named by a fingerprint of all but the text: the model file, the modules of masterpath/meaning and
# services/meaning.py, and the versions of numpy and tokenizers. Change any of them and the
# suite embeds afresh. The product's memory → database → model path is tested on texts no run
# has seen (tests/services/test_meaning.py).
SHARED_VECTORS = os.environ.get("MASTERPATH_TEST_VECTORS", "")


def vectors_fingerprint() -> str:
    import tokenizers

    from masterpath.meaning import minilm

    digest = hashlib.sha256()
    with minilm.packaged_zip().open("rb") as model:
        while chunk := model.read(1 << 20):
            digest.update(chunk)
    code = [*sorted(Path(minilm.__file__).parent.glob("*.py")), Path(meaning.__file__)]
    for path in code:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(f"numpy {np.__version__} tokenizers {tokenizers.__version__}".encode())
    return digest.hexdigest()[:16]


def _held() -> list[tuple[tuple[str, str], Any, bool]]:
    """The process's vectors: the content's (memory) and the recent one-off texts'."""
    memory = [(key, vector, False) for key, vector in meaning._VECTORS.items()]
    with meaning._PASSING_LOCK:
        recent = [(key, vector, True) for key, vector in meaning._PASSING.items()]
    return memory + [row for row in recent if row[0] not in meaning._VECTORS]


_SAVED: set[tuple[str, str]] = set()  # read from the vector folder or written there by this process
_FILES: list[Path] = []  # the files read as the session started


def _vectors_folder() -> Path:
    return Path(SHARED_VECTORS) / vectors_fingerprint()


def save_vectors(*, everything: bool = False) -> None:
    """Write the vectors this process holds and has not written (all of them with
    `everything`) to a new file, as soon as they are made: a run stopped later keeps them."""
    if not SHARED_VECTORS:
        return
    held = _held()
    new = held if everything else [row for row in held if row[0] not in _SAVED]
    if not new:
        return
    folder = _vectors_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}-{time.time_ns()}"
    with (folder / f"{name}.tmp").open("wb") as out:
        np.savez(
            out,
            keys=np.array([f"{model}\t{digest}" for (model, digest), _, _ in new]),
            vectors=np.stack([vector for _, vector, _ in new]),
            recent=np.array([recent for _, _, recent in new]),
        )
    (folder / f"{name}.tmp").replace(folder / f"{name}.npz")
    _SAVED.update(key for key, _, _ in new)


@pytest.hookimpl(tryfirst=True)  # before xdist starts its workers
def pytest_sessionstart(session: pytest.Session) -> None:
    """With an empty vector folder (a fresh clone, or the model or its code changed), the main
    process embeds the built-in content once, through the product's own install, on both
    cores and alone, before any worker starts. Left to the workers, the one running the
    built-in modules embedded it while the other ran tests beside it on the same two cores,
    and that worker's tests waited: a fresh clone's SQLite pass took twice a warm one's."""
    if not SHARED_VECTORS or hasattr(session.config, "workerinput"):
        return
    if any(_vectors_folder().glob("*.npz")):
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, installed(make_settings(Path(folder), "")):
        save_vectors()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        took = time.perf_counter() - started
        reporter.write_line(f"embedded the built-in content in {took:.0f} s")


def _read_vectors(path: Path) -> None:
    with np.load(path) as found:
        keys = found["keys"]
        kinds = found["recent"] if "recent" in found.files else np.zeros(len(keys), bool)
        for key, vector, recent in zip(keys, found["vectors"], kinds, strict=True):
            model, digest = str(key).split("\t")
            if recent:  # where the product keeps it: among the recent (and bounded) ones
                meaning._remember((model, digest), vector)
            else:
                meaning._VECTORS.setdefault((model, digest), vector)
            _SAVED.add((model, digest))


@pytest.fixture(scope="session", autouse=True)
def shared_vectors() -> Iterator[None]:
    if not SHARED_VECTORS:
        yield
        return
    for path in sorted(_vectors_folder().glob("*.npz")):
        try:
            _read_vectors(path)
        except FileNotFoundError:  # another checkout's run merged it away: its vectors are in
            continue  # the merged file, read next time; this run embeds what it lacks
        _FILES.append(path)
    yield
    if len(_FILES) > 8:  # many small files: one with everything replaces the ones read
        save_vectors(everything=True)
        for path in _FILES:
            path.unlink(missing_ok=True)
    else:
        save_vectors()


# The product hashes passwords with argon2id at 64 MiB and three passes (about 0.2 CPU seconds
# a hash or a verify, more under load), and the suite registers and logs in hundreds of
# learners. In-process tests get argon2id at its smallest cost instead: the same library, the
# same hash format and the same verify path, only cheaper. The production parameters, and the
# rehash of a weaker hash at login, are tested with the production hasher
# (tests/services/test_accounts.py, fixture `production_hasher`); servers and commands run in
# child processes by tests keep the production hasher.
PRODUCTION_HASHER = accounts._hasher
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    patch = pytest.MonkeyPatch()
    patch.setattr(accounts, "_hasher", TEST_HASHER)
    patch.setattr(accounts, "_DUMMY_HASH", TEST_HASHER.hash("not a real password"))
    yield
    patch.undo()


@pytest.fixture
def production_hasher(monkeypatch: pytest.MonkeyPatch) -> PasswordHasher:
    """The hasher the product uses, for the tests of its parameters."""
    monkeypatch.setattr(accounts, "_hasher", PRODUCTION_HASHER)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", PRODUCTION_HASHER.hash("not a real password"))
    return PRODUCTION_HASHER


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (a file per test)'}"


def make_settings(data_dir: Path, url: str, **extra: object) -> Settings:
    return Settings(
        env="development",
        data_dir=data_dir,
        database_url=url,
        secret_key="test-secret-key",
        **extra,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Snapshot:
    """PostgreSQL: the test database as the tests start from it (migrated, the fixture pack
    installed), kept as its rows and sequence positions and put back before each test."""

    engine: Engine
    rows: dict[str, list[dict[str, Any]]]
    sequences: dict[str, int | None]
    guarded: list[str]  # tables whose triggers refuse DELETE (append-only evidence)

    @classmethod
    def take(cls, engine: Engine) -> Snapshot:
        with engine.connect() as connection:
            rows = {
                table.name: [dict(row) for row in connection.execute(select(table)).mappings()]
                for table in Base.metadata.sorted_tables
            }
            sequences = connection.execute(
                text(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
                )
            )
            positions = {str(name): value for name, value in sequences}
            guarded = connection.execute(
                text(
                    "SELECT DISTINCT c.relname FROM pg_trigger t"
                    " JOIN pg_class c ON c.oid = t.tgrelid"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE NOT t.tgisinternal AND n.nspname = 'public' ORDER BY 1"
                )
            )
            return cls(
                engine, {k: v for k, v in rows.items() if v}, positions, list(guarded.scalars())
            )

    def restore(self) -> None:
        """Every row of every table of the models deleted (children first), the snapshot's rows
        inserted, the sequences set back: the state TRUNCATE … RESTART IDENTITY and installing
        the fixture pack gave, in a fraction of the time (TRUNCATE makes new files for each
        table, about a second for all of them on a loaded machine)."""
        tables = Base.metadata.sorted_tables
        with self.engine.begin() as connection:
            if self.guarded:  # TRUNCATE passes their triggers; only when one has rows
                written = " OR ".join(f'EXISTS (SELECT 1 FROM "{t}")' for t in self.guarded)
                if connection.scalar(text(f"SELECT {written}")):
                    names = ", ".join(f'"{t}"' for t in self.guarded)
                    connection.execute(text(f"TRUNCATE {names} CASCADE"))
            connection.execute(text(";".join(f'DELETE FROM "{t.name}"' for t in reversed(tables))))
            for table in tables:
                if table.name in self.rows:
                    connection.execute(insert(table), self.rows[table.name])
            settings = [
                f"setval('public.\"{name}\"', {value}, true)"
                if value is not None
                else f"setval('public.\"{name}\"', 1, false)"
                for name, value in self.sequences.items()
            ]
            if settings:
                connection.execute(text(f"SELECT {', '.join(settings)}"))


@pytest.fixture(scope="session")
def fixture_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path | Snapshot]:
    """SQLite: one migrated file with the fixture pack, copied for each test. PostgreSQL: the
    test database migrated with the fixture pack, its snapshot put back before each test."""
    if PG_URL:
        db = make_database(PG_URL)
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        migrate.upgrade(db)
        folder = tmp_path_factory.mktemp("template")
        packs.install(Context(make_settings(folder, PG_URL), db, Clock()), [FIXTURE_PACK])
        yield Snapshot.take(db.engine)
        db.dispose()
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = make_database(f"sqlite:///{path}")
    migrate.upgrade(db)
    ctx = Context(make_settings(path.parent, f"sqlite:///{path}"), db, Clock())
    packs.install(ctx, [FIXTURE_PACK])
    db.dispose()
    yield path


@pytest.fixture(scope="session")
def template_db(fixture_template: Path | Snapshot) -> Path | Snapshot:
    """What each test's database starts from (`db_url`)."""
    return fixture_template


@pytest.fixture(scope="session")
def builtin_template(
    fixture_template: Path | Snapshot, tmp_path_factory: pytest.TempPathFactory
) -> Path | Snapshot:
    """The fixture template with the built-in packs installed too, made once per worker: for
    the modules whose commands install them as they start (`prepared_context`), which then find
    them installed instead of installing them in every test. A module uses it by overriding
    `template_db` (tests/cli/test_mentor_command.py)."""
    folder = tmp_path_factory.mktemp("builtin-template")
    if isinstance(fixture_template, Snapshot):
        fixture_template.restore()
        db = make_database(PG_URL)
        packs.install_builtin(Context(make_settings(folder, PG_URL), db, Clock()))
        db.dispose()
        return Snapshot.take(fixture_template.engine)
    path = folder / "template.db"
    shutil.copy(fixture_template, path)
    db = make_database(f"sqlite:///{path}")
    packs.install_builtin(Context(make_settings(folder, f"sqlite:///{path}"), db, Clock()))
    db.dispose()
    return path


@pytest.fixture(scope="session")
def builtin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """A SQLite file in its own data folder with the built-in packs installed and their vectors
    ready, made once per worker and shared: for tests that read the built-in content (what they
    write is their own, such as a throwaway learner). It never touches the test database."""
    folder = tmp_path_factory.mktemp("builtin")
    with installed(make_settings(folder, ""), folder) as ctx:
        save_vectors()  # the content's vectors, the costliest, kept even if the run stops
        yield ctx


@pytest.fixture
def db_url(template_db: Path | Snapshot, tmp_path: Path) -> str:
    if isinstance(template_db, Snapshot):
        template_db.restore()
        return PG_URL
    path = tmp_path / "masterpath.db"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(tmp_path, db_url)


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    context = Context(settings, make_database(settings.url), Clock())
    yield context
    context.db.dispose()


@pytest.fixture
def client(settings: Settings, ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(settings, context=ctx)) as test_client:
        yield test_client
