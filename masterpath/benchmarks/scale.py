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

The databases are made and checked in `scale_data.py`, timed in `scale_timing.py`; this module
runs the two sizes and compares them.
"""

from __future__ import annotations

import os
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

from masterpath.benchmarks.scale_data import Plan, Progress, prepared
from masterpath.benchmarks.scale_timing import ROUNDS, kt_fit, timed_rounds
from masterpath.errors import Unavailable
from masterpath.store import scratch

SERVER = "postgresql+psycopg://127.0.0.1:5432/postgres"
TARGET = 1.5  # the large database's figure may be at most this many times the small one's


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
        timed = timed_rounds(sites, plans, progress)
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
