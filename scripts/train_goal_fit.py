"""Train the goal-fit classifier (`masterpath/meaning/goal_fit.py`): does any installed career
fit this goal?

    .venv/bin/python scripts/train_goal_fit.py            # prints the folds, writes goal_fit.json
    .venv/bin/python scripts/train_goal_fit.py --dry-run  # the folds only

Logistic regression on the goal's all-MiniLM-L6-v2 vector beside its aim's (`aims.focus`),
labelled "no career fits" or not, on the tuning goal sets (`SETS`). The L2 strength and the two
cut-offs the matcher applies (`Tuning.veto`, `Tuning.rescue`) are chosen leaving one author out:
the classifier is fitted on the other sets, the full matcher decides each goal of the set left
out, and the setting with the best balanced accuracy over all folds wins. The independent sets
(tests/fixtures/independent*/goals.yaml) are never read here. Numpy only; a few minutes, most
of it embedding the goals.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from masterpath.benchmarks import goals as bench  # noqa: E402
from masterpath.domain import matching  # noqa: E402
from masterpath.meaning import goal_fit  # noqa: E402
from masterpath.services import goals  # noqa: E402

SETS = (*bench.TUNING_SETS, bench.SIXTH_TUNING_SET, bench.SEVENTH_TUNING_SET)
L2 = (1.0, 10.0, 100.0)
VETO = (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # 1.01: never
RESCUE = (0.0, 0.05, 0.1, 0.15)  # 0.0: never


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Logistic regression by gradient descent on standardised inputs, returned as weights and
    bias on the raw inputs."""
    mean, scale = x.mean(0), x.std(0) + 1e-6
    z = (x - mean) / scale
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(2000):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.5 * (z.T @ (p - y) + l2 * w) / len(y)
        b -= 0.5 * float((p - y).mean())
    return w / scale, b - float(mean @ (w / scale))


def read(ctx: bench.Context, path: Path) -> list[tuple[bench.Labelled, goals.Understood, object]]:
    found = []
    for goal in bench.labelled(path):
        u = goals.understand(ctx, goal.goal)
        e = matching.evidence(u.index, goal.goal, vector=u.vector, aim=u.aim) if u.covered else None
        found.append((goal, u, e))
    return found


def inputs(rows: list) -> tuple[np.ndarray, np.ndarray]:
    kept = [(g, u) for g, u, e in rows if e is not None and u.vector is not None]
    x = np.array(
        [np.concatenate([u.vector, u.aim if u.aim is not None else u.vector]) for _, u in kept]
    )
    y = np.array([0.0 if g.acceptable else 1.0 for g, _ in kept])
    return x, y


def counts(rows: list, unfit: list[float | None], veto: float, rescue: float) -> list[int]:
    """Careers right, goals with one, "no match" right, goals without."""
    tuning = dataclasses.replace(matching.TUNING, veto=veto, rescue=rescue)
    found = [0, 0, 0, 0]
    for (goal, u, e), p in zip(rows, unfit, strict=True):
        career = None
        if e is not None:
            career = matching.decide(u.index, dataclasses.replace(e, unfit=p), tuning=tuning).career
        column = 0 if goal.acceptable else 2
        found[column + 1] += 1
        found[column] += career in goal.acceptable if goal.acceptable else career is None
    return found


def probabilities(rows: list, w: np.ndarray, b: float) -> list[float | None]:
    return [
        None
        if e is None or u.vector is None
        else float(
            1
            / (
                1
                + np.exp(
                    -(np.concatenate([u.vector, u.aim if u.aim is not None else u.vector]) @ w + b)
                )
            )
        )
        for _, u, e in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the folds, write nothing")
    args = parser.parse_args()
    ctx = bench.builtin(Path(tempfile.mkdtemp(prefix="goal-fit-")))
    if bench.meaning_status(ctx):
        sys.exit(f"the embedding model is needed: {bench.meaning_status(ctx)}")
    sets = [read(ctx, path) for path in SETS]
    careers = sorted(sets[0][0][1].index.slugs)
    before = [counts(rows, [None] * len(rows), 1.01, 0.0) for rows in sets]
    results = []
    for l2 in L2:
        held_out = []  # each set's probabilities from a classifier fitted on the others
        for n, rows in enumerate(sets):
            x, y = inputs([r for m, other in enumerate(sets) if m != n for r in other])
            held_out.append(probabilities(rows, *fit(x, y, l2)))
        for veto, rescue in itertools.product(VETO, RESCUE):
            per_set = [
                counts(rows, p, veto, rescue) for rows, p in zip(sets, held_out, strict=True)
            ]
            a, b, c, d = (sum(column) for column in zip(*per_set, strict=True))
            balanced = (a / b + c / d) / 2
            results.append((balanced, (a + c) / (b + d), veto, -rescue, l2, per_set))
    results.sort(reverse=True)
    balanced, _, veto, rescue, l2, per_set = results[0]
    rescue = -rescue
    print("left one author out, the matcher without the classifier, then with the chosen setting:")
    for path, was, now in zip(SETS, before, per_set, strict=True):
        print(
            f"  {path.name}: careers {was[0]}/{was[1]} -> {now[0]}/{now[1]}, "
            f"no match {was[2]}/{was[3]} -> {now[2]}/{now[3]}"
        )
    print(f"chosen: l2 {l2}, veto {veto}, rescue {rescue} (balanced {balanced:.4f}); runners-up:")
    for row in results[1:6]:
        print(f"  balanced {row[0]:.4f}: veto {row[2]}, rescue {-row[3]}, l2 {row[4]}")
    if args.dry_run:
        return
    x, y = inputs([r for rows in sets for r in rows])
    w, b = fit(x, y, l2)
    goal_fit.FILE.write_text(
        json.dumps(
            {
                "model": goal_fit.MODEL,
                "careers": careers,
                "trained_on": [path.name for path in SETS],
                "l2": l2,
                "veto": veto,
                "rescue": rescue,
                "left_one_out": {path.name: row for path, row in zip(SETS, per_set, strict=True)},
                "bias": round(b, 6),
                "weights": [round(float(v), 6) for v in w],
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {goal_fit.FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
