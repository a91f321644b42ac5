"""Retrieval for the mentor over every installed skill: hybrid BM25 and embeddings. Pure.

What the mentor can cite are *units*: a skill's explanations (questions learners ask, answered
in the pack), its lesson sections (split at `## ` headings, each with an anchor) and its
resources (title and a one-line summary). BM25 (bm25s) and cosine similarity of sentence
embeddings rank the units separately; the two rankings are fused by weighted reciprocal rank,
with a small preference for the skill the learner is on. Vectors come from outside (the model
is I/O); without them retrieval is BM25 alone. A question nothing is close to in meaning (or,
on BM25 alone, whose words the content barely uses) is "outside the content".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np
from numpy.typing import NDArray

from masterpath.domain.content import Skill
from masterpath.domain.grading import terms
from masterpath.domain.matching import EXPAND

Vectors = NDArray[np.float32]
MIN_COVERAGE = 0.4  # BM25 alone: below this share of the question's words, it is outside
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
# Abbreviations learners use that the content spells out (besides the goal matcher's).
ABBREVIATIONS = {
    **EXPAND,
    "adr": "architecture decision record adr",
    "adrs": "architecture decision record adr",
    "rag": "retrieval augmented generation rag",
}
_FENCE = re.compile(r"^```")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`*“\"(])")


@dataclass(frozen=True)
class Weights:
    """How the rankings are fused: chosen with `masterpath bench citations --sweep`."""

    bm25: float = 1.0
    meaning: float = 1.0
    same_skill: float = 0.01  # added to the fused score of the current skill's units
    resource: float = 0.5  # a resource's fused score is scaled by this: content answers first
    answer: float = 1.0  # an explanation's fused score is scaled by this
    rrf_k: int = 60
    outside: float = 0.4  # below this best cosine, nothing installed is close in meaning;
    outside_high: float = 0.55  # below this, nor is a question whose words the content
    outside_coverage: float = 0.8  # uses less than this share of


WEIGHTS = Weights()


@dataclass(frozen=True)
class Unit:
    id: str  # "<skill>/q#<anchor>", "<skill>/lesson#<anchor>" or a resource URL
    skill: str
    kind: str  # answer, lesson or resource
    title: str  # the question, the section heading or the resource title
    body: str  # what may be quoted: the answer, the section text or the resource summary
    sources: tuple[str, ...] = ()  # an answer's own citations (lesson#anchor or URL)

    @property
    def key_text(self) -> str:
        """The short text its meaning is compared on, besides each of its sentences."""
        return f"{self.title}. {self.body}" if self.kind == "resource" else self.title

    @property
    def meaning_texts(self) -> list[str]:
        """Its key text, then its sentences: a unit is as close to a question as the closest."""
        return [self.key_text, *sentences(self.body)]


@dataclass(frozen=True)
class Hit:
    unit: Unit
    score: float
    cosine: float  # similarity of its key text to the question (0 without vectors)


@dataclass
class Index:
    units: list[Unit]
    retriever: Any
    vocabulary: set[str]
    vectors: Vectors | None = None  # rows of every unit's meaning texts, or None: BM25 alone
    owner: NDArray[np.int64] | None = None  # the unit of each row (rows grouped by unit)
    starts: NDArray[np.int64] | None = None  # the first row of each unit
    by_skill: dict[str, list[int]] = field(default_factory=dict)

    def cosines(self, query: Vectors) -> NDArray[np.float64]:
        """Each unit's similarity to the query: its closest meaning text."""
        if self.vectors is None or self.starts is None or not self.units:
            return np.zeros(len(self.units))
        rows = (self.vectors @ query).astype(np.float64)
        return np.maximum.reduceat(rows, self.starts)


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


def units(skill: Skill) -> list[Unit]:
    """A skill's citable units: its explanations, lesson sections and resources."""
    sid = skill.id
    found = [
        Unit(f"{sid}/q#{anchor(e.question)}", sid, "answer", e.question, e.answer, e.sources)
        for e in skill.explanations
    ]
    found += [
        Unit(f"{sid}/lesson#{anchor(heading)}", sid, "lesson", heading, text)
        for heading, text in sections(skill.lesson)
    ]
    for r in skill.resources:
        summary = r.summary or f"the {r.kind} page on {skill.title}"
        found.append(Unit(r.url, sid, "resource", r.title, summary))
    return found


def sentences(text: str) -> list[str]:
    """Readable sentences of Markdown prose: code blocks, headings and tables left out."""
    kept, fenced = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if _FENCE.match(stripped):
            fenced = not fenced
            continue
        if fenced or not stripped or stripped.startswith(("#", "|")):
            kept.append("\n")
            continue
        kept.append(re.sub(r"^([-*]|\d+\.)\s+", "", stripped))
    prose = " ".join(kept)
    found = []
    for block in re.split(r"\s*\n\s*", prose):
        found += [s.strip() for s in _SENTENCE.split(block) if len(s.strip()) > 25]
    return found


