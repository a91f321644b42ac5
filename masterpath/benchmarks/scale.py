"""`masterpath bench scale`: MasterPath on PostgreSQL with 100,000 learners (10 million evidence
records), against the same figures with 1,000 learners.

Each size gets a scratch database, migrated, with the built-in packs. One learner gets a long
history made as for `bench dashboard` (`history.py`: eight months of practice, mastery and
retention checks, graded tasks and flashcard reviews; 5,000 evidence records by default); the
other learners are generated and copied in bulk (`population.py`), the long history's evidence
mixed in by time. After VACUUM (ANALYZE), as autovacuum would have run by then, the counters
are checked against the evidence. With both databases ready, three requests are timed in
process through the service functions the web routes call, the sizes taking turns over four
rounds so that other work on the machine weighs on both alike:

- dashboard: the services the /dashboard page calls, in its order, for the long-history
  learner (the HTML is not rendered);
- mastery explanation: `mastery.explain` for each of that learner's skills in turn;
- answer submission: `practice.answer` (grade, record the evidence, update mastery: one
  transaction) by generated learners picked at random.

Then `masterpath kt fit` runs in a child process on the whole database, for its wall time and
the child's peak resident memory. The scratch databases are dropped at the end.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from masterpath.benchmarks import history, population
from masterpath.benchmarks.study import plausible_response
from masterpath.clock import Clock
from masterpath.errors import Unavailable
from masterpath.services import (
    Context,
    accounts,
    dashboard,
    evidence,
    evidence_log,
    mastery,
    packs,
    portfolio,
    practice,
)
from masterpath.services import tracks as track_service
from masterpath.settings import Settings
from masterpath.store import accounts as account_store
from masterpath.store import mastery as mastery_store
from masterpath.store import migrate, scratch

SERVER = "postgresql+psycopg://127.0.0.1:5432/postgres"
TARGET = 1.5  # the large database's figure may be at most this many times the small one's
WARM_UP = 5
ROUNDS = 4  # the sizes are timed in turns, so other work on the machine weighs on both alike
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Plan:
    learners: int
    each: int = 100  # evidence records per generated learner
    history: int = 5_000  # evidence records of the long-history learner
    runs: int = 200  # dashboards and explanations timed
    submissions: int = 2_000
    checked: int = 10  # generated learners whose counters are recomputed by the engine
    seed: int = 1


def percentiles(samples: list[float]) -> dict[str, float]:
    """Nearest-rank percentiles of milliseconds, and how many samples there were."""
    ordered = sorted(samples)

    def rank(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": rank(0.95),
        "p99_ms": rank(0.99),
        "max_ms": round(ordered[-1], 2),
        "count": len(ordered),
    }


def _dashboard(ctx: Context, user: int) -> None:
    """What GET /dashboard asks of the services, in the route's order."""
    found = dashboard.track_map(ctx, user_id=user)
    dashboard.mastery_history(ctx, user_id=user)
    dashboard.card_forecast(ctx, user_id=user)
    dashboard.activity(
        ctx,
        user_id=user,
        plan_per_week=found.hours_per_week,
        hours_left=found.hours_left,
        finish_planned=found.finish,
    )
    evidence_log.page(ctx, user_id=user, filters=evidence_log.Filters())
    portfolio.portfolio(ctx, user_id=user)


def _share(total: int, part: int) -> int:
    """Calls of `total` made in round `part` (0 .. ROUNDS - 1)."""
    return total // ROUNDS + (part < total % ROUNDS)


