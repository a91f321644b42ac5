"""Retrieval for the mentor over every installed skill: hybrid BM25 and embeddings. Pure.

What the mentor can cite are *units*: a skill's explanations (questions learners ask, answered
in the pack), its lesson sections (split at `## ` headings, each with an anchor) and its
resources (title and a one-line summary). BM25 (bm25s) and cosine similarity of sentence
embeddings rank the units separately; the two rankings are fused by weighted reciprocal rank,
with a small preference for the skill the learner is on. With vectors, the best fused units are
then re-ordered by a small learned ranker (`RANKER`: a linear score of the fused score, how close
the question is to the unit's title, its body and its opening, shared words, the skill and the
unit's relatives — an explanation and the section it rests on). Vectors come from outside (the
model is I/O); without them retrieval is BM25 alone, in fused order. A question nothing is close
to in meaning (or, on BM25 alone, whose words the content barely uses) is "outside the
content".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np
from numpy.typing import NDArray

from masterpath.domain import spelling
from masterpath.domain.content import Skill
from masterpath.domain.goal_vocabulary import EXPAND
from masterpath.domain.grading import terms

Vectors = NDArray[np.float32]
OUTSIDE_SCORE = 8.72  # fitted with RANKER (below), see `relevance`
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
    outside_score: float = OUTSIDE_SCORE  # nor is one whose best candidate scores below this
    # (`relevance`: the ranker's score without its skill features)
    rerank: bool = True  # re-order the best fused units with the learned ranker (`RANKER`)


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

    @property
    def opening_texts(self) -> tuple[str, str]:
        """What the ranker also compares: the title with the body's first sentence (an
        explanation's question with the start of its answer, a heading with its first line),
        and the body's first three sentences alone."""
        said = sentences(self.body)
        if not said:
            return (self.title, self.body)
        return (f"{self.title} {said[0]}", " ".join(said[:3]))


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
    openings: Vectors | None = None  # per unit, its two opening texts (units × 2 × dimensions)
    title_words: list[frozenset[str]] = field(default_factory=list)
    body_words: list[frozenset[str]] = field(default_factory=list)
    relatives: list[tuple[int, ...]] = field(default_factory=list)  # the section an explanation
    # rests on first; the explanations resting first on a section
    speller: spelling.Speller = field(default_factory=spelling.Speller)  # `respelled`
    kinds: NDArray[np.str_] = field(default_factory=lambda: np.asarray([], dtype=str))
    skills: NDArray[np.str_] = field(default_factory=lambda: np.asarray([], dtype=str))

    def cosines(self, query: Vectors) -> NDArray[np.float64]:
        """Each unit's similarity to the query: its closest meaning text."""
        return self.closeness(query)[0]

    def closeness(self, query: Vectors) -> tuple[NDArray[np.float64], ...]:
        """Each unit's similarity to the query by its closest meaning text, its key text
        (title) alone and its closest sentence (the key text when it has none)."""
        if self.vectors is None or self.starts is None or not self.units:
            zero = np.zeros(len(self.units))
            return zero, zero, zero
        rows = (self.vectors @ query).astype(np.float64)
        key = rows[self.starts]
        single = np.diff(np.append(self.starts, len(rows))) == 1
        rest = rows.copy()
        rest[self.starts] = -1.0
        body = np.where(single, key, np.maximum.reduceat(rest, self.starts))
        return np.maximum.reduceat(rows, self.starts), key, body


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


def build(
    found: Sequence[Unit], vectors: Vectors | None = None, *, lexicon: frozenset[str] = frozenset()
) -> Index:
    """Index units; `vectors` has one row per text of `rows`: the meaning texts, unit after
    unit, then each unit's two opening texts (without them the ranker is not used). `lexicon`:
    words known to be words (the embedding model's), which `respelled` never corrects; without
    it nothing is."""
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
    meant = int(counts.sum())
    openings = None
    if vectors is not None and len(vectors) == meant + 2 * len(found):
        openings = vectors[meant:].reshape(len(found), 2, -1)
    return Index(
        list(found),
        retriever,
        vocabulary,
        None if vectors is None else vectors[:meant],
        owner,
        starts,
        by_skill,
        openings,
        [frozenset(words(u.title)) for u in found],
        [frozenset(words(u.body)) for u in found],
        _relatives(found),
        spelling.speller((f"{u.title} {u.body}" for u in found), lexicon=lexicon),
        np.asarray([u.kind for u in found], dtype=str),
        np.asarray([u.skill for u in found], dtype=str),
    )


