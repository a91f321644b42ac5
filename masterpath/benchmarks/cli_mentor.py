"""`masterpath bench` commands for matching and the mentor: goals to tracks (`tracks`), mentor
turns (`mentor`), citations (`citations`), answer isolation (`isolation`) and what sentence
embeddings cost (`meaning`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from masterpath.benchmarks import datasets
from masterpath.benchmarks.report import POSITIVE, Report, Result, data_dir_option, json_option
from masterpath.settings import load_settings


@click.command("tracks")
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


@click.command("mentor")
@click.option(
    "--turns", default=500, show_default=True, type=POSITIVE, help="Mentor turns per run."
)
@json_option()
def bench_mentor(turns: int, as_json: bool) -> None:
    """Mentor turns through the HTTP streaming route: first and last byte; LLM overhead."""
    from masterpath.benchmarks import mentor

    report = Report("mentor", as_json)
    report.show(mentor.run(turns=turns, progress=report.step), mentor.table)


@click.command("citations")
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
    default=datasets.FIXTURES / "independent7",
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


@click.command("isolation")
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


@click.command("meaning")
@json_option()
def bench_meaning(as_json: bool) -> None:
    """What sentence embeddings cost: install size, throughput, memory, content load times."""
    from masterpath.benchmarks import meaning

    result = meaning.run(load_settings())
    Report("meaning", as_json).show(result, lambda r: json.dumps(r, indent=2).splitlines())
