"""`masterpath bench grading`: short-answer grading against human scores (0–5).

Every student answer is graded by the short-text grader of `domain.grading`, its rubric derived
from the question's reference answer the way an author's model answer becomes a rubric. The
grader's features are mapped to a score by a linear calibration fitted leave-one-assignment-out:
each assignment (the part of `id` before the dot) is scored by a calibration fitted on the other
assignments only. Reported: Pearson r and RMSE against `score_avg`, answers graded per second
(rubric derivation, features and scoring; not fitting), r per assignment, and for reference the
uncalibrated rubric score times five and the agreement of the two human graders.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from masterpath.domain import grading
from masterpath.errors import InvalidInput, Problem

COLUMNS = (
    "id",
    "question",
    "desired_answer",
    "student_answer",
    "score_me",
    "score_other",
    "score_avg",
)
SCORES = ("score_me", "score_other", "score_avg")
TOP = 5.0


@dataclass(frozen=True)
class Answer:
    question_id: str
    question: str
    model_answer: str
    answer: str
    score_me: float
    score_other: float
    score_avg: float

    @property
    def assignment(self) -> str:
        return self.question_id.split(".")[0]


def _problem(path: Path, line: int, message: str) -> Problem:
    return Problem(message, file=str(path), line=line)


def _row(path: Path, line: int, row: dict[str, str | None]) -> tuple[Answer | None, list[Problem]]:
    if any(value is None for value in row.values()) or None in row:
        return None, [_problem(path, line, f"expected {len(COLUMNS)} columns")]
    problems: list[Problem] = []
    scores: dict[str, float] = {}
    for name in SCORES:
        text = (row[name] or "").strip()
        try:
            scores[name] = float(text)
        except ValueError:
            problems.append(_problem(path, line, f"{name} must be a number, not {text!r}"))
            continue
        if not 0 <= scores[name] <= TOP:
            problems.append(_problem(path, line, f"{name} must be from 0 to 5, not {text}"))
    if not (row["id"] or "").strip():
        problems.append(_problem(path, line, "id is empty"))
    if problems:
        return None, problems
    answer = Answer(
        str(row["id"]).strip(),
        str(row["question"]),
        str(row["desired_answer"]),
        str(row["student_answer"]),
        **scores,
    )
    return answer, []


def read(path: Path) -> list[Answer]:
    """Every answer of the file; a malformed file raises an error naming each bad line."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return _parse(path, handle)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: not a readable CSV file ({exc})") from exc


def _parse(path: Path, handle: Any) -> list[Answer]:
    reader = csv.DictReader(handle)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        problem = _problem(path, 1, f"missing column(s): {', '.join(missing)}")
        raise InvalidInput(str(problem), problems=[problem])
    answers: list[Answer] = []
    problems: list[Problem] = []
    line = reader.line_num + 1
    for row in reader:
        answer, found = _row(path, line, row)
        problems += found
        if answer:
            answers.append(answer)
        line = reader.line_num + 1
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InvalidInput(f"{problems[0]}{more}", problems=problems)
    if not answers:
        raise InvalidInput(f"{path}: no answers")
    return answers


def pearson(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Pearson r; 0.0 where either side is constant (r is undefined there)."""
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def _rmse(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2)))


def features(answers: Sequence[Answer]) -> NDArray[np.float64]:
    """The grader's features of every answer, each rubric derived once per question."""
    rubrics: dict[str, list[dict[str, Any]]] = {}
    rows = []
    for a in answers:
        key = f"{a.question}\n{a.model_answer}"
        if key not in rubrics:
            rubrics[key] = grading.rubric_from_answer(a.model_answer, a.question)
        rows.append(
            grading.answer_features(
                rubrics[key], model_answer=a.model_answer, answer=a.answer, question=a.question
            )
        )
    return np.array(rows, dtype=float).reshape(len(answers), len(grading.FEATURES))


def leave_one_assignment_out(
    x: NDArray[np.float64], human: NDArray[np.float64], assignment: NDArray[np.str_]
) -> tuple[NDArray[np.float64], dict[str, list[float]], float]:
    """Scores (0–5) of every answer by a calibration fitted without its assignment.

    Returns the scores, each assignment's calibration weights, and the seconds spent scoring.
    """
    predicted, weights, scoring_s = np.zeros(len(human)), {}, 0.0
    for group in sorted(set(assignment.tolist())):
        held = assignment == group
        fitted = grading.fit_calibration(x[~held].tolist(), (human[~held] / TOP).tolist())
        weights[group] = [round(w, 3) for w in fitted.weights]
        start = time.perf_counter()
        predicted[held] = [TOP * grading.calibrated(fitted, row) for row in x[held].tolist()]
        scoring_s += time.perf_counter() - start
    return predicted, weights, scoring_s


def run(
    answers: Sequence[Answer], *, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Metrics of the calibrated grader, each assignment scored by a fit on the others."""
    assignment = np.array([a.assignment for a in answers])
    if len(set(assignment.tolist())) < 2:
        raise InvalidInput("leave-one-assignment-out needs answers from at least two assignments")
    human = np.array([a.score_avg for a in answers])
    if progress:
        progress(f"grading {len(answers)} answers")
    start = time.perf_counter()
    x = features(answers)
    features_s = time.perf_counter() - start
    if progress:
        progress("fitting the calibration leave-one-assignment-out")
    predicted, weights, scoring_s = leave_one_assignment_out(x, human, assignment)
    rubric_only = TOP * x[:, 0] ** 2  # the rubric grader's own score, uncalibrated
    graders = [np.array([a.score_me for a in answers]), np.array([a.score_other for a in answers])]
    return {
        "pearson": round(pearson(predicted, human), 4),
        "rmse": round(_rmse(predicted, human), 4),
        "per_s": round(len(answers) / max(features_s + scoring_s, 1e-9)),
        "answers": len(answers),
        "assignments": {
            group: {
                "pearson": round(pearson(predicted[held], human[held]), 4),
                "answers": int(held.sum()),
                "weights": weights[group],
            }
            for group in weights
            for held in [assignment == group]
        },
        "features": ["intercept", *grading.FEATURES],
        "baselines": {
            "rubric_score_x5": {
                "pearson": round(pearson(rubric_only, human), 4),
                "rmse": round(_rmse(rubric_only, human), 4),
            },
            "human_graders": {"pearson": round(pearson(*graders), 4)},
        },
    }