class Timer:
    """The three requests on one database, timed a share at a time (`round`), after warming up.

    - dashboard: the services GET /dashboard calls, for the long-history learner;
    - explanation: `mastery.explain` for each of that learner's skills in turn;
    - submit: `practice.answer` by generated learners picked at random (items asked beforehand).
    """

    def __init__(self, ctx: Context, *, user: int, learners: list[int], plan: Plan) -> None:
        with ctx.db.begin() as tx:
            skills = sorted(mastery_store.skill_states(tx, user))
        cat = population.catalogue(ctx)
        rng = np.random.default_rng(plan.seed)
        who = rng.choice(np.array(learners), WARM_UP + plan.submissions).tolist()
        items = rng.integers(len(cat.items), size=len(who)).tolist()
        asked = [
            practice.practice_item(ctx, user_id=u, item_id=cat.items[i])
            for u, i in zip(who, items, strict=True)
        ]
        right = rng.random(len(who)) < 0.7

        def submit(n: int) -> None:
            practice.answer(
                ctx,
                user_id=who[n],
                item_id=asked[n].id,
                seconds=30.0,
                response=plausible_response(asked[n], bool(right[n]), rng),
            )

        self.calls: dict[str, Callable[[int], object]] = {
            "dashboard": lambda _: _dashboard(ctx, user),
            "explanation": lambda n: mastery.explain(
                ctx, user_id=user, skill_id=skills[n % len(skills)]
            ),
            "submit": submit,
        }
        self.totals = {"dashboard": plan.runs, "explanation": plan.runs, "submit": plan.submissions}
        self.samples: dict[str, list[float]] = {name: [] for name in self.calls}
        self.load: list[float] = []
        for call in self.calls.values():
            for n in range(WARM_UP):
                call(n)

    def round(self, part: int) -> None:
        self.load.append(round(os.getloadavg()[0], 2))
        for name, call in self.calls.items():
            done = self.samples[name]
            for _ in range(_share(self.totals[name], part)):
                started = time.perf_counter()
                call(WARM_UP + len(done))
                done.append((time.perf_counter() - started) * 1000)

    def figures(self) -> dict[str, Any]:
        """p50/p95/p99 of each request, and the 1-minute load average as each round began."""
        return {
            **{name: percentiles(s) for name, s in self.samples.items()},
            "load_average": self.load,
        }


class _Undo(Exception):
    """Raised to roll back a transaction whose writes were only a means to compare."""


def _difference(a: Any, b: Any) -> float:
    left, right = np.ravel(np.array(a, dtype=float)), np.ravel(np.array(b, dtype=float))
    return float(np.abs(left - right).max()) if left.shape == right.shape else float("inf")


def _recomputed(ctx: Context, user: int) -> float:
    """The engine's own update (`evidence.add`) replays the learner's graded answers for a new
    learner (each as practice: the mode changes dates, never counters), rolled back afterwards:
    the largest difference from the stored counters (infinite when the skills, attempts or skill
    order differ)."""
    try:
        with ctx.db.begin() as tx:
            now = ctx.clock.now()
            shadow = account_store.add_user(
                tx,
                email=f"shadow-{user}@example.invalid",
                display_name="shadow",
                password_hash="-",
                role="learner",
                timezone="UTC",
                now=now,
            ).id
            for e in mastery_store.graded_answers_of(tx, first_user=user, last_user=user):
                evidence.add(
                    tx,
                    now=now,
                    user_id=shadow,
                    skill_id=e.skill_id,
                    source_kind="item",
                    source_id=e.source_id,
                    mode="practice",
                    score=e.score,
                    grader="auto",
                    hints_used=e.hints_used,
                )
            raise _Undo(_compare(tx, user, shadow))
    except _Undo as undo:
        return float(undo.args[0])


def _compare(tx: Any, user: int, shadow: int) -> float:
    stored, replayed = mastery_store.skill_states(tx, user), mastery_store.skill_states(tx, shadow)
    graded = {s for s, st in stored.items() if st.graded_attempts}
    if graded != set(replayed):
        return float("inf")
    worst = 0.0
    for skill in graded:
        if stored[skill].graded_attempts != replayed[skill].graded_attempts:
            return float("inf")
        for name, value in stored[skill].counters.items():
            worst = max(worst, _difference(value, replayed[skill].counters[name]))
    mine, theirs = (mastery_store.learner_state_seen(tx, u) for u in (user, shadow))
    if mine is None or theirs is None or mine.skill_ids != theirs.skill_ids:
        return float("inf")
    for name, value in mine.counters.items():
        worst = max(worst, _difference(value, theirs.counters[name]))
    return worst


def consistency(ctx: Context, *, users: list[int]) -> dict[str, Any]:
    """Counters against evidence: recomputed by the engine for a few learners (a learner whose
    skills, attempts or skill order differ counts as a mismatch); graded attempts totalled over
    everyone; and no evidence row pointing at a missing learner or skill."""
    found = [_recomputed(ctx, u) for u in users]
    totals = scratch.attempt_totals(ctx.db)
    return {
        "learners_recomputed": len(users),
        "learners_identical": sum(d == 0.0 for d in found),
        "mismatched_learners": sum(d == float("inf") for d in found),
        "largest_counter_difference": max((d for d in found if d < float("inf")), default=0.0),
        "graded_attempts": totals,
        "attempts_match": totals["skill_states"] == totals["evidence"],
        "orphan_evidence": scratch.orphans(ctx.db),
    }


