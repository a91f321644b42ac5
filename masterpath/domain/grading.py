"""Item grading: every item type, partial credit, and typo-tolerant short answers. Pure.

A grade is a score in [0, 1]; an answer is *correct* only at full marks. Responses are checked
for shape first, and a malformed response (an option the item does not have, a short answer
that is empty or too long) raises InvalidInput naming the field, before anything is graded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import Stemmer
from rapidfuzz.distance import DamerauLevenshtein

from masterpath.errors import InvalidInput, Problem

MAX_TEXT = 5_000  # characters in a short answer
FULL = 0.999  # a score at or over this is a correct answer


@dataclass(frozen=True)
class Grade:
    score: float
    found: tuple[str, ...] = ()  # concepts present, or options chosen rightly
    missed: tuple[str, ...] = ()  # concepts missing, or correct options left out
    wrong: tuple[str, ...] = ()  # options chosen that are not correct
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return self.score >= FULL


def _bad(message: str) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, field="response")])


def grade(item: Mapping[str, Any], response: Any) -> Grade:
    """Grade one response to one item (a content-pack item as a mapping)."""
    kind = item["type"]
    if kind == "single_choice":
        return _single(item, response)
    if kind == "multiple_choice":
        return _multiple(item, response)
    if kind == "true_false":
        return _true_false(item, response)
    if kind == "numeric":
        return _numeric(item, response)
    if kind == "ordering":
        return _ordering(item, response)
    if kind == "short_text":
        return short_text(item["concepts"], _text(response))
    raise _bad(f"items of type {kind!r} cannot be graded")


def _option_ids(item: Mapping[str, Any]) -> list[str]:
    return [o["id"] for o in item["options"]]


def _choices(item: Mapping[str, Any], response: Any) -> list[str]:
    chosen = [response] if isinstance(response, str) else response
    if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
        raise _bad("answer with option ids")
    unknown = [c for c in chosen if c not in _option_ids(item)]
    if unknown:
        raise _bad(f"option {unknown[0]!r} does not belong to this item")
    if len(set(chosen)) != len(chosen):
        raise _bad("an option is chosen twice")
    return chosen


def _single(item: Mapping[str, Any], response: Any) -> Grade:
    chosen = _choices(item, response)
    if len(chosen) != 1:
        raise _bad("choose exactly one option")
    right = next(o["id"] for o in item["options"] if o.get("correct"))
    if chosen[0] == right:
        return Grade(1.0, found=(right,))
    return Grade(0.0, missed=(right,), wrong=(chosen[0],))


def _multiple(item: Mapping[str, Any], response: Any) -> Grade:
    """Partial credit: (right picks - wrong picks) / correct options, never below zero."""
    chosen = set(_choices(item, response))
    right = {o["id"] for o in item["options"] if o.get("correct")}
    hits, wrong = chosen & right, chosen - right
    score = max(0.0, (len(hits) - len(wrong)) / len(right))
    order = _option_ids(item)

    def pick(ids: set[str]) -> tuple[str, ...]:  # in the item's order
        return tuple(i for i in order if i in ids)

    return Grade(round(score, 4), found=pick(hits), missed=pick(right - chosen), wrong=pick(wrong))


def _true_false(item: Mapping[str, Any], response: Any) -> Grade:
    if isinstance(response, str) and response.lower() in ("true", "false"):
        response = response.lower() == "true"
    if not isinstance(response, bool):
        raise _bad("answer true or false")
    return Grade(1.0 if response is item["answer"] else 0.0)


def _numeric(item: Mapping[str, Any], response: Any) -> Grade:
    value = _number(response)
    answer, tolerance = float(item["answer"]), float(item.get("tolerance") or 0.0)
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


def _ordering(item: Mapping[str, Any], response: Any) -> Grade:
    """Partial credit: the share of option pairs placed in the right relative order."""
    given = _choices(item, response)
    right = _option_ids(item)
    if sorted(given) != sorted(right):
        raise _bad("order every option exactly once")
    rank = {option: n for n, option in enumerate(given)}
    pairs = [(a, b) for n, a in enumerate(right) for b in right[n + 1 :]]
    in_order = sum(rank[a] < rank[b] for a, b in pairs)
    return Grade(round(in_order / len(pairs), 4), detail={"pairs_in_order": in_order})


def _text(response: Any) -> str:
    if not isinstance(response, str) or not response.strip():
        raise _bad("write an answer")
    if len(response) > MAX_TEXT:
        raise _bad(f"an answer is at most {MAX_TEXT:,} characters; this one has {len(response):,}")
    return response


# Short answers ---------------------------------------------------------------------------------

_stemmer = Stemmer.Stemmer("english")
_TOKEN = re.compile(r"[a-z0-9]+(?:[.:/_][a-z0-9]+)*|(?<![a-z0-9])--?[a-z][a-z0-9]*")
_STOP_WORDS = """
    a an the and or but if then than so of to in on at by for with from into onto as is are was
    were be been being it its this that these those there here which who whom what when where why
    how do does did done can could should would may might must will shall yes i you he she
    we they them their our your his her my me us also just very too only own same such each any
    all both more most other some about over under again further once up down out off"""
STOP = frozenset(_STOP_WORDS.split())


@cache
def _stem(word: str) -> str:
    stemmed: str = _stemmer.stemWord(word)
    return stemmed


def terms(text: str, *, drop_stop: bool = False) -> list[str]:
    """Lower-case tokens, stemmed; technical tokens (0.0.0.0, -p, 8080:8080) are kept whole."""
    found = _TOKEN.findall(text.lower())
    return [_stem(t) if t.isalpha() else t for t in found if not (drop_stop and t in STOP)]


def _close(a: str, b: str) -> bool:
    """Same term, or the same word with a typo (only for words long enough to tell)."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < 6 or not (a.isalpha() and b.isalpha()):
        return False
    allowed = 1 if shorter < 10 else 2
    return DamerauLevenshtein.distance(a, b, score_cutoff=allowed) <= allowed


