"""`masterpath bench web`: the study routes under load, through real servers, against a ceiling.

Real `masterpath serve` processes (SQLite with 1 worker; PostgreSQL with each worker count asked
for) start on databases seeded through the services (`webdata.py`): 32 learners, each with a
track, a skill started and a deck of flashcards, logged in. A load client in its own process
(`webclient.py`) drives them over loopback as those learners, with their session cookie and CSRF
header, two ways:

- saturation (closed loop, no think time): the mix of a learner's study round, then each route
  alone (answer submission, next item, card review, dashboard): req/s, p50/p99 per route;
- fixed rate (open loop): 100 answer submissions a second in the same mix for 60 s, latency
  counted from when each request fell due.

In the same run, a bare ASGI hello-world (`hello.py`) served as `masterpath serve` serves the
app (`masterpath/workers.py`, the same worker count) through the same client is the ceiling each
route's throughput is divided by. Client and
servers share the machine, so the CPU each used is reported beside the wall time.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from masterpath.benchmarks import dashboard, servers, webdata

ROUTES = ("answer", "next_item", "review", "dashboard")
LOADS = ("mixed", *ROUTES)  # the saturation phases: the mix, then each route alone
TARGET_P99_MS = 50.0
Progress = Callable[[str], None]


@dataclasses.dataclass(frozen=True)
class Bounds:
    learners: int = 32
    seconds: float = 8.0  # each saturation phase
    rate: float = 100.0  # answer submissions a second in the fixed-rate phase
    rate_seconds: float = 60.0
    max_requests: int = 200_000  # in any one phase
    workers: tuple[int, ...] = (1, 2, 4)  # PostgreSQL; SQLite runs with 1
    postgres: str = "postgresql+psycopg://127.0.0.1:5432/postgres"  # empty: SQLite only
    embedding_model: str | None = None  # None: as configured; "off": BM25 alone


@dataclasses.dataclass(frozen=True)
class Target:
    """Where the client sends its load: a server and the learners it knows."""

    server: servers.Server
    learners: list[dict[str, Any]]
    database: str = ""  # a PostgreSQL database's name: its own counters are read


def drive(target: Target, phases: list[tuple[str, str, float]], bounds: Bounds) -> list[Any]:
    """Phases of (load, shape, seconds), measured by the load client in its own process."""
    plan = {
        "port": target.server.port,
        "server_pid": target.server.pid,
        "rate": bounds.rate,
        "max_requests": bounds.max_requests,
        "learners": target.learners,
        "database": target.database,
        "postgres": webdata.conninfo(bounds.postgres),
        "phases": [
            {"load": load, "shape": shape, "seconds": seconds} for load, shape, seconds in phases
        ],
    }
    done = subprocess.run(
        [sys.executable, "-m", "masterpath.benchmarks.webclient"],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        timeout=sum(p[2] for p in phases) + 600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load client failed: {done.stderr[-2000:]}")
    found: list[Any] = json.loads(done.stdout)
    return found


def _hello(workers: int, bounds: Bounds, progress: Progress) -> dict[str, Any]:
    progress(f"hello-{workers}: saturation for {bounds.seconds} s")
    command = ["masterpath.workers", "masterpath.benchmarks.hello:app", "--workers", str(workers)]
    anonymous = [{"token": "", "skill": "", "deck": ""}] * bounds.learners
    with servers.running(command, {}, workers=workers) as server:
        (found,) = drive(Target(server, anonymous), [("hello", "closed", bounds.seconds)], bounds)
    return {"workers": workers, "saturation": found}


def _app(
    name: str,
    env: dict[str, str],
    learners: list[dict[str, Any]],
    bounds: Bounds,
    progress: Progress,
) -> dict[str, Any]:
    workers = int(name.rsplit("-", 1)[1])
    started = time.perf_counter()
    command = ["masterpath", "serve", "--workers", str(workers)]
    with servers.running(command, env, workers=workers) as server:
        up = round(time.perf_counter() - started, 1)
        progress(
            f"{name}: up in {up} s; fixed rate {bounds.rate:g} answers/s for "
            f"{bounds.rate_seconds:g} s, then saturation: {', '.join(LOADS)}, "
            f"{bounds.seconds:g} s each"
        )
        phases = [("mixed", "open", bounds.rate_seconds)]
        phases += [(load, "closed", bounds.seconds) for load in LOADS]
        url = env["MASTERPATH_DATABASE_URL"]
        database = url.rsplit("/", 1)[1] if url.startswith("postgresql") else ""
        fixed, *closed = drive(Target(server, learners, database), phases, bounds)
    saturation = dict(zip(LOADS, closed, strict=True))
    return {
        "workers": workers,
        "database": name.rsplit("-", 1)[0],
        "startup_s": up,
        "fixed_rate": fixed,
        "saturation": saturation,
    }


def _ratios(config: dict[str, Any], hello: dict[str, Any]) -> dict[str, float]:
    """Each saturation phase's throughput over the hello-world's, same workers, same client:
    the whole round for `mixed`, the route's own for each route alone."""
    ceiling = hello["saturation"]["req_per_s"]
    found = config["saturation"]
    ratios = {"mixed": found["mixed"]["req_per_s"] / ceiling}
    for route in ROUTES:
        ratios[route] = found[route]["routes"].get(route, {}).get("req_per_s", 0.0) / ceiling
    return {k: round(v, 4) for k, v in ratios.items()}


