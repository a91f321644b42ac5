"""`masterpath bench study`: latency and SQL statements of the hot paths, beside the floor.

Learners work through the built-in pack through the same service functions the web app calls:
a practice answer grades, appends evidence and updates the mastery state in one transaction;
a card review schedules the card with FSRS and appends its evidence. Measured on a fresh
SQLite file (WAL, synchronous=NORMAL) and, when a server answers, on a scratch PostgreSQL
database over loopback. Beside them, each database's floor: a transaction that inserts one
row. Statements are counted with the engine's execute events, without BEGIN, COMMIT,
ROLLBACK and SAVEPOINT. Check answers and repeated submission ids are reported apart.
"""

from __future__ import annotations

import dataclasses
import gc
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from masterpath.clock import Clock
from masterpath.domain.content import ItemType
from masterpath.errors import MasterPathError
from masterpath.services import Context, accounts, cards, checks, meaning, packs, practice
from masterpath.settings import Settings
from masterpath.store import Database, make_database, migrate, scratch
from masterpath.store import content as content_store
from masterpath.store.db import Statements

LEARNERS = 20
SCRATCH = "bench_study"
Progress = Callable[[str], None]


def plausible_response(item: Any, right: bool, rng: np.random.Generator) -> Any:
    """A plausible response to a public item (right or wrong is decided by chance)."""
    options = [o["id"] for o in item.options]
    if item.type == ItemType.SINGLE_CHOICE:
        return options[int(rng.integers(len(options)))]
    if item.type == ItemType.MULTIPLE_CHOICE:
        return options[: 1 + int(rng.integers(len(options)))]
    if item.type == ItemType.TRUE_FALSE:
        return bool(right)
    if item.type == ItemType.NUMERIC:
        return float(rng.integers(0, 100))
    if item.type == ItemType.ORDERING:
        return list(rng.permutation(options))
    return "a short answer that names a few ideas, such as caching, latency and cost"


PREPARE = 120  # practice answers a learner may give before their check is offered


class Timings:
    """Wall times and statement counts of one path."""

    def __init__(self, db: Database) -> None:
        self.seconds: list[float] = []
        self.statements: list[int] = []
        self.in_statements: list[float] = []  # seconds inside the SQL statements of each call
        self._counter = Statements(db)

    @contextmanager
    def timed(self) -> Iterator[None]:
        before, inside = self._counter.count, self._counter.seconds
        started = time.perf_counter()
        yield
        self.seconds.append(time.perf_counter() - started)
        self.statements.append(self._counter.count - before)
        self.in_statements.append(self._counter.seconds - inside)

    def summary(self) -> dict[str, Any]:
        self._counter.close()
        if not self.seconds:
            return {"count": 0}
        ordered = sorted(self.seconds)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        return {
            "p50_ms": round(statistics.median(ordered) * 1000, 3),
            "p99_ms": round(p99 * 1000, 3),
            "max_ms": round(ordered[-1] * 1000, 3),
            "count": len(ordered),
            "statements": {
                "median": statistics.median(self.statements),
                "max": max(self.statements),
            },
            # the time inside statements (the database and the round trips to it); the rest
            # of a call is Python, and the COMMIT, which the driver sends outside a statement
            "in_statements_p50_ms": round(statistics.median(self.in_statements) * 1000, 3),
        }