def phrase_in(phrase: Sequence[str], answer: Sequence[str], gap: int = 2) -> bool:
    """Every term of the phrase appears in order, allowing typos and a few words between."""
    if not phrase:
        return False
    for start, word in enumerate(answer):
        if not _close(phrase[0], word):
            continue
        at, ok = start, True
        for term in phrase[1:]:
            window = answer[at + 1 : at + 2 + gap]
            step = next((n for n, w in enumerate(window) if _close(term, w)), None)
            if step is None:
                ok = False
                break
            at += 1 + step
        if ok:
            return True
    return False


def _says(phrasing: str, said: list[str], said_content: list[str]) -> bool:
    """Content words match content words (stop words neither count nor fill the gap); a
    phrasing made only of stop words ("as is") matches word for word."""
    content = terms(phrasing, drop_stop=True)
    return phrase_in(content, said_content) if content else phrase_in(terms(phrasing), said)


def short_text(concepts: Iterable[Mapping[str, Any]], answer: str) -> Grade:
    """Weighted share of the rubric's concepts the answer expresses in any accepted phrasing."""
    said, said_content = terms(answer), terms(answer, drop_stop=True)
    found, missed, total, got = [], [], 0.0, 0.0
    for concept in concepts:
        weight = float(concept.get("weight", 1.0))
        total += weight
        if any(_says(phrasing, said, said_content) for phrasing in concept["phrasings"]):
            found.append(concept["id"])
            got += weight
        else:
            missed.append(concept["id"])
    score = got / total if total else 0.0
    return Grade(round(score, 4), found=tuple(found), missed=tuple(missed))


# Rubrics derived from a model answer, and a calibrated score -----------------------------------
#
# An author's model answer becomes a rubric of one concept per content word (stemmed, stop words
# dropped). Words the question already says are dropped too: repeating the question earns
# nothing (Mohler et al. 2011, "question demoting"). The grader above scores that rubric like
# any other; `answer_features` adds the few measures a calibration maps to a score.

FEATURES = ("coverage", "support", "trigrams", "length")


def rubric_from_answer(model_answer: str, question: str = "") -> list[dict[str, Any]]:
    """Concepts (the shape authors write) for every content word of the model answer.

    Question words are left out unless the model answer says nothing else.
    """
    asked = set(terms(question, drop_stop=True))
    words: dict[str, str] = {}  # term -> the first word written for it
    for word in _TOKEN.findall(model_answer.lower()):
        if word not in STOP:
            words.setdefault(_stem(word) if word.isalpha() else word, word)
    kept = {t: w for t, w in words.items() if t not in asked} or words
    return [{"id": word, "phrasings": [word], "weight": 1.0} for word in kept.values()]


def support(model_answer: str, answer: str, question: str = "") -> float:
    """Share of the answer's own content words (not the question's) the model answer backs."""
    asked = set(terms(question, drop_stop=True))
    said = [t for t in terms(answer, drop_stop=True) if t not in asked]
    model = set(terms(model_answer, drop_stop=True))
    if not said:
        return 0.0
    return sum(any(_close(t, m) for m in model) for t in said) / len(said)


def _trigrams(text: str) -> dict[str, int]:
    joined = f" {' '.join(terms(text, drop_stop=True))} "
    counts: dict[str, int] = {}
    for n in range(len(joined) - 2):
        counts[joined[n : n + 3]] = counts.get(joined[n : n + 3], 0) + 1
    return counts


