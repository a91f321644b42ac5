"""Engines, transactions and the column types both SQLite and PostgreSQL agree on."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import JSON, Connection, DateTime, Engine, create_engine, event, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from masterpath.errors import ConfigurationError, Unavailable

log = logging.getLogger(__name__)

SUPPORTED = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
EXAMPLES = "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"
JsonType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


# As many pooled connections as the web app runs request threads (web.THREADS): a pool smaller
# than the thread pool opens and closes a connection on many requests under load.
THREADS = 16
POOL = {"pool_size": THREADS, "max_overflow": 4}


def make_engine(url: str, *, ping_after_idle: float | None = None) -> Engine:
    """An engine for a SQLite or PostgreSQL URL; `ConfigurationError` saying what is wrong with
    any other (nothing connects yet)."""
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _make_folder(Path(parsed.database).parent)
        engine = create_engine(url, connect_args={"timeout": 10}, **POOL)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        engine = create_engine(url, **POOL)
    except ImportError as exc:
        raise ConfigurationError(
            f"the database driver {exc.name or parsed.drivername} is not installed: use "
            "postgresql+psycopg://… (the `postgres` extra: pip install 'masterpath[postgres]')"
        ) from exc
    event.listen(engine, "checkin", _returned)
    idle = PING_AFTER_IDLE if ping_after_idle is None else ping_after_idle
    event.listen(engine, "checkout", _ping_after_idle(engine.dialect, idle))
    return engine


# A pooled PostgreSQL connection is pinged before use only when it has sat idle (a server
# restart or an idle timeout may have closed it), not on every checkout as `pool_pre_ping`
# does: under load a connection comes back within milliseconds, and a ping is a round trip on
# every transaction (two a request). A dead one is replaced before the request sees it.
PING_AFTER_IDLE = 1.0  # seconds


def _returned(_dbapi_connection: Any, record: Any) -> None:
    record.info["returned"] = time.monotonic()


def _ping_after_idle(dialect: Dialect, idle: float) -> Callable[[Any, Any, Any], None]:
    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned")
        if returned is None or time.monotonic() - returned < idle:
            return  # new, or back moments ago
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any driver error: the pool replaces it and checks out again
            raise DisconnectionError(str(exc)) from exc

    return checkout


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"not a database URL: use {EXAMPLES}") from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        raise ConfigurationError(
            f"{backend} is not supported: MasterPath runs on SQLite or PostgreSQL ({EXAMPLES})"
        )
    return parsed


def _make_folder(folder: Path) -> None:
    """Create the SQLite file's folder; a path through a file or a refusal is one clear line."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocking = next((p for p in (folder, *folder.parents) if p.exists()), folder)
        reason = f"{blocking} is a file" if blocking.is_file() else exc.strerror
        raise ConfigurationError(f"cannot create the folder {folder}: {reason}") from exc


V = TypeVar("V")
T = TypeVar("T")


class Cache:
    """Derived data worth keeping between transactions (parsed content, indexes, fitted
    parameters), owned by one `Database` and so by one application context: two apps, or two
    tests, in one process never see each other's."""

    def __init__(self) -> None:
        self._latest: dict[str, tuple[Hashable, Any]] = {}
        self._kept: dict[str, dict[Any, Any]] = {}

    def get(self, name: str, key: Hashable) -> Any | None:
        """The value kept under `name` if it was made for `key`; None otherwise."""
        held = self._latest.get(name)
        return held[1] if held is not None and held[0] == key else None

    def put(self, name: str, key: Hashable, value: V) -> V:
        """Keep `value`, made for `key`, under `name` (replacing what was made for another key)."""
        self._latest[name] = (key, value)
        return value

    def latest(self, name: str, key: Hashable, make: Callable[[], V]) -> V:
        """The value made for `key`, made again when the key changes (a content install)."""
        found = self.get(name, key)
        return cast(V, found) if found is not None else self.put(name, key, make())

    def kept(self, name: str) -> dict[Any, Any]:
        """A dictionary kept under `name`, for values whose key says all (a hash, a row id)."""
        return self._kept.setdefault(name, {})

    def many(self, name: str, key: Hashable, make: Callable[[], V], *, limit: int = 1_000) -> V:
        """The value made for `key` among the values kept under `name`, all dropped once there
        are `limit` (keys that a content install left behind go with them)."""
        kept = self.kept(name)
        if key not in kept:
            if len(kept) >= limit:
                kept.clear()
            kept[key] = make()
        return cast(V, kept[key])

    def clear(self) -> None:
        self._latest.clear()
        self._kept.clear()


class Overtaken(Exception):
    """An optimistic unit of work must run again, locked: another write of the learner came
    between its read and its write, or it has more to write than one statement."""


