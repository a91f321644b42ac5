"""`masterpath bench` commands that measure how well learners are judged: knowledge tracing
(`kt`), the mastery gate (`gate`), the diagnostic (`placement`) and short-answer grading
(`grading`)."""

from __future__ import annotations

from pathlib import Path

import click

from masterpath.benchmarks import datasets
from masterpath.benchmarks.report import POSITIVE, Report, json_option
from masterpath.settings import load_settings


@click.command("kt")
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


@click.command("gate")
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


@click.command("grading")
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


@click.command("placement")
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
