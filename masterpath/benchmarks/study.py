"""`masterpath bench study`: latency of answer submissions and card reviews.

Learners work through the built-in pack on a fresh SQLite file in the data folder's default
durability (WAL, synchronous=NORMAL), through the same service functions the web app calls:
each submission grades the answer, appends evidence and updates the mastery state in one
transaction; each review schedules the card with FSRS and appends its evidence.
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from masterpath.clock import Clock
from masterpath.domain.content import ItemType
from masterpath.services import Context, accounts, cards, packs, practice
from masterpath.settings import Settings
from masterpath.store import content as content_store
from masterpath.store import make_database, migrate

LEARNERS = 20


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


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(p99 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "count": len(ordered),
    }


def run(
    *,
    answers: int = 10_000,
    reviews: int = 10_000,
    seed: int = 3,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(env="development", data_dir=Path(folder), secret_key="bench")
        db = make_database(settings.url)
        migrate.upgrade(db)
        ctx = Context(settings, db, Clock())
        packs.install_builtin(ctx)
        with db.begin() as tx:
            every = content_store.skill_models(tx).values()
            open_skills = [s.id for s in every if not s.prerequisites]
        users = [
            accounts.register(ctx, email=f"bench{n}@example.invalid", password="bench password").id
            for n in range(LEARNERS)
        ]
        progress(f"{LEARNERS} learners, {len(open_skills)} open skills")
        submit = _answers(ctx, users, open_skills, answers, rng=rng, progress=progress)
        review = _reviews(ctx, users, reviews, rng, progress)
        db.dispose()
    return {
        "submit": _percentiles(submit),
        "review": _percentiles(review),
        "database": "sqlite (WAL, synchronous=NORMAL)",
        "learners": LEARNERS,
    }


def _answers(
    ctx: Context,
    users: list[int],
    skills: list[str],
    total: int,
    *,
    rng: np.random.Generator,
    progress: Callable[[str], None],
) -> list[float]:
    timings = []
    for n in range(total):
        user = users[n % len(users)]
        skill = skills[(n // len(users)) % len(skills)]
        item = practice.next_practice(ctx, user_id=user, skill_id=skill).item
        if item is None:
            continue
        response = plausible_response(item, bool(rng.random() < 0.7), rng)
        started = time.perf_counter()
        practice.answer(ctx, user_id=user, item_id=item.id, response=response, seconds=30.0)
        timings.append(time.perf_counter() - started)
        if (n + 1) % 1000 == 0:
            progress(f"answers {n + 1}/{total}")
    return timings


def _reviews(
    ctx: Context,
    users: list[int],
    total: int,
    rng: np.random.Generator,
    progress: Callable[[str], None],
) -> list[float]:
    for user in users:
        cards.set_preferences(ctx, user_id=user, desired_retention=0.9, new_cards_per_day=200)
    timings: list[float] = []
    day = 0
    while len(timings) < total:
        today = dataclasses.replace(ctx, clock=Clock(timedelta(days=day)))
        for user in users:
            queue = cards.queue(today, user_id=user, limit=max(1, total // (len(users) * 10)))
            for card in queue.cards:
                rating = int(rng.choice([1, 2, 3, 4], p=[0.1, 0.15, 0.6, 0.15]))
                started = time.perf_counter()
                cards.rate(today, user_id=user, card_id=card.id, rating=rating, seconds=8.0)
                timings.append(time.perf_counter() - started)
                if len(timings) % 1000 == 0:
                    progress(f"reviews {len(timings)}/{total}")
                if len(timings) >= total:
                    return timings
        day += 1
    return timings


def table(result: dict[str, Any]) -> list[str]:
    """The result as text: one line for submissions and one for reviews."""
    return [
        f"{name:7} p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms  max {row['max_ms']} ms "
        f"over {row['count']:,}"
        for name, row in ((name, result[name]) for name in ("submit", "review"))
    ]
