"""Fit the mentor's ranker (`retrieval.RANKER`) and report it cross-validated.

    .venv/bin/python scripts/fit_mentor_ranker.py [--data-dir DIR] [--outside C --outside-high C]

Reads only the tuning set (tests/fixtures/mentor_questions.yaml) and the dev sets
(tests/fixtures/mentor_dev/, mentor_dev2/, or those `--dev` names); never an independent set. For
each answerable question that is not said to be outside, the best `RERANK_DEPTH` fused units are
the candidates, each described by `retrieval.FEATURES`; the model is a linear score, fitted as
listwise logistic regression (softmax over the candidates, the probability of any acceptable unit
maximised; L2 on standardised features, chosen from L2S by 5-fold cross-validation within the
questions fitted on; Adam, numpy only). Questions with no acceptable candidate are left out of
fitting but counted when scoring. With the ranker comes `retrieval.OUTSIDE_SCORE`: a question whose
best candidate scores below it (`retrieval.relevance`) is outside too; it is set where it
recognises the most outside questions net of answerable ones refused, "can't find" within
CANT_FIND.

Printed: first-citation-right, "can't find" and outside recognised for the fused order and the
cosine rule alone (before) and with the ranker and its threshold (after) on each set trained on
the others (leave one set out), on 5 folds of all sets together, and on every set with the final
fit (training figures); then the threshold and weights to paste into OUTSIDE_SCORE and RANKER.
`--outside` and `--outside-high` try other cosine thresholds (`Weights.outside`, `outside_high`):
the ranker and its threshold are fitted anew under them, so settings compare cross-validated.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path

import click
import numpy as np

from masterpath.benchmarks import citations
from masterpath.benchmarks.installed import installed
from masterpath.domain import retrieval
from masterpath.services import knowledge, meaning
from masterpath.settings import load_settings

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
DEV_SETS = ("mentor_dev", "mentor_dev2")  # the default; mentor_dev3-5 measured, not fitted
L2S = (0.001, 0.003, 0.01, 0.03, 0.1)  # tried by cross-validation on the training questions
CANT_FIND = 0.025  # the share of answerable training questions the outside rules may refuse
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


def questions(
    ctx, name: str, rows: list[dict], weights: retrieval.Weights = retrieval.WEIGHTS
) -> list[Question]:
    index = knowledge.get(ctx).index
    found = []
    for row in rows:
        asked = retrieval.respelled(index, row["question"])
        query = meaning.one(ctx, asked)
        got = retrieval.candidates(index, asked, query=query, skill=row["skill"], weights=weights)
        if got is None or not got.order:
            empty = np.zeros((0, len(retrieval.FEATURES)))
            found.append(Question(name, bool(row["answers"]), True, empty, np.zeros(0, bool)))
            continue
        top = got.order[: retrieval.RERANK_DEPTH]
        right = np.asarray([_acceptable(index.units[i], row) for i in top])
        X = retrieval.features(index, got, top)
        found.append(Question(name, bool(row["answers"]), False, X, right))
    return found


@dataclass
class Model:
    ranker: np.ndarray
    outside: float  # `Weights.outside_score`
    l2: float


def threshold(train: list[Question], ranker: np.ndarray) -> float:
    """The `outside_score` that recognises the most outside training questions net of the
    answerable ones it refuses, with "can't find" (the cosine rule's included) within
    CANT_FIND of the answerable ones; the lowest such score."""
    scored = [
        (retrieval.relevance(q.features, ranker=ranker), q.answerable)
        for q in train
        if not q.outside
    ]
    answerable = sum(q.answerable for q in train)
    budget = CANT_FIND * answerable - sum(q.outside and q.answerable for q in train)
    best, chosen = 0, min((r for r, _ in scored), default=0.0)
    for cut, _ in scored:
        refused = sum(a for r, a in scored if r < cut)
        net = sum(not a for r, a in scored if r < cut) - refused
        if refused <= budget and (net > best or (net == best and cut < chosen)):
            best, chosen = net, cut
    return chosen


def _folds(found: list[Question], folds: int = FOLDS) -> list[tuple[list, list]]:
    order = np.random.default_rng(SEED).permutation(len(found))
    split = []
    for k in range(folds):
        held = set(order[k::folds].tolist())
        test = [q for n, q in enumerate(found) if n in held]
        split.append(([q for n, q in enumerate(found) if n not in held], test))
    return split


def train(found: list[Question]) -> Model:
    """The ranker with the L2 that ranks best cross-validated on `found`, and its threshold."""
    right = {l2: sum(score(test, fit(part, l2))[0] for part, test in _folds(found)) for l2 in L2S}
    l2 = max(L2S, key=lambda each: (right[each], -L2S.index(each)))
    ranker = np.round(fit(found, l2), 4)  # as pasted into RANKER, so figures are the code's
    return Model(ranker, np.floor(100 * threshold(found, ranker)) / 100, l2)


def fit(train: list[Question], l2: float, steps: int = STEPS) -> np.ndarray:
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


def score(test: list[Question], model: Model | np.ndarray | None) -> tuple[int, int, int, int, int]:
    """(right, answerable, can't find, outside questions, outside recognised); None: fused
    order and the cosine rule alone; a bare ranker: no threshold."""
    right = answerable = cant = outside = recognised = 0
    weights = model.ranker if isinstance(model, Model) else model
    for q in test:
        said_outside = q.outside or (
            isinstance(model, Model)
            and retrieval.relevance(q.features, ranker=model.ranker) < model.outside
        )
        if not q.answerable:
            outside += 1
            recognised += said_outside
            continue
        answerable += 1
        if said_outside:
            cant += 1
            continue
        first = 0 if weights is None else int(np.argmax(q.features @ weights))
        right += bool(q.right[first])
    return right, answerable, cant, outside, recognised


def line(name: str, got: tuple[int, int, int, int, int]) -> str:
    right, answerable, cant, outside, recognised = got
    return (
        f"{name:28s} right {right}/{answerable} ({right / max(1, answerable):.1%})  "
        f"can't find {cant} ({cant / max(1, answerable):.1%})  outside {recognised}/{outside}"
    )


@click.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--outside", type=float, default=retrieval.WEIGHTS.outside)
@click.option("--outside-high", type=float, default=retrieval.WEIGHTS.outside_high)
@click.option(
    "--dev",
    "dev_sets",
    multiple=True,
    default=DEV_SETS,
    show_default=True,
    help="Dev sets under tests/fixtures/ to fit on beside the tuning set.",
)
def main(
    data_dir: Path | None, outside: float, outside_high: float, dev_sets: tuple[str, ...]
) -> None:
    weights = replace(retrieval.WEIGHTS, outside=outside, outside_high=outside_high)
    with installed(load_settings(), data_dir) as ctx:
        sets = {"tuning": citations.tuning(FIXTURES / "mentor_questions.yaml")}
        sets |= {name: citations.independent(FIXTURES / name) for name in dev_sets}
        found = {name: questions(ctx, name, rows, weights) for name, rows in sets.items()}
    both = [q for each in found.values() for q in each]

    def report(name: str, train_on: list[Question], test: list[Question]) -> None:
        model = train(train_on)
        click.echo(line(f"{name} before", score(test, None)))
        click.echo(line(f"{name} after (L2 {model.l2})", score(test, model)))

    for name, test in found.items():
        rest = [q for other, each in found.items() if other != name for q in each]
        report(f"{name} (fit on the others)", rest, test)
    totals = {"before": np.zeros(5, int), "after": np.zeros(5, int)}
    for k, (part, test) in enumerate(_folds(both)):
        model = train(part)
        before, after = score(test, None), score(test, model)
        totals["before"] += before
        totals["after"] += after
        click.echo(line(f"fold {k + 1} before", before))
        click.echo(line(f"fold {k + 1} after (L2 {model.l2})", after))
    click.echo(line("5 folds before", tuple(totals["before"])))
    click.echo(line("5 folds after", tuple(totals["after"])))
    final = train(both)
    for name, each in found.items():
        click.echo(line(f"{name} (training figure)", score(each, final)))
    click.echo(f"L2 {final.l2}; OUTSIDE_SCORE = {final.outside:.2f}")
    click.echo("RANKER = (")
    for name, value in zip(retrieval.FEATURES, final.ranker, strict=True):
        click.echo(f"    {value:.4f},  # {name}")
    click.echo(")")


if __name__ == "__main__":
    sys.exit(main())
