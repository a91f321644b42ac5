"""`masterpath bench …`: the benchmarks, one command each, kept apart from the product's
commands (as datasette keeps `publish`). Each command reads its options, runs its benchmark
module and hands the result to `Report`, which prints progress on stderr and the result on
stdout: one JSON line with --json, the module's `table` otherwise.

Errors are not handled here: `masterpath`'s group (masterpath/cli.py) turns a MasterPathError
raised anywhere beneath it into one message and exit status 1.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from masterpath.benchmarks import datasets
from masterpath.settings import load_settings

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

F = TypeVar("F", bound=Callable[..., Any])
Result = dict[str, Any]
POSITIVE = click.IntRange(min=1)
LAST = "Print one JSON object last."


def json_option(help_text: str = LAST) -> Callable[[F], F]:
    return click.option("--json", "as_json", is_flag=True, help=help_text)


def data_dir_option(func: F) -> F:
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Reuse a data folder with the content loaded (default: a throwaway one).",
    )(func)


@dataclass
class Counter:
    """Progress by counts: a bar on stderr and, when stderr is a log rather than a terminal,
    a `[bench NAME] done/total` line every `every` (never, when None)."""

    name: str
    bar: ProgressBar[int]
    every: int | None
    done: int = 0

    def add(self, size: int) -> None:
        self.bar.update(size)
        self.done += size
        if self.every and not sys.stderr.isatty() and self.done % self.every == 0:
            click.echo(f"[bench {self.name}] {self.done}/{self.bar.length}", err=True)

    def reach(self, done: int) -> None:
        self.add(done - self.done)

    def one_of(self, _done: int, total: int) -> None:
        self.bar.length = total
        self.add(1)


@dataclass(frozen=True)
class Report:
    """One benchmark run at the terminal: steps and counts on stderr, then the result."""

    name: str
    as_json: bool

    def step(self, message: str) -> None:
        click.echo(f"[bench {self.name}] {message}", err=True)

    @contextmanager
    def counting(self, label: str, *, total: int, every: int | None = None) -> Iterator[Counter]:
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            yield Counter(self.name, bar, every)

    def show(self, result: Result, table: Callable[[Result], list[str]]) -> None:
        """The result as one JSON line with --json, else as the benchmark's lines of text."""
        if self.as_json:
            click.echo(json.dumps(result))
            return
        for line in table(result):
            click.echo(line)


def _workers(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(n) for n in value.split(",") if n.strip())
    except ValueError:
        counts = ()
    if not counts or min(counts) < 1:
        raise click.BadParameter(f"{value!r}: give worker counts of 1 or more, e.g. 1,2,4")
    return counts


@click.group()
def bench() -> None:
    """Benchmarks that print their numbers (JSON with --json)."""


@bench.command("startup")
@click.option("--runs", default=5, show_default=True, type=POSITIVE, help="Cold starts to measure.")
@json_option("Print one JSON object.")
def bench_startup(runs: int, as_json: bool) -> None:
    """Cold start: `masterpath serve` on an empty data folder until the first 200."""
    from masterpath.benchmarks import startup

    report = Report("startup", as_json)
    with report.counting("cold starts", total=runs) as counter:
        result = startup.run(runs=runs, progress=counter.reach)
    report.show(result, startup.table)


@bench.command("kt")
@click.option(
    "--train",
    type=click.Path(dir_okay=False, path_type=Path),
    default=datasets.KT_TRAIN,
    show_default=True,
    help="DKVMN-format file to fit on (ASSISTments 2009: data/assist2009_updated of "
    "github.com/jennyzhang0215/DKVMN).",
)
@click.option(
    "--test",
    type=click.Path(dir_okay=False, path_type=Path),
    default=datasets.KT_TEST,
    show_default=True,
    help="DKVMN-format file to predict.",
)
@json_option()
def bench_kt(train: Path, test: Path, as_json: bool) -> None:
    """Knowledge tracing on real data: AUC, RMSE, log loss, ECE, fit time, predictions/s."""
    from masterpath.benchmarks import kt, ktdata, pybkt_baseline

    report = Report("kt", as_json)
    for path in (train, test):
        datasets.require(path, what="answer sequences", source=datasets.KT_SOURCE)
    report.step(f"reading {train} and {test}")
    train_rows, test_rows = ktdata.read(train), ktdata.read(test)
    report.step("MasterPath model: fitting and predicting")
    result = kt.run(train_rows, test_rows)
    report.step("MasterPath model with untrained defaults")
    baselines = {"masterpath_defaults": kt.run(train_rows, test_rows, fitted=False)}
    if pybkt_baseline.available():
        for name, forgets in (("pybkt_bkt", False), ("pybkt_bkt_forgets", True)):
            report.step(f"{name}: fitting (5 restarts) and predicting")
            baselines[name] = pybkt_baseline.run(train_rows, test_rows, forgets=forgets)
    else:
        report.step(
            "pyBKT is not installed here: `make bench-deps && make bench` runs the baselines"
        )
    result["baselines"] = baselines
    report.show(result, kt.table)


