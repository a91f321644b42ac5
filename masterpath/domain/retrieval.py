"""Retrieval over a skill's content for the mentor: lesson sections and resources. Pure.

A lesson is split at its `## ` headings into sections, each citable by an anchor; resources are
passages of their own (title and kind). BM25 (bm25s) ranks passages for a question. A question
whose meaningful words the skill's content barely covers is "outside the content": the mentor
says so instead of inventing an answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import bm25s
import numpy as np

from masterpath.domain.grading import terms
from masterpath.domain.matching import EXPAND

MIN_COVERAGE = 0.4  # below this share of the question's words, the question is outside
FILLER = frozenset(
    terms(
        """what why how when where which who does do is are can could should would will
        explain mean means meaning difference between vs versus example examples tell me please
        help understand get got thing things stuff ok okay hi hello thanks thank question
        someone anyone work works working worked like just really right make makes made
        have has had keep need needs want wants way ways use using used one ones new now get
        getting go going still also actually basically pretty yeah yes no not good bad better
        worse best t s d m ll re ve isn aren wasn don doesn didn doesnt dont cant"""
    )
)
_FENCE = re.compile(r"^```")


@dataclass(frozen=True)
class Passage:
    id: str  # the citation: "lesson#anchor" or a resource URL
    title: str
    text: str
    kind: str  # lesson or resource


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


@dataclass
class Index:
    passages: list[Passage]
    retriever: Any
    vocabulary: set[str]
    specificity: dict[str, float]


def anchor(heading: str) -> str:
    """The id a rendered heading gets: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


def sections(lesson: str) -> list[tuple[str, str]]:
    """(heading, text) for each `## ` section; text before the first one is the introduction."""
    found: list[tuple[str, list[str]]] = [("Introduction", [])]
    fenced = False
    for line in lesson.splitlines():
        if _FENCE.match(line.strip()):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            found.append((line[3:].strip(), []))
        elif not (not fenced and line.startswith("# ")):
            found[-1][1].append(line)
    return [
        (heading, "\n".join(body).strip()) for heading, body in found if "\n".join(body).strip()
    ]


def passages(skill: Mapping[str, Any]) -> list[Passage]:
    """A skill's citable passages: its lesson sections, then its resources."""
    found = [
        Passage(f"lesson#{anchor(heading)}", heading, f"{heading}\n{heading}\n{text}", "lesson")
        for heading, text in sections(str(skill.get("lesson", "")))
    ]
    for resource in skill.get("resources", []):
        found.append(Passage(resource["url"], resource["title"],
                             f"{resource['title']} ({resource['kind']})", "resource"))  # fmt: skip
    return found


def words(text: str) -> list[str]:
    found = []
    for word in terms(text[:20_000], drop_stop=True):
        if word in FILLER:
            continue
        found += terms(EXPAND[word], drop_stop=True) if word in EXPAND else [word]
    return found


def build(found: Sequence[Passage]) -> Index:
    tokens = [words(p.text) for p in found]
    retriever = bm25s.BM25(k1=1.2, b=0.5)  # sections vary in length: normalise it gently
    if found:
        retriever.index(tokens, show_progress=False)
    n = max(1, len(tokens))
    frequency: dict[str, int] = {}
    for each in tokens:
        for word in set(each):
            frequency[word] = frequency.get(word, 0) + 1
    specificity = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}
    return Index(list(found), retriever, set(frequency), specificity)


def coverage(index: Index, question: str) -> float:
    """Share of the question's meaningful words that the skill's content uses at all."""
    said = set(words(question))
    if not said:
        return 0.0
    return sum(1 for w in said if w in index.vocabulary) / len(said)


def search(
    index: Index, question: str, *, limit: int = 3, exclude: Collection[str] = ()
) -> list[Hit]:
    """Passages that answer the question, best first; empty when it is outside the content.

    `exclude` names passages that must not be used (answer isolation).
    """
    said = words(question)
    if not said or not index.passages or coverage(index, question) < MIN_COVERAGE:
        return []
    scores = np.asarray(index.retriever.get_scores(said), dtype=float)
    order = sorted(range(len(index.passages)), key=lambda i: (-scores[i], i))
    hits = [Hit(index.passages[i], float(scores[i])) for i in order
            if scores[i] > 0 and index.passages[i].id not in exclude]  # fmt: skip
    return hits[:limit]
