"""`masterpath bench dashboard`: server time of a learner's dashboard with a long history.

One learner on a fresh SQLite file (WAL) gets eight months of history: 20,000 evidence records
and 2,000 flashcards over about 40 skills (built-in skills, and generated decks that carry the
cards the built-in content lacks). The learner and the track are made through the services;
the history is written with store-level bulk inserts (`store/bulk.py`): practice answers,
mastery and retention checks, graded tasks, FSRS card reviews (each card scheduled by the real
FSRS code), study time, and the knowledge-tracing counters replayed through `kt.observe` so the
engine's verdicts hold (`benchmarks/history.py`). Then a real `masterpath serve` on that folder
answers `GET /dashboard` N times; the server's own time comes from its `Server-Timing` header.
Each dashboard service is also timed in process, per section.
"""

from __future__ import annotations

import http.client
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from masterpath.benchmarks import history
from masterpath.benchmarks.mentor import serving
from masterpath.clock import Clock
from masterpath.services import Context, accounts, dashboard, evidence_log, packs, portfolio
from masterpath.services import tracks as track_service
from masterpath.settings import Settings
from masterpath.store import make_database, migrate

DECKS = 7  # generated skills that hold the cards the built-in content lacks


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}


def deck_pack(folder: Path, *, cards: int) -> Path:
    """A pack of `DECKS` skills holding `cards` generated flashcards between them."""
    root = folder / "bench-decks"
    (root / "skills").mkdir(parents=True)
    info = {"id": "bench-decks", "version": "1", "title": "Benchmark flashcard decks"}
    (root / "pack.yaml").write_text(yaml.safe_dump(info))
    per_deck = -(-cards // DECKS)
    for n in range(DECKS):
        data = {
            "id": f"bench-deck-{n}",
            "title": f"Benchmark deck {n}",
            "summary": "Generated flashcards for the dashboard benchmark.",
            "hours": 4.0,
            "objectives": [{"id": "recall", "text": "Recall the generated facts"}],
            "flashcards": [
                {"id": f"c{k}", "front": f"Generated fact {k} of deck {n}?", "back": f"Answer {k}."}
                for k in range(per_deck)
            ],
        }
        (root / "skills" / f"bench-deck-{n}").mkdir()
        (root / "skills" / f"bench-deck-{n}" / "skill.yaml").write_text(yaml.safe_dump(data))
    return root


def _prepare(folder: Path, *, evidence: int, cards: int, progress: Callable[[str], None]) -> Any:
    decks = deck_pack(folder, cards=cards)
    settings = Settings(
        env="development", data_dir=folder, secret_key="bench", content_packs=str(decks)
    )
    db = make_database(settings.url)
    migrate.upgrade(db)
    ctx = Context(settings, db, Clock())
    packs.install_builtin(ctx)
    start = Context(settings, db, Clock(-timedelta(days=history.DAYS)))
    user = accounts.register(start, email="bench@example.invalid", password="bench password").id
    intake = track_service.Intake(goal="become an AI engineering architect", hours_per_week=6)
    track_service.create(start, intake, user_id=user)
    progress("generating history")
    written = history.generate(ctx, user_id=user, evidence=evidence, cards=cards, seed=11)
    token, _ = accounts.login(
        ctx, email="bench@example.invalid", password="bench password", address="127.0.0.1"
    )
    return ctx, user, token, written


def _get(port: int, path: str, token: str) -> tuple[float, float, int]:
    """(server ms from Server-Timing, client ms, body bytes) of one GET."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": f"mp_session={token}"})
    response = connection.getresponse()
    body = response.read()
    client = (time.perf_counter() - started) * 1000
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status}")
    timing = response.getheader("Server-Timing", "app;dur=nan")
    return float(timing.split("dur=")[1]), client, len(body)


def _sections(ctx: Context, user: int, runs: int) -> dict[str, float]:
    """Median ms of each dashboard service, in process."""
    found = dashboard.track_map(ctx, user_id=user)
    calls: dict[str, Callable[[], object]] = {
        "map": lambda: dashboard.track_map(ctx, user_id=user),
        "mastery": lambda: dashboard.mastery_history(ctx, user_id=user),
        "forecast": lambda: dashboard.card_forecast(ctx, user_id=user),
        "activity": lambda: dashboard.activity(
            ctx, user_id=user, plan_per_week=6, hours_left=found.hours_left
        ),
        "log": lambda: evidence_log.page(ctx, user_id=user, filters=evidence_log.Filters()),
        "portfolio": lambda: portfolio.portfolio(ctx, user_id=user),
    }
    medians = {}
    for name, call in calls.items():
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        medians[f"{name}_ms"] = round(statistics.median(samples), 2)
    return medians


def run(
    *,
    evidence: int = 20_000,
    cards: int = 2_000,
    runs: int = 200,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        started = time.perf_counter()
        ctx, user, token, written = _prepare(
            folder, evidence=evidence, cards=cards, progress=progress
        )
        generated_s = round(time.perf_counter() - started, 1)
        progress(
            f"{written['evidence']:,} evidence records, {written['cards']:,} cards "
            f"in {generated_s} s; timing the services"
        )
        sections = _sections(ctx, user, max(3, runs // 20))
        ctx.db.dispose()
        progress(f"serving; {runs} requests of /dashboard")
        # The dashboard matches nothing by meaning: the server skips embedding the content.
        env = {
            "MASTERPATH_DATA_DIR": str(folder),
            "MASTERPATH_CONTENT_PACKS": str(folder / "bench-decks"),
            "MASTERPATH_EMBEDDING_MODEL": "off",
        }
        with serving(env) as port:
            for _ in range(5):
                _get(port, "/dashboard", token)  # warm up: first templates, caches
            samples = [_get(port, "/dashboard", token) for _ in range(runs)]
            _, export_ms, export_bytes = _get(port, "/dashboard/evidence.csv", token)
    server = [s for s, _, _ in samples]
    client = [c for _, c, _ in samples]
    return {
        **_percentiles(server),
        "client_p50_ms": _percentiles(client)["p50_ms"],
        "client_p95_ms": _percentiles(client)["p95_ms"],
        "requests": runs,
        "page_kb": round(samples[-1][2] / 1024, 1),
        "sections_ms": sections,
        "csv_export_ms": round(export_ms, 1),
        "csv_export_kb": round(export_bytes / 1024),
        **written,
        "generate_s": generated_s,
        "database": "sqlite (WAL, synchronous=NORMAL)",
        "load_average": round(os.getloadavg()[0], 2),  # other work on the machine skews p95
    }


def table(result: dict[str, Any]) -> list[str]:
    """The result as text: the server time, then each section's."""
    return [
        f"/dashboard server time p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms over "
        f"{result['requests']} requests ({result['evidence']:,} evidence, "
        f"{result['cards']:,} cards)",
        *(
            f"  {name:14} {value} ms (median, in process)"
            for name, value in result["sections_ms"].items()
        ),
    ]