# Runs the command given after the report path and writes its exit status, wall time and peak
# resident memory there. Linux carries the peak RSS across exec: a child forked (or vforked) from
# this large benchmark process would report the benchmark's own memory. Started from this small
# launcher instead, the command's figure is its own.
LAUNCHER = """import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
report = {"exit": os.waitstatus_to_exitcode(status), "wall_s": time.perf_counter() - started,
          "peak_rss_kb": usage.ru_maxrss}
with open(sys.argv[1], "w") as out:
    json.dump(report, out)
"""


def kt_fit(url: str, folder: Path) -> dict[str, Any]:
    """`masterpath kt fit` in a child process: wall time and the child's peak resident memory
    (`getrusage` of that child alone)."""
    env = {
        **os.environ,
        "MASTERPATH_DATABASE_URL": url,
        "MASTERPATH_ENV": "development",
        "MASTERPATH_SECRET_KEY": "bench",
        "MASTERPATH_DATA_DIR": str(folder),
        "MASTERPATH_EMBEDDING_MODEL": "off",
    }
    log, report = folder / "kt-fit.log", folder / "kt-fit.json"
    command = [
        sys.executable,
        "-c",
        LAUNCHER,
        str(report),
        sys.executable,
        "-m",
        "masterpath",
        "kt",
        "fit",
    ]
    with log.open("wb") as out:
        subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
    said = log.read_text(errors="replace").strip().splitlines()
    found = json.loads(report.read_text())
    if found["exit"]:
        raise RuntimeError("kt fit failed:\n" + "\n".join(said[-20:]))
    peak = round(found["peak_rss_kb"] / 1024, 1)
    return {
        "wall_s": round(found["wall_s"], 1),
        "peak_rss_mb": peak,
        "said": said[-1] if said else "",
    }


def _long_learner(ctx: Context, plan: Plan) -> tuple[int, history.Built]:
    """The learner whose pages are timed: account and track made through the services (dated
    eight months ago), history generated."""
    start = Context(ctx.settings, ctx.db, Clock(-timedelta(days=history.DAYS)))
    user = accounts.register(start, email="long@example.invalid", password="bench password").id
    intake = track_service.Intake(goal="become an AI engineering architect", hours_per_week=6)
    if track_service.create(start, intake, user_id=user).track is None:
        raise RuntimeError("the goal matched no built-in career")
    built = history.build(
        ctx, user_id=user, evidence=plan.history, cards=plan.history // 25, seed=11
    )
    history.write(ctx, built, evidence=False)
    return user, built


def _fill(ctx: Context, plan: Plan, progress: Progress) -> dict[str, Any]:
    started = time.perf_counter()
    migrate.upgrade(ctx.db)
    packs.install_builtin(ctx)
    setup = time.perf_counter() - started
    user, built = _long_learner(ctx, plan)
    with ctx.db.begin() as tx:
        found = account_store.user_by_id(tx, user)
        assert found is not None
        password_hash = found.password_hash
    rows = population.populate(
        ctx,
        first_id=user + 1,
        learners=plan.learners,
        each=plan.each,
        password_hash=password_hash,
        extra=built,
        seed=plan.seed,
        progress=progress,
    )
    generated = time.perf_counter() - started - setup
    progress("VACUUM (ANALYZE)")
    scratch.vacuum_analyze(ctx.db)
    return {
        "user": user,
        "rows": rows,
        "setup_s": round(setup, 1),
        "generate_s": round(generated, 1),
        "vacuum_analyze_s": round(time.perf_counter() - started - setup - generated, 1),
        "long_history": built.summary,
    }


@dataclass(frozen=True)
class Prepared:
    """One size's scratch database, filled and checked."""

    ctx: Context
    user: int  # the long-history learner
    learners: list[int]  # the generated ones
    figures: dict[str, Any]
    folder: Path


