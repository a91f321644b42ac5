"""Is a question outside the content? One learned decision over what the closeness gates and
the reader read of it.

`scripts/train_scope.py` fits logistic regression on labelled learner questions (in scope or
outside): the inputs are the best unit's cosine, how much of the question's wording the content
uses, whether it names something nothing installed knows, the ranker's relevance, whether it
asks for a kind of fact none of the best units states (`retrieval.Gauge`) and the reader's score
for the best unit. Above `threshold`, the mentor says the question is outside the content. It
replaces the gates' separate hand-set cut-offs and reads one unit, not three. The file,
`scope.json`, holds six weights, a bias and the threshold; it goes with the packaged model and
its reader only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FILE = Path(__file__).with_name("scope.json")
INPUTS = ("best", "coverage", "named", "relevance", "unanswered", "reader")


@dataclass(frozen=True)
class Scope:
    weights: tuple[float, ...]  # in the order of INPUTS
    bias: float
    threshold: float  # above this probability, outside

    def outside(self, values: dict[str, float]) -> float:
        """The probability that the question is outside the content."""
        x = np.array([float(values[name]) for name in INPUTS])
        return float(1 / (1 + np.exp(-(x @ np.array(self.weights) + self.bias))))


def load(path: Path = FILE) -> Scope | None:
    """The decision, or None when its file is missing or unreadable (the gates decide)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        weights = tuple(float(data["weights"][name]) for name in INPUTS)
        return Scope(weights, float(data["bias"]), float(data["threshold"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
