"""Fit the mentor's ranker (`retrieval.RANKER`) and report it cross-validated.

    .venv/bin/python scripts/fit_mentor_ranker.py [--data-dir DIR]

Reads only the tuning set (tests/fixtures/mentor_questions.yaml) and the dev set
(tests/fixtures/mentor_dev/); never the independent set. For each answerable question that is
not said to be outside, the best `RERANK_DEPTH` fused units are the candidates, each described
by `retrieval.FEATURES`; the model is a linear score, fitted as listwise logistic regression
(softmax over the candidates, the probability of any acceptable unit maximised; L2 on
standardised features; Adam, numpy only). Questions with no acceptable candidate are left out of
fitting but counted when scoring.

Printed: first-citation-right, "can't find" and outside recognised for the fused order (before)
and the ranker (after) on each set trained on the other, on 5 folds of both sets together, and
on both sets with the final fit (training figures); then the weights to paste into RANKER.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np

from masterpath.benchmarks import citations
from masterpath.benchmarks.installed import installed
from masterpath.domain import retrieval
from masterpath.services import knowledge, meaning
from masterpath.settings import load_settings

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
L2 = 0.003
STEPS = 1500
FOLDS = 5
SEED = 0


@dataclass
class Question:
    name: str  # the set
    answerable: bool
    outside: bool  # said to be outside (no candidates)
    features: np.ndarray  # candidates × features
    right: np.ndarray  # candidates: acceptable or not


def _acceptable(unit: retrieval.Unit, row: dict) -> bool:
    if unit.id in row["answers"]:
        return True
    if row["sections"] and unit.kind == "answer" and unit.sources:
        return f"{unit.skill}/{unit.sources[0]}" in row["answers"]
    return False


def questions(ctx, name: str, rows: list[dict]) -> list[Question]:
    index = knowledge.get(ctx).index
    found = []
    for row in rows:
        query = meaning.one(ctx, row["question"])
        got = retrieval.candidates(index, row["question"], query=query, skill=row["skill"])
        if got is None or not got.order:
            empty = np.zeros((0, len(retrieval.FEATURES)))
            found.append(Question(name, bool(row["answers"]), True, empty, np.zeros(0, bool)))
            continue
        top = got.order[: retrieval.RERANK_DEPTH]
        right = np.asarray([_acceptable(index.units[i], row) for i in top])
        X = retrieval.features(index, got, top)
        found.append(Question(name, bool(row["answers"]), False, X, right))
    return found


def fit(train: list[Question], l2: float = L2, steps: int = STEPS) -> np.ndarray:
    use = [q for q in train if q.answerable and not q.outside and q.right.any()]
    depth = max(len(q.right) for q in use)
    dims = use[0].features.shape[1]
    X = np.zeros((len(use), depth, dims))
    Y = np.zeros((len(use), depth))
    mask = np.zeros((len(use), depth), bool)
    for n, q in enumerate(use):
        X[n, : len(q.right)] = q.features
        Y[n, : len(q.right)] = q.right
        mask[n, : len(q.right)] = True
    flat = X[mask]
    mu, sd = flat.mean(0), flat.std(0) + 1e-9
    Z = np.where(mask[..., None], (X - mu) / sd, 0.0)
    w = np.zeros(dims)
    m = np.zeros(dims)
    v = np.zeros(dims)
    for t in range(1, steps + 1):
        s = np.where(mask, Z @ w, -np.inf)
        s -= s.max(1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(1, keepdims=True)
        q = p * Y
        q /= q.sum(1, keepdims=True)
        g = l2 * w + np.einsum("nkd,nk->d", Z, p - q) / len(Z)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= 0.05 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w / sd  # on raw features: a constant per question does not change the order


def score(test: list[Question], weights: np.ndarray | None) -> tuple[int, int, int, int, int]:
    """(right, answerable, can't find, outside questions, outside recognised); None: fused."""
    right = answerable = cant = outside = recognised = 0
    for q in test:
        if not q.answerable:
            outside += 1
            recognised += q.outside
            continue
        answerable += 1
        if q.outside:
            cant += 1
            continue
        first = 0 if weights is None else int(np.argmax(q.features @ weights))
        right += bool(q.right[first])
    return right, answerable, cant, outside, recognised


def line(name: str, got: tuple[int, int, int, int, int]) -> str:
    right, answerable, cant, outside, recognised = got
    return (
        f"{name:28s} right {right}/{answerable} ({right / answerable:.1%})  "
        f"can't find {cant} ({cant / answerable:.1%})  outside {recognised}/{outside}"
    )


@click.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
def main(data_dir: Path | None) -> None:
    with installed(load_settings(), data_dir) as ctx:
        tuning = questions(ctx, "tuning", citations.tuning(FIXTURES / "mentor_questions.yaml"))
        dev = questions(ctx, "dev", citations.independent(FIXTURES / "mentor_dev"))
    both = tuning + dev

    def report(name: str, train: list[Question], test: list[Question]) -> None:
        click.echo(line(f"{name} before", score(test, None)))
        click.echo(line(f"{name} after", score(test, fit(train))))

    report("dev (fit on tuning)", tuning, dev)
    report("tuning (fit on dev)", dev, tuning)
    order = np.random.default_rng(SEED).permutation(len(both))
    totals = {"before": np.zeros(5, int), "after": np.zeros(5, int)}
    for k in range(FOLDS):
        held = set(order[k::FOLDS].tolist())
        test = [q for n, q in enumerate(both) if n in held]
        train = [q for n, q in enumerate(both) if n not in held]
        before, after = score(test, None), score(test, fit(train))
        totals["before"] += before
        totals["after"] += after
        click.echo(line(f"fold {k + 1} before", before))
        click.echo(line(f"fold {k + 1} after", after))
    click.echo(line("5 folds before", tuple(totals["before"])))
    click.echo(line("5 folds after", tuple(totals["after"])))
    final = fit(both)
    click.echo(line("tuning (training figure)", score(tuning, final)))
    click.echo(line("dev (training figure)", score(dev, final)))
    click.echo("RANKER = (")
    for name, value in zip(retrieval.FEATURES, final, strict=True):
        click.echo(f"    {value:.4f},  # {name}")
    click.echo(")")


if __name__ == "__main__":
    sys.exit(main())
