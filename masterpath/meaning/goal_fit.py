"""Does any installed career fit this goal? A linear classifier on the goal's sentence vector.

`scripts/train_goal_fit.py` fits logistic regression on the labelled goals of the tuning sets
(tests/fixtures/goals*.yaml): the input is the goal's all-MiniLM-L6-v2 vector beside the vector
of what it aims at (`aims.focus`), the output the probability that no career fits. It learns what
the careers cover from goals, not from words, so "data analyst who builds dashboards" and "GPU
chip designer" are told from "keep the fraud model alive in prod" by meaning. It was trained for
the core pack's careers and that model only: with other careers installed, or another model, it
is not used (`applies`). The file is a few thousand numbers: `goal_fit.json`.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

FILE = Path(__file__).with_name("goal_fit.json")
MODEL = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class GoalFit:
    careers: frozenset[str]  # the careers it was trained for
    weights: NDArray[np.float64]  # goal vector then aim vector
    bias: float
    veto: float  # above this probability of no fit, no career is matched
    rescue: float  # below it, the best career is matched though under the threshold

    def applies(self, model: str, careers: Collection[str]) -> bool:
        return model == MODEL and frozenset(careers) == self.careers

    def unfit(self, goal: NDArray[np.float32], aim: NDArray[np.float32] | None) -> float:
        """The probability that no career fits the goal."""
        found = np.concatenate([goal, goal if aim is None else aim]).astype(np.float64)
        return float(1 / (1 + np.exp(-(found @ self.weights + self.bias))))


def load(path: Path = FILE) -> GoalFit | None:
    """The classifier, or None when its file is missing or unreadable (matching goes on
    without it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return GoalFit(
            frozenset(data["careers"]),
            np.asarray(data["weights"], dtype=np.float64),
            float(data["bias"]),
            float(data["veto"]),
            float(data["rescue"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
