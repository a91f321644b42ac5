"""Train the mentor's "outside the content" decision (`masterpath/meaning/scope.py`).

    .venv/bin/python scripts/train_scope.py [--data-dir DIR]            # writes scope.json
    .venv/bin/python scripts/train_scope.py [--data-dir DIR] --dry-run  # the folds only

Logistic regression, labelled "outside" (no unit answers the question) or not, on what the
closeness gates read of each question (`retrieval.gauge`) and the reader's score for its best
unit, over the question sets in `SETS`: the tuning set and the dev sets (which the reader never
trained on) and `independent4` and `independent5`, each looked at once before this and training
data from now on. The L2 strength and the threshold are chosen leaving one set out: the most
outside questions recognised while "can't find" stays within 3% of the answerable questions,
pooled over the folds. `independent6` is never read here. Numpy only; about ten minutes, most
of it the reader.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from masterpath.benchmarks import citations  # noqa: E402
from masterpath.benchmarks.installed import installed  # noqa: E402
from masterpath.domain import retrieval  # noqa: E402
from masterpath.meaning import scope  # noqa: E402
from masterpath.services import knowledge, meaning  # noqa: E402
from masterpath.services.mentor import context  # noqa: E402
from masterpath.settings import load_settings  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SETS = (
    "mentor_dev",
    "mentor_dev2",
    "mentor_dev3",
    "mentor_dev4",
    "mentor_dev5",
    "independent4",
    "independent5",
)
L2 = (1.0, 10.0, 100.0)
THRESHOLDS = tuple(round(0.3 + 0.05 * n, 2) for n in range(9))  # 0.30 to 0.70
BUDGET = 0.03  # "can't find": the most answerable questions it may say are outside


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Logistic regression by gradient descent on standardised inputs, returned as weights and
    bias on the raw inputs."""
    mean, spread = x.mean(0), x.std(0) + 1e-6
    z = (x - mean) / spread
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(3000):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.5 * (z.T @ (p - y) + l2 * w) / len(y)
        b -= 0.5 * float((p - y).mean())
    return w / spread, b - float(mean @ (w / spread))


def read(ctx: object, rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Each question's inputs (rows of `scope.INPUTS`) and whether it is outside."""
    know = knowledge.get(ctx)
    judge = meaning.reader(ctx)
    assert judge is not None, "the reader is needed"
    inputs, outside = [], []
    for row in rows:
        question = retrieval.respelled(know.index, row["question"])
        query = meaning.one(ctx, question[: context.MAX_QUESTION])
        hits, gauge = retrieval.gauge(know.index, question, query=query, skill=row["skill"])
        if gauge is None:
            continue  # nothing matches at all: outside whatever is learned
        best = f"{hits[0].unit.title}. {hits[0].unit.body}"[: meaning.READ_CHARS]
        score = float(judge.scores(question[: meaning.MAX_CHARS], [best])[0])
        values = {**dataclasses.asdict(gauge), "reader": score}
        inputs.append([float(values[name]) for name in scope.INPUTS])
        outside.append(0.0 if row["answers"] else 1.0)
    return np.array(inputs), np.array(outside)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--dry-run", action="store_true", help="print the folds, write nothing")
    args = parser.parse_args()
    with installed(load_settings(), args.data_dir) as ctx:
        named = {"tuning": citations.tuning(FIXTURES / "mentor_questions.yaml")}
        named |= {name: citations.independent(FIXTURES / name) for name in SETS}
        sets = {name: read(ctx, rows) for name, rows in named.items()}
    results = []
    for l2 in L2:
        held = {}
        for name, (x, _) in sets.items():
            xs = np.vstack([sets[n][0] for n in sets if n != name])
            ys = np.concatenate([sets[n][1] for n in sets if n != name])
            w, b = fit(xs, ys, l2)
            held[name] = 1 / (1 + np.exp(-(x @ w + b)))
        for threshold in THRESHOLDS:
            per_set = {}
            for name, (_, y) in sets.items():
                said = held[name] > threshold
                per_set[name] = [
                    int((said & (y == 0)).sum()),
                    int((y == 0).sum()),
                    int((said & (y == 1)).sum()),
                    int((y == 1).sum()),
                ]
            a, b, c, d = (sum(column) for column in zip(*per_set.values(), strict=True))
            results.append((a / b <= BUDGET, c / d, -a / b, l2, threshold, per_set))
    results.sort(key=lambda row: row[:3], reverse=True)
    _, _, _, l2, threshold, per_set = results[0]
    print(
        "left one set out, with the chosen setting (can't find of answerable, outside recognised):"
    )
    for name, (a, b, c, d) in per_set.items():
        print(f"  {name}: can't find {a}/{b}, outside {c}/{d}")
    print(f"chosen: l2 {l2}, threshold {threshold}; runners-up:")
    for row in results[1:6]:
        a, b, c, d = (sum(column) for column in zip(*row[5].values(), strict=True))
        print(f"  l2 {row[3]}, threshold {row[4]}: can't find {a}/{b}, outside {c}/{d}")
    if args.dry_run:
        return
    x = np.vstack([s[0] for s in sets.values()])
    y = np.concatenate([s[1] for s in sets.values()])
    w, b = fit(x, y, l2)
    scope.FILE.write_text(
        json.dumps(
            {
                "inputs": list(scope.INPUTS),
                "trained_on": list(sets),
                "l2": l2,
                "threshold": threshold,
                "left_one_out": per_set,
                "bias": round(b, 6),
                "weights": {
                    name: round(float(v), 6) for name, v in zip(scope.INPUTS, w, strict=True)
                },
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {scope.FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
