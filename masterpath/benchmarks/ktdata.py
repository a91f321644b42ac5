"""Knowledge-tracing benchmark data (the DKVMN split format) and the metrics reported on it.

Three lines per learner: the number of answers; comma-separated skill ids; comma-separated
0/1 correctness, in time order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from masterpath.errors import InvalidInput, Problem


@dataclass(frozen=True)
class Sequence:
    skills: tuple[int, ...]
    correct: tuple[int, ...]


def _ints(text: str, *, path: Path, line: int, what: str) -> list[int]:
    try:
        return [int(part) for part in text.strip().rstrip(",").split(",") if part.strip()]
    except ValueError as exc:
        raise _bad(path, line, f"{what}: expected comma-separated integers") from exc


def _bad(path: Path, line: int, message: str) -> InvalidInput:
    return InvalidInput(
        f"{path}:{line}: {message}", problems=[Problem(message, file=str(path), line=line)]
    )


def read(path: Path) -> list[Sequence]:
    """Every learner's sequence; a malformed file raises an error naming the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from exc
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) % 3:
        raise _bad(path, len(lines), "the file must have three lines per learner")
    found = []
    for start in range(0, len(lines), 3):
        count = _ints(lines[start], path=path, line=start + 1, what="count")
        skills = _ints(lines[start + 1], path=path, line=start + 2, what="skills")
        correct = _ints(lines[start + 2], path=path, line=start + 3, what="correctness")
        if len(count) != 1 or count[0] != len(skills) or len(skills) != len(correct):
            raise _bad(path, start + 1, "the count does not match the skills and answers below")
        if any(value not in (0, 1) for value in correct):
            raise _bad(path, start + 3, "correctness must be 0 or 1")
        found.append(Sequence(tuple(skills), tuple(correct)))
    if not found:
        raise InvalidInput(f"{path}: no learners")
    return found


def auc(labels: NDArray[np.float64], scores: NDArray[np.float64]) -> float:
    """Area under the ROC curve by the rank-sum formula, ties given their mean rank."""
    order = np.argsort(scores, kind="mergesort")
    ranked = scores[order]
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    _, first, counts = np.unique(ranked, return_index=True, return_counts=True)
    for start, size in zip(first, counts, strict=True):
        if size > 1:
            ranks[order[start : start + size]] = start + (size + 1) / 2
    positives = labels == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def ece(labels: NDArray[np.float64], scores: NDArray[np.float64], bins: int = 10) -> float:
    """Expected calibration error over equal-width bins of predicted probability."""
    index = np.minimum((scores * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            total += mask.sum() * abs(scores[mask].mean() - labels[mask].mean())
    return float(total / len(scores))


def metrics(labels: NDArray[np.float64], scores: NDArray[np.float64]) -> dict[str, float]:
    clipped = np.clip(scores, 1e-6, 1 - 1e-6)
    logloss = -np.mean(labels * np.log(clipped) + (1 - labels) * np.log(1 - clipped))
    return {
        "auc": round(auc(labels, scores), 4),
        "rmse": round(float(np.sqrt(np.mean((labels - scores) ** 2))), 4),
        "logloss": round(float(logloss), 4),
        "ece": round(ece(labels, scores), 4),
    }