@dataclass
class Tx:
    """One unit of work. Store functions take it; services open it."""

    session: Session
    memo: dict[str, Any] = field(default_factory=dict)  # lookups worth doing once per unit
    cache: Cache = field(default_factory=Cache)  # the database's, kept between units
    optimistic: bool = False  # reads unlocked, outside a transaction; one guarded write
    kept: list[Any] = field(default_factory=list)

    def keep(self, *rows: Any) -> None:
        """Hold these rows until the unit ends: the session finds a row it holds without a
        query (`session.get`), but holds it only while something else refers to it."""
        self.kept.extend(row for row in rows if row is not None)

    def require_lock(self) -> None:
        """What follows must run in a locked transaction: an optimistic unit starts again."""
        if self.optimistic:
            raise Overtaken


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cache = Cache()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._stop_checkpoints: threading.Event | None = None

    def checkpoint_in_background(self, every: float = 1.0) -> None:
        """SQLite: move the write-ahead log into the database from a background thread, every
        `every` seconds, instead of in whichever commit crosses 1,000 pages (a request that
        happens to commit then pays for everyone's writes: the long tail of a write). A
        PASSIVE checkpoint waits for no reader or writer. PostgreSQL: nothing to do."""
        if self.dialect != "sqlite" or self._stop_checkpoints is not None:
            return
        if not event.contains(self.engine, "connect", _no_autocheckpoint):
            event.listen(self.engine, "connect", _no_autocheckpoint)
            self.engine.dispose()  # pooled connections reopen without the automatic checkpoint
        stop = self._stop_checkpoints = threading.Event()

        def run() -> None:
            while not stop.wait(every):
                try:
                    with self.engine.connect() as connection:
                        connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
                except DBAPIError:  # the next pass retries; commits checkpoint nothing meanwhile
                    log.warning("background WAL checkpoint failed", exc_info=True)

        threading.Thread(target=run, name="wal-checkpoints", daemon=True).start()

    def stop_background(self) -> None:
        """Stop the checkpoint thread, if one runs (the next `checkpoint_in_background` starts
        another)."""
        if self._stop_checkpoints is not None:
            self._stop_checkpoints.set()
            self._stop_checkpoints = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Tx]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions.begin() as session:
            with self.reaching():
                session.connection()
            yield Tx(session, cache=self.cache)

    def hot(self, work: Callable[[Tx], T]) -> T:
        """Run a hot path's unit of work (an answer, a card review) and return what it returns.

        PostgreSQL tries it optimistically first: its reads run outside a transaction and its
        write is one statement that checks the learner was not written meanwhile (no BEGIN, no
        lock, no COMMIT: three round trips fewer). If another write came between, or the unit
        needs the lock (`Tx.require_lock`), it runs again in a locked transaction, which
        nothing overtakes.
        SQLite runs in the process, where a round trip costs nothing: locked, once."""
        if self.dialect == "postgresql":
            try:
                with self.read() as tx:
                    tx.optimistic = True
                    return work(tx)
            except Overtaken:
                pass
        with self.begin() as tx:
            return work(tx)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """Reads outside a transaction (autocommit): each statement sees what was committed
        when it ran, as in a PostgreSQL transaction (READ COMMITTED), without the BEGIN and
        COMMIT round trips. For a unit of work of one read, asked on every request (the
        session lookup); anything that writes goes through `begin`."""
        with self.reaching():
            connection = self._autocommit.connect()
        with connection, Session(connection) as session:
            yield Tx(session, cache=self.cache)

    def connect(self) -> Connection:
        """A connection; `Unavailable`, saying which database, when it cannot be reached."""
        with self.reaching():
            return self.engine.connect()

    @contextmanager
    def reaching(self) -> Iterator[None]:
        """Turn a failure to connect into an `Unavailable` naming the server or the file."""
        try:
            yield
        except DBAPIError as exc:
            url = self.engine.url
            where = (
                f"cannot open or create the SQLite database {url.database}"
                if self.dialect == "sqlite"
                else f"the database server at {url.host or 'localhost'}:{url.port or 5432} "
                "does not answer"
            )
            raise Unavailable(f"{where} ({_first_line(exc)})") from exc

    def ping(self) -> str:
        """Run a trivial query; returns the dialect name, raises when the database is down."""
        with self.connect() as connection:
            connection.execute(text("SELECT 1"))
        return self.dialect

    def dispose(self) -> None:
        self.stop_background()
        self.engine.dispose()


@contextmanager
def answering(what: str) -> Iterator[None]:
    """Turn a database that cannot be reached or read into an `Unavailable` naming `what`."""
    try:
        yield
    except DBAPIError as exc:
        raise Unavailable(f"{what}: the database does not answer ({_first_line(exc)})") from exc


def _first_line(exc: DBAPIError) -> str:
    lines = str(exc.orig).strip().splitlines() or [type(exc.orig).__name__]
    return lines[0]


def make_database(url: str) -> Database:
    return Database(make_engine(url))


CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class Statements:
    """Counts the statements this thread runs on a database from now on, without transaction
    control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT), from the engine's execute events; and the
    wall time spent inside every statement, transaction control included (the driver's COMMIT
    is not a statement: it is not in it; psycopg's implicit BEGIN is, in the first
    statement's). Other threads' statements (SQLite's background checkpoint) are not counted."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        self.seconds = 0.0
        self._started = 0.0
        self._thread = threading.get_ident()
        self._engine = db.engine
        event.listen(self._engine, "before_cursor_execute", self._seen)
        event.listen(self._engine, "after_cursor_execute", self._done)

    def _seen(self, *args: Any) -> None:
        if threading.get_ident() != self._thread:
            return
        if not str(args[2]).lstrip().upper().startswith(CONTROL):
            self.count += 1
        self._started = time.perf_counter()

    def _done(self, *_args: Any) -> None:
        if threading.get_ident() == self._thread:
            self.seconds += time.perf_counter() - self._started

    def close(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._seen)
        event.remove(self._engine, "after_cursor_execute", self._done)
