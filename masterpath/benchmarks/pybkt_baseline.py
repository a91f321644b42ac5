"""pyBKT baselines (standard BKT and BKT with forgetting) for `masterpath bench kt`.

pyBKT is a benchmark-only dependency: `make bench-deps` builds `.venv-bench` with pyBKT 1.4.2
(C++ core); the product's own environment never installs it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence as Seq
from typing import Any

import numpy as np

from masterpath.benchmarks.ktdata import Sequence, metrics


def available() -> bool:
    try:
        import pyBKT.models  # noqa: F401
    except ImportError:
        return False
    return True


def _frame(sequences: Seq[Sequence]) -> Any:
    import pandas as pd

    rows = [
        (learner, str(skill), correct)
        for learner, seq in enumerate(sequences)
        for skill, correct in zip(seq.skills, seq.correct, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["user_id", "skill_name", "correct"])
    frame["order_id"] = np.arange(len(frame))
    return frame


def run(
    train: Seq[Sequence], test: Seq[Sequence], *, forgets: bool, seed: int = 42
) -> dict[str, float]:
    """Fit on train; predict every test answer from the learner's earlier answers."""
    from pyBKT.models import Model

    train_frame, test_frame = _frame(train), _frame(test)
    model = Model(seed=seed, num_fits=5, parallel=True)
    start = time.perf_counter()
    model.fit(data=train_frame, forgets=forgets)
    fit_s = time.perf_counter() - start
    known = set(train_frame["skill_name"])
    scored = test_frame[test_frame["skill_name"].isin(known)]
    start = time.perf_counter()
    predicted = model.predict(data=scored)
    pred_s = time.perf_counter() - start
    labels = predicted["correct"].to_numpy(dtype=float)
    scores = predicted["correct_predictions"].to_numpy(dtype=float)
    result = metrics(labels, scores)
    result.update(
        fit_s=round(fit_s, 2),
        pred_per_s=round(len(scores) / pred_s),
        skipped=int(len(test_frame) - len(scored)),
    )
    return result