@bench.command("gate")
@click.option(
    "--learners",
    default=10_000,
    show_default=True,
    type=POSITIVE,
    help="Simulated learners per rule.",
)
@click.option("--seed", default=7, show_default=True, help="Seed of the simulated population.")
@click.option(
    "--workers", default=2, show_default=True, type=POSITIVE, help="Processes to run in parallel."
)
@json_option()
def bench_gate(learners: int, seed: int, workers: int, as_json: bool) -> None:
    """Simulated learners through the real services: false and missed mastery, items needed."""
    from masterpath.benchmarks import gate

    report = Report("gate", as_json)
    total = learners * len(gate.RULES)
    with report.counting("simulated learners", total=total, every=1) as counter:
        result = gate.run(learners=learners, seed=seed, workers=workers, progress=counter.add)
    report.show(result, gate.table)


@bench.command("grading")
@click.option(
    "--data",
    type=click.Path(dir_okay=False, path_type=Path),
    default=datasets.GRADING,
    show_default=True,
    help="Short-answer CSV: id, question, desired_answer, student_answer, score_me/other/avg "
    "(Mohler et al. 2011, assignments 1-6).",
)
@json_option()
def bench_grading(data: Path, as_json: bool) -> None:
    """Short-answer grading vs human scores, leave-one-assignment-out: r, RMSE, answers/s."""
    from masterpath.benchmarks import grading

    report = Report("grading", as_json)
    datasets.require(data, what="human-scored short answers", source=datasets.GRADING_SOURCE)
    report.step(f"reading {data}")
    model = grading.model(load_settings().embedding_model, progress=report.step)
    report.show(grading.run(grading.read(data), model=model, progress=report.step), grading.table)


@bench.command("tracks")
@click.option(
    "--goals", default=1000, show_default=True, type=POSITIVE, help="Goals per catalogue."
)
@json_option()
@click.option(
    "--sweep",
    is_flag=True,
    help="Only score every fusion and threshold setting on the tuning set, best first.",
)
@click.option(
    "--top", default=20, show_default=True, type=POSITIVE, help="Settings the sweep prints."
)
def bench_tracks(goals: int, as_json: bool, sweep: bool, top: int) -> None:
    """Goal intake → match → plan per track, on the built-in and a 2,000-skill catalogue, and
    goal → career accuracy on the labelled goals (tuning set and independent set)."""
    from masterpath.benchmarks import goals as labelled
    from masterpath.benchmarks import tracks

    report = Report("tracks", as_json)
    for path in (*labelled.TUNING_SETS, labelled.INDEPENDENT_SET):
        datasets.require(path, what="labelled goals")
    if sweep:
        report.show(_sweep(top=top, progress=report.step), labelled.sweep_table)
        return
    report.show(tracks.run(goals=goals, progress=report.step), tracks.table)


def _sweep(*, top: int, progress: Callable[[str], None]) -> Result:
    import tempfile

    from masterpath.benchmarks import goals as labelled

    with tempfile.TemporaryDirectory() as folder:
        ctx = labelled.builtin(Path(folder))
        counted = labelled.sweep_counts(ctx, progress=progress)
        ctx.db.dispose()
    rows = sorted((labelled.pooled(t, c) for t, c in counted), key=labelled.preference)
    return {"settings": len(rows), "best": rows[:top], "folds": labelled.folds(counted)}


@bench.command("placement")
@click.option(
    "--learners",
    default=1000,
    show_default=True,
    type=POSITIVE,
    help="Simulated learners per pass.",
)
@click.option("--seed", default=7, show_default=True, help="Seed of the simulated population.")
@json_option()
def bench_placement(learners: int, seed: int, as_json: bool) -> None:
    """Simulated learners take the real diagnostic: false and missed placements, questions."""
    from masterpath.benchmarks import placement

    report = Report("placement", as_json)
    total = learners * len(placement.PASSES)
    with report.counting("simulated learners", total=total, every=100) as counter:
        result = placement.run(learners=learners, seed=seed, progress=counter.add)
    report.show(result, placement.table)