@contextmanager
def prepared(server: str, name: str, plan: Plan, progress: Progress) -> Iterator[Prepared]:
    """A scratch database filled and checked; dropped when the block ends."""
    db = scratch.create(server, name)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                env="development",
                data_dir=Path(folder),
                secret_key="bench",
                database_url=scratch.url_of(server, name),
                embedding_model="off",
            )
            ctx = Context(settings, db, Clock())
            made = _fill(ctx, plan, progress)
            user = made.pop("user")
            sizes = {k: round(v / 2**20, 1) for k, v in scratch.sizes(db).items()}
            progress(f"{name}: checking the counters against the evidence")
            generated = list(range(user + 1, user + 1 + plan.learners))
            sample = generated[:: max(1, len(generated) // plan.checked)][: plan.checked]
            figures = {
                "learners": plan.learners,
                "evidence_per_learner": plan.each,
                **made,
                "size_mb": sizes,
                "counters": consistency(ctx, users=[user, *sample]),
                "server": scratch.server_facts(db),
            }
            yield Prepared(ctx, user, generated, figures, Path(folder))
    finally:
        db.dispose()
        scratch.drop(server, name)


def _timed(
    sites: dict[str, Prepared], plans: dict[str, Plan], progress: Progress
) -> dict[str, Any]:
    """Every size's figures, the sizes taking turns over `ROUNDS` rounds."""
    timers = {
        label: Timer(site.ctx, user=site.user, learners=site.learners, plan=plans[label])
        for label, site in sites.items()
    }
    for part in range(ROUNDS):
        progress(f"timing: round {part + 1} of {ROUNDS}")
        for timer in timers.values():
            timer.round(part)
    return {label: timer.figures() for label, timer in timers.items()}


def _ratios(small: dict[str, Any], large: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {
        request: {
            q: round(large[request][q] / max(small[request][q], 1e-9), 2)
            for q in ("p50_ms", "p95_ms", "p99_ms")
        }
        for request in ("dashboard", "explanation", "submit")
    }


def _machine() -> dict[str, Any]:
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(pages / 2**30, 1),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def run(
    *,
    learners: int = 100_000,
    small: int = 1_000,
    each: int = 100,
    history_evidence: int = 5_000,
    runs: int = 200,
    submissions: int = 2_000,
    server: str = SERVER,
    prefix: str = "bench_scale",
    progress: Progress = lambda _: None,
) -> dict[str, Any]:
    problem = scratch.reachable(server)
    if problem:
        raise Unavailable(problem)
    started = time.perf_counter()
    result: dict[str, Any] = {"machine": _machine(), "rounds": ROUNDS, "sizes": {}}
    counts = {label: n for label, n in (("small", small), ("large", learners)) if n > 0}
    plans = {
        label: Plan(n, each=each, history=history_evidence, runs=runs, submissions=submissions)
        for label, n in counts.items()
    }
    with ExitStack() as stack:
        sites = {}
        for label, plan in plans.items():
            progress(f"{label}: {plan.learners:,} learners × {each} evidence records")
            sites[label] = stack.enter_context(
                prepared(server, f"{prefix}_{label}", plan, progress)
            )
        timed = _timed(sites, plans, progress)
        for label, site in sites.items():
            progress(f"{label}: kt fit in a child process")
            fitted = kt_fit(site.ctx.settings.url, site.folder)
            result["sizes"][label] = {**site.figures, **timed[label], "kt_fit": fitted}
    sizes = result["sizes"]
    if "small" in sizes and "large" in sizes:
        ratios = _ratios(sizes["small"], sizes["large"])
        result["ratios"] = ratios
        result["within_target"] = {
            "target": TARGET,
            "dashboard_p95": ratios["dashboard"]["p95_ms"] <= TARGET,
            "explanation_p95": ratios["explanation"]["p95_ms"] <= TARGET,
            "submit_p99": ratios["submit"]["p99_ms"] <= TARGET,
        }
    result["total_s"] = round(time.perf_counter() - started, 1)
    result["load_average_end"] = [round(v, 2) for v in os.getloadavg()]
    return result


def table(result: dict[str, Any]) -> list[str]:
    """The result as text: each size's figures, then the ratios of the large to the small."""
    lines = []
    for label, size in result["sizes"].items():
        lines.append(
            f"{label}: {size['learners']:,} learners, {size['rows']['evidence']:,} evidence rows "
            f"generated in {size['generate_s']} s; database {size['size_mb']['database']:,} MB"
        )
        lines += [
            f"  {name:12} p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  "
            f"p99 {row['p99_ms']} ms  over {row['count']:,}"
            for name, row in ((name, size[name]) for name in ("dashboard", "explanation", "submit"))
        ]
        fit = size["kt_fit"]
        lines.append(f"  kt fit       {fit['wall_s']} s, peak RSS {fit['peak_rss_mb']} MB")
    return lines + [
        f"ratio {name:12} p50 {row['p50_ms']}  p95 {row['p95_ms']}  p99 {row['p99_ms']}"
        for name, row in result.get("ratios", {}).items()
    ]