def run(
    *,
    answers: int = 10_000,
    reviews: int = 10_000,
    floor: int = 2_000,
    postgres: str = "",
    seed: int = 3,
    progress: Progress = lambda _: None,
) -> dict[str, Any]:
    """`postgres`: a server where the bench may create and drop its own database; empty or
    unreachable: SQLite alone (the result says why)."""
    sizes = {"answers": answers, "reviews": reviews, "floor": floor}
    result: dict[str, Any] = {"learners": LEARNERS}
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(env="development", data_dir=Path(folder), secret_key="bench")
        db = make_database(settings.url)
        try:
            progress("SQLite (WAL, synchronous=NORMAL)")
            result["sqlite"] = _measure(settings, db, sizes, seed, progress)
        finally:
            db.dispose()
        if postgres:
            reason = scratch.reachable(postgres)
            if reason:
                result["postgresql"] = {"skipped": reason}
            else:
                progress("PostgreSQL over loopback")
                db = scratch.create(postgres, SCRATCH)
                try:
                    result["postgresql"] = _measure(settings, db, sizes, seed, progress)
                finally:
                    db.dispose()
                    scratch.drop(postgres, SCRATCH)
    if "p99_ms" in result.get("postgresql", {}).get("submit", {}):
        result["postgresql_p99_over_sqlite"] = {
            path: round(result["postgresql"][path]["p99_ms"] / result["sqlite"][path]["p99_ms"], 2)
            for path in ("submit", "review")
        }
    return result


def _measure(
    settings: Settings, db: Database, sizes: dict[str, int], seed: int, progress: Progress
) -> dict[str, Any]:
    migrate.upgrade(db)
    ctx = Context(settings, db, Clock())
    packs.install_builtin(ctx)
    scratch.make_floor_table(db)
    rng = np.random.default_rng(seed)
    with db.begin() as tx:
        open_skills = [s.id for s in content_store.skill_models(tx).values() if not s.prerequisites]
    users = [
        accounts.register(ctx, email=f"bench{n}@example.invalid", password="bench password").id
        for n in range(LEARNERS)
    ]
    meaning.status(ctx)  # the model loads at start-up, as in a server, not in a timed answer
    packs.warm(ctx)  # and the content caches fill, as in a server
    db.checkpoint_in_background()  # as the server does: no answer pays for a checkpoint
    gc.collect()
    gc.freeze()  # what setting up made stays out of the collector's way, as in a server
    found = {
        "floor": _floor(db, sizes["floor"]),
        **_answers(ctx, users, open_skills, sizes["answers"], rng=rng, progress=progress),
        "review": _reviews(ctx, users, sizes["reviews"], rng, progress),
    }
    found["check_answer"] = _checks(ctx, users, open_skills, rng)
    floor_p99 = found["floor"]["p99_ms"]
    found["p99_over_floor"] = {
        path: round(found[path]["p99_ms"] / floor_p99, 1)
        for path in ("submit", "review", "repeat_submission", "check_answer")
        if found[path].get("count")
    }
    gc.unfreeze()
    return found


def _floor(db: Database, total: int) -> dict[str, Any]:
    timings = Timings(db)
    for n in range(total):
        with timings.timed():
            scratch.insert_floor_row(db, n)
    return timings.summary()