def _machine() -> dict[str, Any]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_before": [round(n, 2) for n in os.getloadavg()],
    }


def run(*, bounds: Bounds = Bounds(), progress: Progress = lambda _: None) -> dict[str, Any]:
    """Every configuration, the ceilings, the ratios and a summary, as one JSON document."""
    result: dict[str, Any] = {"machine": _machine(), "bounds": dataclasses.asdict(bounds)}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        decks = dashboard.deck_pack(folder, cards=webdata.DECK_CARDS)
        why = webdata.reachable(bounds.postgres) if bounds.postgres else "not asked for"
        hellos, configs = _all(folder, decks, bounds, why, progress)
    for config in configs.values():
        config["ratio_to_hello"] = _ratios(config, hellos[f"hello-{config['workers']}"])
    result.update(hello=hellos, configs=configs, summary=_summary(configs, hellos))
    result["postgresql_skipped"] = why
    result["machine"]["load_average_after"] = [round(n, 2) for n in os.getloadavg()]
    result["total_s"] = round(time.perf_counter() - started, 1)
    return result


def _all(
    folder: Path, decks: Path, bounds: Bounds, why: str, progress: Progress
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The hello-world, SQLite and PostgreSQL at each worker count, the ceiling measured just
    before the configurations it is the ceiling of."""
    progress(f"seeding SQLite: content, vectors, {bounds.learners} learners")
    seeded = webdata.environment(folder / "seed", "", decks, bounds.embedding_model)
    sqlite_learners = webdata.seed(seeded, learners=bounds.learners)
    hellos: dict[str, Any] = {}
    configs: dict[str, Any] = {}
    seed_name = webdata.names()[0]
    with webdata.database(bounds.postgres, seed_name) if not why else nullcontext("") as seed_url:
        pg_learners = _postgres_seed(
            seed_url, seeded=seeded, folder=folder, decks=decks, bounds=bounds, progress=progress
        )
        for workers in sorted({1, *bounds.workers}):
            hellos[f"hello-{workers}"] = _hello(workers, bounds, progress)
            if workers == 1:
                webdata.sqlite_copy(folder / "seed", folder / "sqlite-1")
                env = webdata.environment(folder / "sqlite-1", "", decks, bounds.embedding_model)
                configs["sqlite-1"] = _app("sqlite-1", env, sqlite_learners, bounds, progress)
            if seed_url and workers in bounds.workers:
                name = f"postgresql-{workers}"
                configs[name] = _postgres(
                    name,
                    folder=folder,
                    decks=decks,
                    learners=pg_learners,
                    bounds=bounds,
                    progress=progress,
                )
    return hellos, configs


def _postgres_seed(
    url: str,
    *,
    seeded: dict[str, str],
    folder: Path,
    decks: Path,
    bounds: Bounds,
    progress: Progress,
) -> list[dict[str, Any]]:
    """Seed the PostgreSQL database at `url` (none: no learners), with the vectors of the
    SQLite database seeded first."""
    if not url:
        return []
    progress(f"seeding PostgreSQL: content, vectors, {bounds.learners} learners")
    env = webdata.environment(folder / "pg-seed", url, decks, bounds.embedding_model)
    return webdata.seed(env, learners=bounds.learners, vectors_from=seeded)


def _postgres(
    name: str,
    *,
    folder: Path,
    decks: Path,
    learners: list[dict[str, Any]],
    bounds: Bounds,
    progress: Progress,
) -> dict[str, Any]:
    """One PostgreSQL configuration, on a fresh clone of the seeded database."""
    seed_name, run_name = webdata.names()
    with webdata.database(bounds.postgres, run_name, template=seed_name) as url:
        env = webdata.environment(folder / "pg", url, decks, bounds.embedding_model)
        return _app(name, env, learners, bounds, progress)


def _summary(configs: dict[str, Any], hellos: dict[str, Any]) -> dict[str, Any]:
    """Per configuration: errors, the fixed-rate submission p99 against its target, and
    submissions a second at saturation against the hello-world."""
    found = {}
    for name, config in configs.items():
        fixed = config["fixed_rate"]["routes"].get("answer", {})
        alone = config["saturation"]["answer"]["routes"].get("answer", {})
        phases = [config["fixed_rate"], *config["saturation"].values()]
        p99, unsent = fixed.get("p99_ms"), config["fixed_rate"]["unsent"]
        found[name] = {
            "errors": sum(p["errors"] for p in phases),
            "fixed_rate_answers_per_s": fixed.get("req_per_s"),
            "fixed_rate_answer_p99_ms": p99,
            "fixed_rate_unsent": unsent,  # fell due, but the server was too far behind
            "fixed_rate_answer_p99_target_met": (
                p99 is not None and p99 <= TARGET_P99_MS and unsent == 0
            ),
            "saturation_submissions_per_s": alone.get("req_per_s"),
            "hello_req_per_s": hellos[f"hello-{config['workers']}"]["saturation"]["req_per_s"],
            "submissions_ratio_to_hello": config["ratio_to_hello"]["answer"],
        }
    return found


def table(result: dict[str, Any]) -> list[str]:
    """The result as lines of text: one line a phase, one a route."""
    machine = result["machine"]
    lines = [
        f"{machine['cores']} cores, load average before {machine['load_average_before']}, "
        f"{machine['date']}"
    ]
    for name, hello in result["hello"].items():
        lines.append(_phase(name, "saturation", hello["saturation"], None))
    for name, config in result["configs"].items():
        lines.append(_phase(name, "fixed rate", config["fixed_rate"], None))
        for load, phase in config["saturation"].items():
            lines.append(_phase(name, f"saturation {load}", phase, config["ratio_to_hello"][load]))
    if result["postgresql_skipped"]:
        lines.append(f"PostgreSQL skipped: {result['postgresql_skipped']}")
    return lines


def _phase(name: str, what: str, phase: dict[str, Any], ratio: float | None) -> str:
    share = f"  {ratio:.1%} of hello" if ratio is not None else ""
    unsent = f"  unsent {phase['unsent']}" if phase["shape"] == "open" else ""
    head = (
        f"{name:14} {what:22} {phase['req_per_s']:8.1f} req/s  errors {phase['errors']}"
        f"{unsent}{share}"
    )
    cpu = phase["cpu_s"]
    head += (
        f"\n    CPU s in {phase['seconds']} s: client {cpu['client']}, server "
        f"{cpu['server']}, machine {cpu['machine']} of {cpu['machine_capacity']}"
    )
    if phase["database"]:
        head += (
            f"; PostgreSQL: {phase['database']['sessions']} sessions opened, "
            f"{phase['database']['active_s']} s in statements"
        )
    routes = [
        f"    {route:10} {row['count']:7} ok  p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms"
        f"  errors {row['errors']} {row['error_kinds'] or ''}"
        for route, row in phase["routes"].items()
    ]
    return "\n".join([head, *routes])