def respelled(index: Index, question: str) -> str:
    """The question with learners' typos spelled as the content spells them
    (`spelling.respelled`): ask with what this returns."""
    return spelling.respelled(index.speller, question)


def _relatives(found: Sequence[Unit]) -> list[tuple[int, ...]]:
    """For each unit, the units of its skill an explanation and its first source make."""
    where = {(u.skill, u.id): n for n, u in enumerate(found)}
    family: list[list[int]] = [[] for _ in found]
    for n, unit in enumerate(found):
        if unit.kind != "answer" or not unit.sources:
            continue
        target = unit.sources[0]
        cited = where.get(
            (unit.skill, f"{unit.skill}/{target}" if target.startswith("lesson#") else target)
        )
        if cited is not None:
            family[n].append(cited)
            family[cited].append(n)
    return [tuple(each) for each in family]


def rows(found: Sequence[Unit]) -> list[str]:
    """The texts whose vectors `build` expects, in order: every unit's meaning texts, then
    every unit's two opening texts."""
    meant = [text for unit in found for text in unit.meaning_texts]
    return meant + [text for unit in found for text in unit.opening_texts]


def coverage(index: Index, question: str) -> float:
    """Share of the question's meaningful words that the content uses at all."""
    said = set(words(question))
    if not said:
        return 0.0
    return sum(1 for w in said if w in index.vocabulary) / len(said)


def _ranks(scores: NDArray[np.float64], allowed: NDArray[np.int64]) -> NDArray[np.float64]:
    """Each allowed unit's place by score (ties by position), infinite where it scores 0 or
    less or is not allowed."""
    order = allowed[np.lexsort((allowed, -scores[allowed]))]
    found = np.full(len(scores), np.inf)
    found[order] = np.arange(1, len(order) + 1)
    found[scores <= 0] = np.inf
    return found


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
    found = candidates(index, question, query=query, skill=skill, exclude=exclude, weights=weights)
    if found is None:
        return []
    order, cosines = found.order, found.cosines
    if not (weights.rerank and index.openings is not None and query is not None and order):
        return [
            Hit(index.units[i], float(found.fused[i]), float(cosines[i])) for i in order[:limit]
        ]
    top = order[:RERANK_DEPTH]
    described = features(index, found, top)
    if relevance(described) < weights.outside_score:
        return []
    ranked = described @ np.asarray(RANKER, dtype=np.float64)
    best = sorted(range(len(top)), key=lambda n: (-ranked[n], n))
    hits = [Hit(index.units[top[n]], float(ranked[n]), float(cosines[top[n]])) for n in best]
    rest = order[len(top) : max(limit, len(top))]
    hits += [Hit(index.units[i], float(found.fused[i]), float(cosines[i])) for i in rest]
    return hits[:limit]


@dataclass(frozen=True)
class Candidates:
    """A question's fused ranking and what the ranker reads of it."""

    said: list[str]  # the question's words
    skill: str  # the page it is asked on
    order: list[int]  # units with a fused score, best first
    fused: NDArray[np.float64]  # 0 for units not allowed
    bm25: NDArray[np.float64]
    cosines: NDArray[np.float64]  # closest meaning text
    titles: NDArray[np.float64]  # key text alone
    bodies: NDArray[np.float64]  # closest sentence
    openings: NDArray[np.float64]  # units × 2: title with first sentence; first sentences


def candidates(
    index: Index,
    question: str,
    *,
    query: Vectors | None = None,
    skill: str = "",
    exclude: Collection[str] = (),
    weights: Weights = WEIGHTS,
) -> Candidates | None:
    """The units fused by reciprocal rank, best first; None when the question is outside."""
    said = words(question)
    allowed = np.arange(len(index.units), dtype=np.int64)
    if exclude:
        allowed = np.asarray([n for n, u in enumerate(index.units) if u.id not in exclude])
    if not len(allowed) or not (said or query is not None):
        return None
    cosines = titles = bodies = np.zeros(len(index.units))
    if query is not None and index.vectors is not None:
        cosines, titles, bodies = index.closeness(query)
        if _outside(index, question, float(cosines[allowed].max()), weights):
            return None
    elif not said or coverage(index, question) < MIN_COVERAGE:
        return None
    bm25 = np.asarray(index.retriever.get_scores(said), dtype=float) if said else cosines * 0
    fused = np.zeros(len(index.units))
    for scores, weight in ((bm25, weights.bm25), (cosines, weights.meaning)):
        fused += weight / (weights.rrf_k + _ranks(scores, allowed))
    fused += np.where((fused > 0) & (index.skills == skill), weights.same_skill, 0.0)
    kind = index.kinds
    fused *= np.where(
        kind == "resource", weights.resource, np.where(kind == "answer", weights.answer, 1.0)
    )
    positive = np.flatnonzero(fused > 0)
    order = [int(i) for i in positive[np.lexsort((positive, -fused[positive]))]]
    openings = np.zeros((len(index.units), 2))
    if query is not None and index.openings is not None:
        openings = (index.openings @ query).astype(np.float64)
    return Candidates(said, skill, order, fused, bm25, cosines, titles, bodies, openings)