@bench.command("mentor")
@click.option(
    "--turns", default=500, show_default=True, type=POSITIVE, help="Mentor turns per run."
)
@json_option()
def bench_mentor(turns: int, as_json: bool) -> None:
    """Mentor turns through the HTTP streaming route: first and last byte; LLM overhead."""
    from masterpath.benchmarks import mentor

    report = Report("mentor", as_json)
    report.show(mentor.run(turns=turns, progress=report.step), mentor.table)


@bench.command("citations")
@click.option(
    "--questions",
    type=click.Path(dir_okay=False, path_type=Path),
    default=datasets.FIXTURES / "mentor_questions.yaml",
    show_default=True,
    help="The tuning set: labelled learner questions (YAML).",
)
@click.option(
    "--independent",
    type=click.Path(file_okay=False, path_type=Path),
    default=datasets.FIXTURES / "independent",
    show_default=True,
    help="The independent set: questions.yaml and labels.yaml, used only to measure.",
)
@click.option(
    "--dev",
    type=click.Path(file_okay=False, path_type=Path),
    multiple=True,
    default=(datasets.FIXTURES / "mentor_dev", datasets.FIXTURES / "mentor_dev2"),
    show_default=True,
    help="A labelled development set (questions.yaml, labels.yaml) tuned on with the tuning set;"
    " repeat for more.",
)
@click.option("--sweep", is_flag=True, help="Try fusion weights on the tuning and dev sets.")
@data_dir_option
@json_option()
def bench_citations(  # noqa: PLR0917 - click passes options by position
    questions: Path,
    independent: Path,
    dev: tuple[Path, ...],
    sweep: bool,
    data_dir: Path | None,
    as_json: bool,
) -> None:
    """How often the mentor's first citation is the right one, and outside questions said so."""
    from masterpath.benchmarks import citations
    from masterpath.benchmarks.installed import installed

    report = Report("citations", as_json)
    source = f"{datasets.FIXTURE_SOURCE}; or pass --questions FILE"
    datasets.require(questions, what="labelled learner questions", source=source)
    with installed(load_settings(), data_dir) as ctx:
        tuning = citations.tuning(questions)
        developed = {
            folder.name: citations.independent(folder)
            for folder in dev
            if (folder / "labels.yaml").is_file()
        }
        if sweep:
            every = tuning + [row for rows in developed.values() for row in rows]
            for row in citations.sweep(ctx, every, report.step)[:10]:
                click.echo(json.dumps(row))
            return
        result = {"tuning (training figures)": citations.score(ctx, tuning)}
        for name, rows in developed.items():
            result[f"{name} (training figures)"] = citations.score(ctx, rows)
        if (independent / "labels.yaml").is_file():
            rows = citations.independent(independent)
            result["independent"] = citations.score(ctx, rows)
            result["independent_by_author_scope"] = {
                scope: citations.score(ctx, [r for r in rows if r["scope"] == scope])
                for scope in ("in", "out")
            }
    report.show(result, citations.table)


@bench.command("isolation")
@click.option(
    "--attempts",
    "attempts_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=datasets.FIXTURES / "independent" / "extraction.yaml",
    show_default=True,
    help="Extraction attempts (a YAML list), written independently of the mentor.",
)
@click.option(
    "--every", default=1, show_default=True, type=POSITIVE, help="Take every N-th choice item."
)
@data_dir_option
@json_option()
def bench_isolation(attempts_file: Path, every: int, data_dir: Path | None, as_json: bool) -> None:
    """Extraction attempts on every built-in choice item: verbatim leaks and the two readers."""
    from masterpath.benchmarks import citations, isolation
    from masterpath.benchmarks.installed import installed

    report = Report("isolation", as_json)
    source = f"{datasets.FIXTURE_SOURCE}; or pass --attempts FILE"
    datasets.require(attempts_file, what="extraction attempts", source=source)
    with installed(load_settings(), data_dir) as ctx:
        with report.counting("choice items", total=1) as counter:
            tries = isolation.attempts(attempts_file)
            result = isolation.attack(ctx, tries, counter.one_of, every=every)
        if (attempts_file.parent / "labels.yaml").is_file():
            rows = citations.independent(attempts_file.parent)
            result["beside_an_open_item"] = isolation.silence(ctx, rows)
    report.show(result, isolation.table)


@bench.command("meaning")
@json_option()
def bench_meaning(as_json: bool) -> None:
    """What sentence embeddings cost: install size, throughput, memory, content load times."""
    from masterpath.benchmarks import meaning

    result = meaning.run(load_settings())
    Report("meaning", as_json).show(result, lambda r: json.dumps(r, indent=2).splitlines())


@bench.command("study")
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


@bench.command("dashboard")
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


@bench.command("web")
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


@bench.command("scale")
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