def words(text: str) -> list[str]:
    found = []
    for word in terms(text[:20_000], drop_stop=True):
        if word in FILLER:
            continue
        found += terms(ABBREVIATIONS[word], drop_stop=True) if word in ABBREVIATIONS else [word]
    return found


def build(found: Sequence[Unit], vectors: Vectors | None = None) -> Index:
    """Index units; `vectors` has one row per meaning text, unit after unit (see `rows`)."""
    tokens = [words(f"{u.title}\n{u.title}\n{u.body}") for u in found]
    retriever = bm25s.BM25(k1=1.2, b=0.5)  # units vary in length: normalise it gently
    if found:
        retriever.index(tokens, show_progress=False)
    by_skill: dict[str, list[int]] = {}
    for n, unit in enumerate(found):
        by_skill.setdefault(unit.skill, []).append(n)
    vocabulary = {w for each in tokens for w in each}
    counts = np.asarray([len(u.meaning_texts) for u in found], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    owner = np.repeat(np.arange(len(found)), counts)
    return Index(list(found), retriever, vocabulary, vectors, owner, starts, by_skill)


def rows(found: Sequence[Unit]) -> list[str]:
    """The meaning texts of the units, in the order `build` expects their vectors."""
    return [text for unit in found for text in unit.meaning_texts]


def coverage(index: Index, question: str) -> float:
    """Share of the question's meaningful words that the content uses at all."""
    said = set(words(question))
    if not said:
        return 0.0
    return sum(1 for w in said if w in index.vocabulary) / len(said)


def _ranks(scores: NDArray[np.float64], allowed: list[int]) -> dict[int, int]:
    order = sorted(allowed, key=lambda i: (-scores[i], i))
    return {i: rank for rank, i in enumerate(order, start=1) if scores[i] > 0}


def _outside(index: Index, question: str, best: float, weights: Weights) -> bool:
    """Nothing installed is close in meaning: the best unit is far, or not near and the
    question's own words are mostly foreign to the content."""
    if best < weights.outside:
        return True
    return best < weights.outside_high and coverage(index, question) < weights.outside_coverage


def search(
    index: Index,
    question: str,
    *,
    query: Vectors | None = None,
    skill: str = "",
    limit: int = 3,
    exclude: Collection[str] = (),
    weights: Weights = WEIGHTS,
) -> list[Hit]:
    """Units that answer the question, best first; empty when it is outside the content.

    `query` is the question's vector (None: BM25 alone); `skill` the page it is asked on;
    `exclude` names units that must not be used (answer isolation).
    """
    said = words(question)
    allowed = [n for n, u in enumerate(index.units) if u.id not in exclude]
    if not allowed or not (said or query is not None):
        return []
    cosines: NDArray[np.float64] = np.zeros(len(index.units))
    if query is not None and index.vectors is not None:
        cosines = index.cosines(query)
        if _outside(index, question, float(cosines[allowed].max()), weights):
            return []
    elif not said or coverage(index, question) < MIN_COVERAGE:
        return []
    bm25 = np.asarray(index.retriever.get_scores(said), dtype=float) if said else cosines * 0
    fused = {i: 0.0 for i in allowed}
    for scores, weight in ((bm25, weights.bm25), (cosines, weights.meaning)):
        for i, rank in _ranks(scores, allowed).items():
            fused[i] += weight / (weights.rrf_k + rank)
    scale = {"resource": weights.resource, "answer": weights.answer}
    for i in fused:
        if fused[i] > 0 and index.units[i].skill == skill:
            fused[i] += weights.same_skill
        fused[i] *= scale.get(index.units[i].kind, 1.0)
    order = sorted((i for i in fused if fused[i] > 0), key=lambda i: (-fused[i], i))
    return [Hit(index.units[i], fused[i], float(cosines[i])) for i in order[:limit]]


def nearest_skills(index: Index, query: Vectors, *, limit: int = 3) -> list[str]:
    """The skills whose units come closest in meaning to a question, closest first."""
    if index.vectors is None or not index.units:
        return []
    cosines = index.cosines(query)
    best = {s: float(cosines[rows].max()) for s, rows in index.by_skill.items()}
    return sorted(best, key=lambda s: (-best[s], s))[:limit]


def best_sentences(
    found: Sequence[str],
    *,
    question: str,
    query: Vectors | None,
    vectors: Vectors | None,
    count: int = 3,
) -> list[str]:
    """The sentences that answer the question best, in their own order: by meaning when
    vectors are given, else by shared words."""
    if not found:
        return []
    if query is not None and vectors is not None:
        scores = list(vectors @ query)
    else:
        wanted = set(words(question))
        scores = [len(wanted & set(words(s))) for s in found]
    chosen = sorted(range(len(found)), key=lambda n: (-scores[n], n))[:count]
    return [found[n] for n in sorted(chosen)]
