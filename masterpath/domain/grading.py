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
    if not isinstance(response, int | float) or not math.isfinite(response):
        raise _bad("answer with a finite number")
    return float(response)


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
    if shorter < 5 or not (a.isalpha() and b.isalpha()):
        return False
    allowed = 1 if shorter < 9 else 2
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


def short_text(concepts: Iterable[Mapping[str, Any]], answer: str) -> Grade:
    """Weighted share of the rubric's concepts the answer expresses in any accepted phrasing."""
    said = terms(answer)
    found, missed, total, got = [], [], 0.0, 0.0
    for concept in concepts:
        weight = float(concept.get("weight", 1.0))
        total += weight
        phrasings = [terms(p, drop_stop=True) or terms(p) for p in concept["phrasings"]]
        if any(phrase_in(p, said) for p in phrasings):
            found.append(concept["id"])
            got += weight
        else:
            missed.append(concept["id"])
    score = got / total if total else 0.0
    return Grade(round(score, 4), found=tuple(found), missed=tuple(missed))
