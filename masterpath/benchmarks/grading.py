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
from masterpath.domain.content import Concept
from masterpath.domain.short_answers import Meaning
from masterpath.domain.short_answers import Vectors as Vector
from masterpath.errors import InvalidInput, Problem
from masterpath.meaning import Embedder, load

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
MAX_CHARS = 2_000  # as services.meaning: the model reads 256 tokens at most


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


def model(setting: str, *, progress: Callable[[str], None] | None = None) -> Embedder | None:
    """The sentence-embedding model a setting names, or None (and why, to `progress`)."""
    found, why = load(setting)
    if why and progress:
        progress(f"no sentence embeddings ({why}): words alone")
    return found


def _references(
    answers: Sequence[Answer], model: Embedder | None
) -> tuple[dict[str, list[Concept]], dict[str, Vector]]:
    """Each question's derived rubric, and (with a model) the vectors of every reference text:
    cached, as the product caches them, so only the learner's answer is embedded per answer."""
    rubrics: dict[str, list[Concept]] = {}
    texts: list[str] = []
    for a in answers:
        key = f"{a.question}\n{a.model_answer}"
        if key not in rubrics:
            rubrics[key] = grading.rubric_from_answer(a.model_answer, a.question)
            texts += grading.reference_texts(
                rubrics[key], model_answer=a.model_answer, question=a.question
            )
    unique = list(dict.fromkeys(texts))
    if model is None or not unique:
        return rubrics, {}
    return rubrics, dict(zip(unique, model.embed(unique), strict=True))


def _meaning(model: Embedder, text: str, known: dict[str, Vector], model_answer: str) -> Meaning:
    rows = model.embed([t[:MAX_CHARS] for t in grading.sentences(text)])
    return Meaning(rows, phrasings=known, reference=known[model_answer])


def features(
    answers: Sequence[Answer], model: Embedder | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The grader's features of every answer (MEANING_FEATURES given a model, else FEATURES)
    and the milliseconds each answer took: embedding it, its features and nothing cached."""
    rubrics, known = _references(answers, model)
    rows, took = [], []
    for a in answers:
        start = time.perf_counter()
        meaning = _meaning(model, a.answer, known, a.model_answer) if model else None
        rows.append(
            grading.answer_features(
                rubrics[f"{a.question}\n{a.model_answer}"],
                model_answer=a.model_answer,
                answer=a.answer,
                question=a.question,
                meaning=meaning,
            )
        )
        took.append(1000 * (time.perf_counter() - start))
    width = len(grading.MEANING_FEATURES if model else grading.FEATURES)
    return np.array(rows, dtype=float).reshape(len(answers), width), np.array(took)


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


def _speed(took_ms: NDArray[np.float64], scoring_s: float) -> dict[str, float]:
    """Per-answer grading time (ms; the calibrated map's share spread evenly) and answers/s."""
    each = took_ms + 1000 * scoring_s / max(len(took_ms), 1)
    pick = {f"p{q}": round(float(np.percentile(each, q)), 2) for q in (50, 90, 95, 99)}
    return {
        **pick,
        "max": round(float(each.max()), 2),
        "per_s": round(len(each) / max(float(each.sum()) / 1000, 1e-9)),
    }


def _scored(
    x: NDArray[np.float64], human: NDArray[np.float64], assignment: NDArray[np.str_]
) -> tuple[dict[str, Any], NDArray[np.float64], float]:
    predicted, weights, scoring_s = leave_one_assignment_out(x, human, assignment)
    fitted = grading.fit_calibration(x.tolist(), (human / TOP).tolist())
    summary = {
        "pearson": round(pearson(predicted, human), 4),
        "rmse": round(_rmse(predicted, human), 4),
        "assignments": {
            group: {
                "pearson": round(pearson(predicted[held], human[held]), 4),
                "rmse": round(_rmse(predicted[held], human[held]), 4),
                "answers": int(held.sum()),
                "weights": weights[group],
            }
            for group in weights
            for held in [assignment == group]
        },
        "fitted_on_all": [round(w, 4) for w in fitted.weights],
    }
    return summary, predicted, scoring_s


def run(
    answers: Sequence[Answer],
    *,
    model: Embedder | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Metrics of the calibrated grader (with meaning given a model, and on words alone), each
    assignment scored by a fit on the others."""
    assignment = np.array([a.assignment for a in answers])
    if len(set(assignment.tolist())) < 2:
        raise InvalidInput("leave-one-assignment-out needs answers from at least two assignments")
    human = np.array([a.score_avg for a in answers])
    if progress:
        progress(f"grading {len(answers)} answers" + (f" with {model.name}" if model else ""))
    x, took = features(answers, model)
    if progress:
        progress("fitting the calibration leave-one-assignment-out")
    result, _, scoring_s = _scored(x, human, assignment)
    words, _, _ = _scored(features(answers)[0] if model else x, human, assignment)
    rubric_only = TOP * x[:, 0] ** 2  # the rubric grader's own score, uncalibrated
    graders = [np.array([a.score_me for a in answers]), np.array([a.score_other for a in answers])]
    speed = _speed(took, scoring_s)
    return {
        **result,
        "model": model.name if model else None,
        "per_s": speed.pop("per_s"),
        "ms_per_answer": speed,
        "answers": len(answers),
        "features": ["intercept", *(grading.MEANING_FEATURES if model else grading.FEATURES)],
        "baselines": {
            "lexical": words,
            "rubric_score_x5": {
                "pearson": round(pearson(rubric_only, human), 4),
                "rmse": round(_rmse(rubric_only, human), 4),
            },
            "human_graders": {"pearson": round(pearson(*graders), 4)},
        },
    }


def table(result: dict[str, Any]) -> list[str]:
    """The result as text: MasterPath, the baselines, then one line an assignment."""
    rubric, humans = result["baselines"]["rubric_score_x5"], result["baselines"]["human_graders"]
    words, ms = result["baselines"]["lexical"], result["ms_per_answer"]
    return [
        f"masterpath        pearson {result['pearson']:.4f}  rmse {result['rmse']:.4f}  "
        f"{result['per_s']:,} answers/s over {result['answers']:,} answers ({result['model']})",
        f"  ms per answer   p50 {ms['p50']}  p95 {ms['p95']}  p99 {ms['p99']}  max {ms['max']}",
        f"words alone       pearson {words['pearson']:.4f}  rmse {words['rmse']:.4f}",
        f"rubric score x 5  pearson {rubric['pearson']:.4f}  rmse {rubric['rmse']:.4f}",
        f"human graders     pearson {humans['pearson']:.4f} (one grader against the other)",
        *(
            f"  assignment {name:4} pearson {row['pearson']:.4f} ({row['answers']} answers)"
            for name, row in result["assignments"].items()
        ),
    ]
