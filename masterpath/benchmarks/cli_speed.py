"""`masterpath bench` commands that time the product: cold start (`startup`), answers and
reviews (`study`), the dashboard (`dashboard`), real servers under load (`web`) and many
learners on PostgreSQL (`scale`)."""

from __future__ import annotations

import dataclasses

import click

from masterpath.benchmarks.report import POSITIVE, Report, json_option


@click.command("startup")
@click.option("--runs", default=5, show_default=True, type=POSITIVE, help="Cold starts to measure.")
@json_option("Print one JSON object.")
def bench_startup(runs: int, as_json: bool) -> None:
    """Cold start: `masterpath serve` on an empty data folder until the first 200."""
    from masterpath.benchmarks import startup

    report = Report("startup", as_json)
    with report.counting("cold starts", total=runs) as counter:
        result = startup.run(runs=runs, progress=counter.reach)
    report.show(result, startup.table)


@click.command("study")
@click.option(
    "--answers",
    default=10_000,
    show_default=True,
    type=POSITIVE,
    help="Answer submissions to time.",
)
@click.option(
    "--reviews", default=10_000, show_default=True, type=POSITIVE, help="Card reviews to time."
)
@click.option(
    "--floor", default=2_000, show_default=True, type=POSITIVE, help="One-row inserts to time."
)
@click.option(
    "--postgres",
    default="postgresql+psycopg://127.0.0.1:5432/postgres",
    show_default=True,
    help="A server where the bench may create and drop its own database; empty: SQLite only.",
)
@json_option()
def bench_study(answers: int, reviews: int, floor: int, postgres: str, as_json: bool) -> None:
    """Latency and SQL statements of answers and card reviews through the services, on SQLite
    and PostgreSQL, beside each database's floor (a transaction inserting one row)."""
    from masterpath.benchmarks import study

    report = Report("study", as_json)
    found = study.run(
        answers=answers, reviews=reviews, floor=floor, postgres=postgres, progress=report.step
    )
    report.show(found, study.table)


@click.command("dashboard")
@click.option(
    "--evidence",
    default=20_000,
    show_default=True,
    type=click.IntRange(min=0),
    help="Evidence records to generate.",
)
@click.option(
    "--cards",
    default=2_000,
    show_default=True,
    type=click.IntRange(min=0),
    help="Flashcards the learner has.",
)
@click.option(
    "--runs", default=200, show_default=True, type=POSITIVE, help="Requests of /dashboard to time."
)
@json_option()
def bench_dashboard(evidence: int, cards: int, runs: int, as_json: bool) -> None:
    """Server time of /dashboard for a learner with a long history, on SQLite."""
    from masterpath.benchmarks import dashboard

    report = Report("dashboard", as_json)
    result = dashboard.run(evidence=evidence, cards=cards, runs=runs, progress=report.step)
    report.show(result, dashboard.table)


ABOVE_ZERO = click.FloatRange(min=0, min_open=True)


def _workers(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(n) for n in value.split(",") if n.strip())
    except ValueError:
        counts = ()
    if not counts or min(counts) < 1:
        raise click.BadParameter(f"{value!r}: give worker counts of 1 or more, e.g. 1,2,4")
    return counts


@click.command("web")
@click.option(
    "--learners",
    default=32,
    show_default=True,
    type=POSITIVE,
    help="Logged-in learners (connections).",
)
@click.option(
    "--seconds", default=8.0, show_default=True, type=ABOVE_ZERO, help="Each saturation phase."
)
@click.option(
    "--rate",
    default=100.0,
    show_default=True,
    type=ABOVE_ZERO,
    help="Answers a second, fixed rate.",
)
@click.option(
    "--rate-seconds", default=60.0, show_default=True, type=ABOVE_ZERO, help="The fixed-rate phase."
)
@click.option(
    "--max-requests", default=200_000, show_default=True, type=POSITIVE, help="Cap on any phase."
)
@click.option(
    "--workers",
    default="1,2,4",
    show_default=True,
    callback=_workers,
    help="PostgreSQL worker counts.",
)
@click.option(
    "--postgres",
    default="postgresql+psycopg://127.0.0.1:5432/postgres",
    show_default=True,
    help="A server where the bench may create and drop its own databases; empty: SQLite only.",
)
@click.option("--embedding-model", default=None, help="`off` for BM25 alone (default: as set).")
@click.option("--quick", is_flag=True, help="Tiny bounds: 4 learners, 1 s phases, 1 worker.")
@json_option()
def bench_web(  # noqa: PLR0917 - click passes options by position
    learners: int,
    seconds: float,
    rate: float,
    rate_seconds: float,
    max_requests: int,
    workers: tuple[int, ...],
    postgres: str,
    embedding_model: str | None,
    quick: bool,
    as_json: bool,
) -> None:
    """Answer, next item, card review and dashboard through real servers, against a
    hello-world: saturation and a fixed arrival rate (SQLite; PostgreSQL with each --workers)."""
    from masterpath.benchmarks import web

    bounds = web.Bounds(
        learners=learners,
        seconds=seconds,
        rate=rate,
        rate_seconds=rate_seconds,
        max_requests=max_requests,
        workers=workers,
        postgres=postgres,
        embedding_model=embedding_model,
    )
    if quick:
        bounds = dataclasses.replace(
            bounds, learners=4, seconds=1.0, rate=10.0, rate_seconds=2.0, workers=(1,)
        )
    report = Report("web", as_json)
    report.show(web.run(bounds=bounds, progress=report.step), web.table)


@click.command("scale")
@click.option(
    "--learners", default=100_000, show_default=True, type=POSITIVE, help="Generated learners."
)
@click.option(
    "--small",
    default=1_000,
    show_default=True,
    type=click.IntRange(min=0),
    help="Generated learners of the database compared against (0: none).",
)
@click.option(
    "--evidence",
    "each",
    default=100,
    show_default=True,
    type=POSITIVE,
    help="Evidence records per learner.",
)
@click.option(
    "--history",
    "history_evidence",
    default=5_000,
    show_default=True,
    type=POSITIVE,
    help="Evidence records of the long-history learner whose dashboard is timed.",
)
@click.option(
    "--runs",
    default=200,
    show_default=True,
    type=POSITIVE,
    help="Dashboards and explanations timed.",
)
@click.option(
    "--submissions", default=2_000, show_default=True, type=POSITIVE, help="Answers timed."
)
@click.option(
    "--server",
    default="postgresql+psycopg://127.0.0.1:5432/postgres",
    show_default=True,
    help="A database on the PostgreSQL server; scratch databases are made beside it.",
)
@click.option(
    "--prefix",
    default="bench_scale",
    show_default=True,
    help="Scratch database names: PREFIX_small and PREFIX_large (dropped at the end).",
)
@json_option()
def bench_scale(  # noqa: PLR0917 - click passes options by position
    learners: int,
    small: int,
    each: int,
    history_evidence: int,
    runs: int,
    submissions: int,
    server: str,
    prefix: str,
    as_json: bool,
) -> None:
    """PostgreSQL with many learners against a small database: dashboard and explanation p95,
    answer p99, kt fit time and memory, database size."""
    from masterpath.benchmarks import scale

    report = Report("scale", as_json)
    result = scale.run(
        learners=learners,
        small=small,
        each=each,
        history_evidence=history_evidence,
        runs=runs,
        submissions=submissions,
        server=server,
        prefix=prefix,
        progress=report.step,
    )
    report.show(result, scale.table)
