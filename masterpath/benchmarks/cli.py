"""`masterpath bench …`: the benchmarks, one command each, kept apart from the product's
commands (as datasette keeps `publish`). The group is here; its commands are in `cli_learning.py`
(how well learners are judged), `cli_mentor.py` (matching and the mentor) and `cli_speed.py`
(timings). Each command reads its options, runs its benchmark module and hands the result to
`Report` (`report.py`), which prints progress on stderr and the result on stdout: one JSON line
with --json, the module's `table` otherwise.

Errors are not handled here: `masterpath`'s group (masterpath/cli.py) turns a MasterPathError
raised anywhere beneath it into one message and exit status 1.
"""

from __future__ import annotations

import click

from masterpath.benchmarks.cli_learning import bench_gate, bench_grading, bench_kt, bench_placement
from masterpath.benchmarks.cli_mentor import (
    bench_citations,
    bench_isolation,
    bench_meaning,
    bench_mentor,
    bench_tracks,
)
from masterpath.benchmarks.cli_speed import (
    bench_dashboard,
    bench_scale,
    bench_startup,
    bench_study,
    bench_web,
)


@click.group(
    commands=[
        bench_citations,
        bench_dashboard,
        bench_gate,
        bench_grading,
        bench_isolation,
        bench_kt,
        bench_meaning,
        bench_mentor,
        bench_placement,
        bench_scale,
        bench_startup,
        bench_study,
        bench_tracks,
        bench_web,
    ]
)
def bench() -> None:
    """Benchmarks that print their numbers (JSON with --json)."""