def _answers(
    ctx: Context,
    users: list[int],
    skills: list[str],
    total: int,
    *,
    rng: np.random.Generator,
    progress: Progress,
) -> dict[str, Any]:
    submit, repeat = Timings(ctx.db), Timings(ctx.db)
    sent: list[tuple[int, str, str]] = []
    for n in range(total):
        user = users[n % len(users)]
        skill = skills[(n // len(users)) % len(skills)]
        item = practice.next_practice(ctx, user_id=user, skill_id=skill).item
        if item is None:
            continue
        response = plausible_response(item, bool(rng.random() < 0.7), rng)
        with submit.timed():
            practice.answer(
                ctx,
                user_id=user,
                item_id=item.id,
                response=response,
                seconds=30.0,
                submission_id=f"s{n}",
            )
        sent.append((user, item.id, f"s{n}"))
        if (n + 1) % 1000 == 0:
            progress(f"answers {n + 1}/{total}")
    repeats = min(500, max(10, total // 20))  # repeated ids, drawn from those sent
    for user, item_id, submission in [sent[int(i)] for i in rng.integers(len(sent), size=repeats)]:
        with repeat.timed():
            practice.answer(
                ctx, user_id=user, item_id=item_id, response=None, submission_id=submission
            )
    return {"submit": submit.summary(), "repeat_submission": repeat.summary()}


def _reviews(
    ctx: Context, users: list[int], total: int, rng: np.random.Generator, progress: Progress
) -> dict[str, Any]:
    for user in users:
        cards.set_preferences(ctx, user_id=user, desired_retention=0.9, new_cards_per_day=200)
    timings = Timings(ctx.db)
    day = 0
    while len(timings.seconds) < total:
        today = dataclasses.replace(ctx, clock=Clock(timedelta(days=day)))
        for user in users:
            queue = cards.queue(today, user_id=user, limit=max(1, total // (len(users) * 10)))
            for card in queue.cards:
                rating = int(rng.choice([1, 2, 3, 4], p=[0.1, 0.15, 0.6, 0.15]))
                with timings.timed():
                    cards.rate(today, user_id=user, card_id=card.id, rating=rating, seconds=8.0)
                if len(timings.seconds) % 1000 == 0:
                    progress(f"reviews {len(timings.seconds)}/{total}")
                if len(timings.seconds) >= total:
                    return timings.summary()
        day += 1
    return timings.summary()


def _checks(
    ctx: Context, users: list[int], skills: list[str], rng: np.random.Generator
) -> dict[str, Any]:
    """Answers to mastery checks: each learner practises one skill with right answers (not
    timed) until its check is offered, then answers the check (timed)."""
    timings = Timings(ctx.db)
    for n, user in enumerate(users):
        skill = skills[n % len(skills)]
        check = None
        for attempt in range(PREPARE):
            try:
                check = checks.start_check(ctx, user_id=user, skill_id=skill, kind="mastery_check")
                break
            except MasterPathError:  # not offered yet: the estimate is under its bar
                item = practice.next_practice(ctx, user_id=user, skill_id=skill).item
                if item is None:
                    break
                practice.answer(
                    ctx,
                    user_id=user,
                    item_id=item.id,
                    response=right_response(ctx, item.id),
                    seconds=30.0,
                    submission_id=f"prepare-{user}-{attempt}",
                )
        if check is None:
            continue
        for item in check.items:
            right = bool(rng.random() < 0.8)
            response = (
                right_response(ctx, item.id) if right else plausible_response(item, False, rng)
            )
            with timings.timed():
                checks.check_answer(
                    ctx, user_id=user, check_id=check.id, item_id=item.id, response=response
                )
    return timings.summary()


def right_response(ctx: Context, item_id: str) -> Any:
    """The response the item's key asks for."""
    with ctx.db.begin() as tx:
        item = content_store.live_item(tx, item_id)
    assert item is not None, item_id
    if item.type in (ItemType.SINGLE_CHOICE,):
        return next(o.id for o in item.options if o.correct)
    if item.type == ItemType.MULTIPLE_CHOICE:
        return [o.id for o in item.options if o.correct]
    if item.type == ItemType.ORDERING:
        return [o.id for o in item.options]
    if item.type == ItemType.SHORT_TEXT:
        return item.model_answer
    return item.answer


def table(result: dict[str, Any]) -> list[str]:
    """The result as text: one line per path and database."""
    lines = []
    for database in ("sqlite", "postgresql"):
        found = result.get(database)
        if not found:
            continue
        if "skipped" in found:
            lines.append(f"{database}: skipped ({found['skipped']})")
            continue
        for path in ("floor", "submit", "review", "repeat_submission", "check_answer"):
            row = found[path]
            if not row.get("count"):
                lines.append(f"{database:10} {path:17} none")
                continue
            over = found["p99_over_floor"].get(path)
            lines.append(
                f"{database:10} {path:17} p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms  "
                f"max {row['max_ms']} ms  statements {row['statements']['median']:g} "
                f"(max {row['statements']['max']}, p50 {row['in_statements_p50_ms']} ms in them)"
                f"  over {row['count']:,}" + (f"  p99 = {over}x floor" if over else "")
            )
    return lines
