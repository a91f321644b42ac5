"""The databases `masterpath bench web` starts from: learners with a track, started skills and
flashcards to review, written through the services before any server starts.

One seeded database per engine: a SQLite file copied into each run's data folder, and a
PostgreSQL database each run clones (`CREATE DATABASE … TEMPLATE`), so every configuration
starts from the same state. The PostgreSQL databases are the bench's own, dropped at the end.
"""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from masterpath.benchmarks import dashboard, webclient
from masterpath.clock import Clock
from masterpath.services import Context, accounts, cards, knowledge, meaning, packs, practice
from masterpath.services import tracks as track_service
from masterpath.settings import Settings, load_settings
from masterpath.store import content as content_store
from masterpath.store import embeddings, make_database, scratch

PASSWORD = "bench password"
GOAL = "become an AI engineering architect"
DECK_CARDS = 200 * dashboard.DECKS  # a day's new cards for every learner of a deck
SECRET = "bench-web-secret-key"


def environment(folder: Path, url: str, decks: Path, model: str | None) -> dict[str, str]:
    """The server's settings, as `MASTERPATH_` variables, for these settings' database."""
    env = {
        "MASTERPATH_ENV": "production",
        "MASTERPATH_DATA_DIR": str(folder),
        "MASTERPATH_DATABASE_URL": url,
        "MASTERPATH_SECRET_KEY": SECRET,
        "MASTERPATH_CONTENT_PACKS": str(decks),
    }
    if model is not None:
        env["MASTERPATH_EMBEDDING_MODEL"] = model
    return env


def _settings(env: dict[str, str]) -> Settings:
    return load_settings(**{k.removeprefix("MASTERPATH_").lower(): v for k, v in env.items()})


def seed(
    env: dict[str, str], *, learners: int, vectors_from: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Install the packs, embed them (or copy the vectors of a database seeded before), and
    make `learners` learners who have a track, a few answers in one of the skills open from
    the start, and a deck of cards; each is logged in. Returns what the client needs of each:
    session token, skill to practise, deck."""
    settings = _settings(env)
    db = make_database(settings.url)
    ctx = Context(settings, db, Clock())
    try:
        packs.prepare(ctx)
        if vectors_from is not None:
            _copy_vectors(_settings(vectors_from), ctx)
        knowledge.warm(ctx)
        with db.begin() as tx:
            found = [s for s in content_store.skills(tx) if s.pack_id != "bench-decks"]
            models = content_store.skill_models(tx, [s.id for s in found])
            skills = [
                s.id
                for s in models.values()
                if not s.prerequisites and content_store.live_items(tx, s.id)
            ]
        seeded = [_learner(ctx, n, skills[n % len(skills)]) for n in range(learners)]
        if db.dialect == "postgresql":  # the planner's statistics, as autovacuum keeps them
            scratch.vacuum_analyze(db)  # (the PostgreSQL of these machines runs without it)
        return seeded
    finally:
        db.dispose()


def _copy_vectors(source: Settings, target: Context) -> None:
    """The content's cached vectors, copied into `target`'s database so that neither the
    seeding nor the server there embeds the content again. Keys as `services/meaning.py` makes
    them; were they to drift, the server would only embed on start, as it does without them."""
    model = meaning.embedder(target)
    if model is None:
        return
    with target.db.begin() as tx:
        skills = content_store.skill_models(tx)
        items = [item for s in skills for item in content_store.items(tx, s)]
    hashes = [meaning._key(text) for text in knowledge.texts(skills.values(), items)]
    db = make_database(source.url)
    try:
        with db.begin() as tx:
            found = embeddings.known(tx, model=model.name, hashes=hashes)
    finally:
        db.dispose()
    with target.db.begin() as tx:
        have = embeddings.known(tx, model=model.name, hashes=found)
        embeddings.add(
            tx, model=model.name, vectors={k: v for k, v in found.items() if k not in have}
        )


def _learner(ctx: Context, n: int, skill: str) -> dict[str, Any]:
    email = f"learner{n}@bench.invalid"
    user = accounts.register(ctx, email=email, password=PASSWORD).id
    track_service.create(ctx, track_service.Intake(goal=GOAL, hours_per_week=6), user_id=user)
    cards.set_preferences(
        ctx, user_id=user, desired_retention=0.9, new_cards_per_day=cards.MAX_NEW_PER_DAY
    )
    rng = random.Random(n)
    for _ in range(5):
        item = practice.next_practice(ctx, user_id=user, skill_id=skill).item
        if item is not None:
            response = webclient.response(dataclasses.asdict(item), rng)
            practice.answer(ctx, user_id=user, item_id=item.id, response=response, seconds=20.0)
    token, _ = accounts.login(ctx, email=email, password=PASSWORD, address="127.0.0.1")
    return {"token": token, "skill": skill, "deck": f"bench-deck-{n % dashboard.DECKS}"}


def sqlite_copy(seeded: Path, folder: Path) -> None:
    """A run's data folder starts as a copy of the seeded SQLite database."""
    folder.mkdir(parents=True)
    for found in seeded.glob("masterpath.db*"):
        shutil.copy(found, folder / found.name)


# PostgreSQL ---------------------------------------------------------------------------------------


def conninfo(url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def with_database(url: str, name: str) -> str:
    """The same server's URL with another database."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def reachable(url: str) -> str:
    """Empty when PostgreSQL answers at `url`, else why not (the configurations are skipped)."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (the postgres extra)"
    try:
        psycopg.connect(conninfo(url), connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL at {url} is not reachable: {' '.join(str(exc).split())[:200]}"
    return ""


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(conninfo(url), autocommit=True) as connection:
        connection.execute(statement.encode())


@contextmanager
def database(url: str, name: str, *, template: str = "") -> Iterator[str]:
    """A new database `name` on the server at `url` (a clone of `template` if given),
    dropped when the block ends; yields its URL."""
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(url, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield with_database(url, name)
    finally:
        _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def names() -> tuple[str, str]:
    """This run's seed and run database names (a pid apart from any other run's)."""
    return f"bench_web_{os.getpid()}_seed", f"bench_web_{os.getpid()}_run"
