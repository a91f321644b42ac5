"""The measurements of `bench scale`: the three requests timed in process on each database, the
sizes taking turns over `ROUNDS` rounds (`Timer`, `timed`), and `masterpath kt fit` in a child
process for its wall time and peak resident memory (`kt_fit`)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from masterpath.benchmarks import population
from masterpath.benchmarks.scale_data import Plan, Prepared, Progress
from masterpath.benchmarks.study import plausible_response
from masterpath.services import (
    Context,
    dashboard,
    evidence_log,
    mastery,
    portfolio,
    practice,
)
from masterpath.store import mastery as mastery_store

WARM_UP = 5
ROUNDS = 4  # the sizes are timed in turns, so other work on the machine weighs on both alike


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


def timed_rounds(
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