# The ranker: the best RERANK_DEPTH fused units are re-ordered by RANKER · features (below).
RERANK_DEPTH = 20
FEATURES = (
    "fused",  # the unit's fused score over the best one's
    "reciprocal rank",  # 1 / its place in the fused order
    "cosine",  # closest meaning text (as fused)
    "title cosine",  # the key text alone: an explanation's question, a section's heading
    "body cosine",  # the closest sentence of its body
    "opening cosine",  # title with the first sentence
    "start cosine",  # the first three sentences alone
    "bm25",  # over the question's best BM25 score
    "same skill",  # asked on its skill's page
    "explanation",
    "section",  # (a resource is neither)
    "title words",  # share of the question's words in its title
    "body words",  # share of the question's words in its body
    "skill mass",  # its skill's share of the fused score of the best ten
    "relative fused",  # best fused score of its relatives, over the best one's
    "relative cosine",  # best cosine of its relatives
    "relatives among candidates",  # how many of its relatives are among the best fused too
)
# Fitted by `scripts/fit_mentor_ranker.py`: listwise logistic regression (softmax over the 20
# candidates, any labelled unit counting as right; L2 on standardised features chosen by 5-fold
# cross-validation, here 0.03; Adam) on the tuning set (tests/fixtures/mentor_questions.yaml) and
# the dev set (tests/fixtures/mentor_dev) together, with OUTSIDE_SCORE; cross-validated by set
# and 5-fold (see README). Never on the independent set.
RANKER = (
    1.8287,  # fused
    1.8444,  # reciprocal rank
    3.6923,  # cosine
    2.8669,  # title cosine
    1.0788,  # body cosine
    2.8493,  # opening cosine
    2.1752,  # start cosine
    0.1779,  # bm25
    2.0865,  # same skill
    -0.4711,  # explanation
    0.5094,  # section
    -0.1825,  # title words
    1.1652,  # body words
    0.6205,  # skill mass
    0.9062,  # relative fused
    0.7007,  # relative cosine
    0.7390,  # relatives among candidates
)


SKILL_FEATURES = frozenset({"same skill", "skill mass"})


def relevance(described: NDArray[np.float64], *, ranker: Sequence[float] = RANKER) -> float:
    """How well the best candidate answers the question whichever page it is asked on: the
    ranker's best score with its skill features left out. Below `Weights.outside_score`, the
    question is outside the content even when a unit is near in meaning."""
    kept = [0.0 if name in SKILL_FEATURES else w for name, w in zip(FEATURES, ranker, strict=True)]
    return float((described @ np.asarray(kept, dtype=np.float64)).max())


def features(index: Index, found: Candidates, top: Sequence[int]) -> NDArray[np.float64]:
    """One row of FEATURES for each of the candidate units `top` (best fused first)."""
    fused = found.fused
    best = fused[top[0]] or 1.0
    said = set(found.said)
    mass: dict[str, float] = {}
    for i in top[:10]:
        mass[index.units[i].skill] = mass.get(index.units[i].skill, 0.0) + fused[i]
    total = sum(mass.values()) or 1.0
    most = float(found.bm25.max()) if len(found.bm25) else 0.0
    among = set(top)
    rows = []
    for place, i in enumerate(top, start=1):
        unit = index.units[i]
        family = index.relatives[i]
        rows.append(
            [
                fused[i] / best,
                1.0 / place,
                found.cosines[i],
                found.titles[i],
                found.bodies[i],
                found.openings[i, 0],
                found.openings[i, 1],
                found.bm25[i] / max(most, 1e-9),
                float(unit.skill == found.skill),
                float(unit.kind == "answer"),
                float(unit.kind == "lesson"),
                len(said & index.title_words[i]) / max(1, len(said)),
                len(said & index.body_words[i]) / max(1, len(said)),
                mass.get(unit.skill, 0.0) / total,
                max((float(fused[j]) for j in family), default=0.0) / best,
                max((float(found.cosines[j]) for j in family), default=0.0),
                float(sum(j in among for j in family)),
            ]
        )
    return np.asarray(rows, dtype=np.float64)


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