def trigram_similarity(a: str, b: str) -> float:
    """Cosine of the character trigrams of two texts' content words: partial word matches."""
    left, right = _trigrams(a), _trigrams(b)
    dot = sum(count * right.get(gram, 0) for gram, count in left.items())
    norm = math.sqrt(sum(c * c for c in left.values()) * sum(c * c for c in right.values()))
    return dot / norm if norm else 0.0


def answer_features(
    rubric: Iterable[Mapping[str, Any]], *, model_answer: str, answer: str, question: str = ""
) -> tuple[float, ...]:
    """The measures in FEATURES, in order.

    coverage: the square root of the rubric grader's score (the first concepts say the most);
    support: the square root of `support`; trigrams: `trigram_similarity`; length: the log
    ratio of the answer's content words to the model answer's.
    """
    coverage = short_text(rubric, answer).score
    backed = support(model_answer, answer, question)
    length = math.log(
        (1 + len(terms(answer, drop_stop=True))) / (1 + len(terms(model_answer, drop_stop=True)))
    )
    similar = trigram_similarity(model_answer, answer)
    return (math.sqrt(coverage), math.sqrt(backed), similar, length)


@dataclass(frozen=True)
class Calibration:
    """A linear map from FEATURES to a score in [0, 1]: intercept, then one weight each."""

    weights: tuple[float, ...]


def fit_calibration(
    features: Sequence[Sequence[float]], scores: Sequence[float], *, ridge: float = 1e-3
) -> Calibration:
    """Least squares (slightly regularised) of human scores in [0, 1] on the features."""
    if not features or len(features) != len(scores):
        raise InvalidInput("a calibration needs as many scores as feature rows, at least one")
    x = np.column_stack([np.ones(len(features)), np.asarray(features, dtype=float)])
    penalty = ridge * np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    weights = np.linalg.solve(x.T @ x + penalty, x.T @ np.asarray(scores, dtype=float))
    return Calibration(tuple(float(w) for w in weights))


def calibrated(calibration: Calibration, features: Sequence[float]) -> float:
    """The calibrated score of one answer's features, clipped to [0, 1]."""
    intercept, *weights = calibration.weights
    value = intercept + sum(w * f for w, f in zip(weights, features, strict=True))
    return min(1.0, max(0.0, value))


def rubric(
    criteria: Sequence[Mapping[str, Any]], text: str
) -> tuple[float | None, list[dict[str, Any]]]:
    """The rubric score (None when a criterion cannot be judged automatically) and, per
    criterion, the points earned and the concepts found and missed."""
    report: list[dict[str, Any]] = []
    earned, total, judged = 0.0, 0.0, True
    for criterion in criteria:
        total += criterion["points"]
        concepts = criterion.get("concepts") or []
        if not concepts or not text.strip():
            judged = False
            report.append(
                {
                    "id": criterion["id"],
                    "criterion": criterion["criterion"],
                    "points": criterion["points"],
                    "earned": None,
                    "found": [],
                    "missed": [],
                }
            )
            continue
        grade = short_text(concepts, text)
        points = round(criterion["points"] * grade.score, 2)
        earned += points
        report.append(
            {
                "id": criterion["id"],
                "criterion": criterion["criterion"],
                "points": criterion["points"],
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
    criteria: Sequence[Mapping[str, Any]], points: Mapping[str, object]
) -> tuple[float, list[dict[str, Any]]]:
    """A person's points per criterion → the score and a report shaped like `rubric`'s.
    Every criterion needs points from 0 to its maximum; all problems are reported at once,
    each naming its field (`points.<criterion id>`)."""
    problems = [Problem(f"the rubric has no criterion {key!r}", field=f"points.{key}")
                for key in points if key not in {c["id"] for c in criteria}]  # fmt: skip
    report: list[dict[str, Any]] = []
    for criterion in criteria:
        name, top = f"points.{criterion['id']}", criterion["points"]
        value = _points(points.get(criterion["id"]))
        if value is None or not 0 <= value <= top:
            problems.append(Problem(f"give a number from 0 to {top}", field=name))
            continue
        report.append({"id": criterion["id"], "criterion": criterion["criterion"], "points": top,
                       "earned": value, "found": [], "missed": []})  # fmt: skip
    if problems:
        first = problems[0]
        message = f"{first.field}: {first.message}" if len(problems) == 1 else (
            f"{len(problems)} scores are not valid")  # fmt: skip
        raise InvalidInput(message, problems=problems)
    total = sum(c["points"] for c in criteria)
    return round(sum(r["earned"] for r in report) / total, 4), report
