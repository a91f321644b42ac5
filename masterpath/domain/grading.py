"""Item grading: every item type, partial credit, and typo-tolerant short answers. Pure.

A grade is a score in [0, 1]; an answer is *correct* only at full marks. Responses are checked
for shape first, and a malformed response (an option the item does not have, a short answer
that is empty or too long) raises InvalidInput naming the field, before anything is graded.
Short answers (lexical and by meaning) are graded in `short_answers`; its names are re-exported
here, where callers have always found them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from masterpath.domain.content import Criterion, Item, ItemType
from masterpath.domain.short_answers import (
    FEATURES,
    MEANING_FEATURES,
    STOP,
    THRESHOLD,
    Calibration,
    Meaning,
    answer_features,
    calibrated,
    estimate,
    fit_calibration,
    phrase_in,
    reference_texts,
    rubric_from_answer,
    sentences,
    short_text,
    support,
    terms,
    trigram_similarity,
)
from masterpath.domain.verdict import FULL, Grade
from masterpath.errors import InvalidInput, Problem

MAX_TEXT = 5_000  # characters in a short answer
__all__ = [  # short answers are graded in short_answers; callers import them from here too
    "FEATURES",
    "FULL",
    "MAX_TEXT",
    "MEANING_FEATURES",
    "STOP",
    "THRESHOLD",
    "Calibration",
    "Grade",
    "Meaning",
    "answer_features",
    "calibrated",
    "estimate",
    "fit_calibration",
    "grade",
    "phrase_in",
    "reference_texts",
    "rubric",
    "rubric_from_answer",
    "scored_rubric",
    "sentences",
    "short_text",
    "support",
    "terms",
    "trigram_similarity",
]


def _bad(message: str) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, field="response")])


def grade(item: Item, response: Any, *, meaning: Meaning | None = None) -> Grade:
    """Grade one response to one item.

    `meaning` (vectors of a short answer and of the item's phrasings and model answer) lets
    a short answer earn concepts by meaning too; other item types ignore it.
    """
    if item.type is ItemType.SHORT_TEXT:
        return _short(item, _text(response), meaning)
    return _GRADERS[item.type](item, response)


def _short(item: Item, text: str, meaning: Meaning | None) -> Grade:
    """The concepts found, and beside them a human grader's likely score (`estimate`) and the
    features it came from ("meaning" or "lexical")."""
    graded = short_text(item.concepts, text, meaning=meaning)
    model_answer = item.model_answer
    if not model_answer.strip() or (meaning is not None and meaning.reference is None):
        return graded
    likely = estimate(model_answer=model_answer, answer=text, question=item.stem, meaning=meaning)
    detail = {"estimate": round(likely, 4), "features": "lexical" if meaning is None else "meaning"}
    return Grade(graded.score, found=graded.found, missed=graded.missed, detail=detail)


def _option_ids(item: Item) -> list[str]:
    return [o.id for o in item.options]


def _choices(item: Item, response: Any) -> list[str]:
    chosen = [response] if isinstance(response, str) else response
    if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
        raise _bad("answer with option ids")
    unknown = [c for c in chosen if c not in _option_ids(item)]
    if unknown:
        raise _bad(f"option {unknown[0]!r} does not belong to this item")
    if len(set(chosen)) != len(chosen):
        raise _bad("an option is chosen twice")
    return chosen


def _single(item: Item, response: Any) -> Grade:
    chosen = _choices(item, response)
    if len(chosen) != 1:
        raise _bad("choose exactly one option")
    right = item.correct_options[0].id
    if chosen[0] == right:
        return Grade(1.0, found=(right,))
    return Grade(0.0, missed=(right,), wrong=(chosen[0],))


def _multiple(item: Item, response: Any) -> Grade:
    """Partial credit: (right picks - wrong picks) / correct options, never below zero."""
    chosen = set(_choices(item, response))
    right = {o.id for o in item.correct_options}
    hits, wrong = chosen & right, chosen - right
    score = max(0.0, (len(hits) - len(wrong)) / len(right))
    order = _option_ids(item)

    def pick(ids: set[str]) -> tuple[str, ...]:  # in the item's order
        return tuple(i for i in order if i in ids)

    return Grade(round(score, 4), found=pick(hits), missed=pick(right - chosen), wrong=pick(wrong))


def _true_false(item: Item, response: Any) -> Grade:
    if isinstance(response, str) and response.lower() in ("true", "false"):
        response = response.lower() == "true"
    if not isinstance(response, bool):
        raise _bad("answer true or false")
    return Grade(1.0 if response is item.answer else 0.0)


def _numeric(item: Item, response: Any) -> Grade:
    value = _number(response)
    answer, tolerance = float(item.answer or 0.0), item.tolerance
    slack = max(tolerance, 1e-9 * max(1.0, abs(answer)))
    return Grade(1.0 if abs(value - answer) <= slack else 0.0, detail={"given": value})


def _number(response: Any) -> float:
    if isinstance(response, bool):
        raise _bad("answer with a number")
    if isinstance(response, str):
        cleaned = response.strip().replace(",", "").replace("_", "").rstrip("%$€£ ")
        cleaned = cleaned.lstrip("$€£ ")
        try:
            response = float(cleaned)
        except ValueError:
            raise _bad(f"{response!r} is not a number") from None
    try:
        value = float(response)
    except (TypeError, ValueError, OverflowError):
        raise _bad("answer with a finite number") from None
    if not math.isfinite(value):
        raise _bad("answer with a finite number")
    return value


def _ordering(item: Item, response: Any) -> Grade:
    """Partial credit: the share of option pairs placed in the right relative order."""
    given = _choices(item, response)
    right = _option_ids(item)
    if sorted(given) != sorted(right):
        raise _bad("order every option exactly once")
    rank = {option: n for n, option in enumerate(given)}
    pairs = [(a, b) for n, a in enumerate(right) for b in right[n + 1 :]]
    in_order = sum(rank[a] < rank[b] for a, b in pairs)
    return Grade(round(in_order / len(pairs), 4), detail={"pairs_in_order": in_order})


_GRADERS = {
    ItemType.SINGLE_CHOICE: _single,
    ItemType.MULTIPLE_CHOICE: _multiple,
    ItemType.TRUE_FALSE: _true_false,
    ItemType.NUMERIC: _numeric,
    ItemType.ORDERING: _ordering,
}


def _text(response: Any) -> str:
    if not isinstance(response, str) or not response.strip():
        raise _bad("write an answer")
    if len(response) > MAX_TEXT:
        raise _bad(f"an answer is at most {MAX_TEXT:,} characters; this one has {len(response):,}")
    return response


def answer_text(item: Item) -> str:
    """An item's correct answer in words, as feedback shows it once the answer is recorded."""
    if item.type.is_choice:
        return "; ".join(o.text for o in item.correct_options)
    if item.type is ItemType.ORDERING:
        return " → ".join(o.text for o in item.options)
    if item.type is ItemType.TRUE_FALSE:
        return "True" if item.answer else "False"
    if item.type is ItemType.NUMERIC:
        tolerance = f" (± {item.tolerance:g})" if item.tolerance else ""
        return f"{float(item.answer or 0.0):g}{item.unit}{tolerance}"
    return item.model_answer


def rubric(
    criteria: Sequence[Criterion], text: str, *, meaning: Meaning | None = None
) -> tuple[float | None, list[dict[str, Any]]]:
    """The rubric score (None when a criterion cannot be judged automatically) and, per
    criterion, the points earned and the concepts found and missed (by meaning too, given
    the vectors of the text's sentences and of the concepts' phrasings)."""
    report: list[dict[str, Any]] = []
    earned, total, judged = 0.0, 0.0, True
    for criterion in criteria:
        total += criterion.points
        if not criterion.concepts or not text.strip():
            judged = False
            report.append(
                {
                    "id": criterion.id,
                    "criterion": criterion.criterion,
                    "points": criterion.points,
                    "earned": None,
                    "found": [],
                    "missed": [],
                }
            )
            continue
        grade = short_text(criterion.concepts, text, meaning=meaning)
        points = round(criterion.points * grade.score, 2)
        earned += points
        report.append(
            {
                "id": criterion.id,
                "criterion": criterion.criterion,
                "points": criterion.points,
                "earned": points,
                "found": list(grade.found),
                "missed": list(grade.missed),
            }
        )
    return (round(earned / total, 4) if judged and total else None), report


def _points(raw: object) -> float | None:
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = float(str(raw).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def scored_rubric(
    criteria: Sequence[Criterion], points: Mapping[str, object]
) -> tuple[float, list[dict[str, Any]]]:
    """A person's points per criterion → the score and a report shaped like `rubric`'s.
    Every criterion needs points from 0 to its maximum; all problems are reported at once,
    each naming its field (`points.<criterion id>`)."""
    problems = [
        Problem(f"the rubric has no criterion {key!r}", field=f"points.{key}")
        for key in points
        if key not in {c.id for c in criteria}
    ]
    report: list[dict[str, Any]] = []
    for criterion in criteria:
        name, top = f"points.{criterion.id}", criterion.points
        value = _points(points.get(criterion.id))
        if value is None or not 0 <= value <= top:
            problems.append(Problem(f"give a number from 0 to {top}", field=name))
            continue
        report.append(
            {
                "id": criterion.id,
                "criterion": criterion.criterion,
                "points": top,
                "earned": value,
                "found": [],
                "missed": [],
            }
        )
    if problems:
        first = problems[0]
        message = (
            f"{first.field}: {first.message}"
            if len(problems) == 1
            else (f"{len(problems)} scores are not valid")
        )
        raise InvalidInput(message, problems=problems)
    total = sum(c.points for c in criteria)
    return round(sum(r["earned"] for r in report) / total, 4), report
