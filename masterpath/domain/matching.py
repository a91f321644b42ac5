"""Goal → career: lexical retrieval over the installed careers, with an honest "no match". Pure.

Each career is one document: its title and tagline (weighted), summary, audience, what it
teaches, its stages and the titles and summaries of its skills. BM25 (bm25s) ranks them. BM25
scores say which career is closest, not whether any is close, so confidence comes from
coverage: the share of the goal's meaningful words (weighted by how rare they are; a word no
career uses counts as rarest) that the best career's document contains. "Landscape architect"
shares "architect" with one career but "landscape" with none, so its coverage stays low and
nothing is matched. English only: goals in other languages find no match.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np

from masterpath.domain.grading import phrase_in, terms

# Words that say someone wants a career, not which one.
FILLER = frozenset(
    terms(
        """want wanna would like love become becoming be get getting job jobs role roles career
        careers work working move moving switch switching transition transitioning into toward
        towards next step day someday eventually dream hope hoping plan planning goal goals
        study studying start starting good better great new help me how able year years month
        months now currently current im i'm am ive i've also really professional position title
        field industry company"""
    )
)
# Everyday abbreviations, expanded to the words career documents use.
EXPAND = {
    "ml": "machine learning",
    "ai": "artificial intelligence ai",
    "genai": "generative ai",
    "llm": "large language model llm",
    "llms": "large language model llm",
    "mlops": "mlops machine learning operations",
    "k8s": "kubernetes",
    "swe": "software engineer",
    "cto": "chief technology officer lead",
    "lead": "lead leader",
}
MIN_CONFIDENCE = 0.55  # below this, say plainly that no installed career fits
TITLE_WEIGHT = 4
OOV_WEIGHT = 2.5  # weight of a goal word that no career or skill uses
# Professions outside the catalogue whose names share words with it ("architect", "engineer",
# "analyst"): named outright, because word overlap alone would match them.
OTHER_PROFESSIONS = (
    "building architect", "landscape architect", "interior architect", "naval architect",
    "architect buildings", "architect houses", "architectural", "civil engineer",
    "mechanical engineer", "electrical engineer", "chemical engineer", "sound engineer",
    "audio engineer", "data analyst", "business analyst", "financial analyst",
)  # fmt: skip


@dataclass(frozen=True)
class Match:
    career: str | None
    confidence: float
    alternatives: list[dict[str, Any]] = field(default_factory=list)  # slug, confidence
    words: list[str] = field(default_factory=list)  # the goal's meaningful words


@dataclass
class Index:
    slugs: list[str]
    retriever: Any
    doc_terms: list[set[str]]
    specificity: dict[str, float]  # idf over every career and skill text


def document(career: Mapping[str, Any], skills: Mapping[str, Mapping[str, Any]]) -> str:
    """The text a career is matched on."""
    parts = [career["title"]] * TITLE_WEIGHT + [career["tagline"]] * 2
    parts += [career.get("field", ""), career["summary"], career.get("learn", "")]
    parts += list(career.get("audience", [])) + list(career.get("highlights", []))
    for stage in career.get("stages", []):
        parts += [stage["title"], stage["summary"], *stage.get("key_actions", [])]
        for skill_id in stage.get("skills", []):
            skill = skills.get(skill_id)
            if skill:
                parts += [skill["title"], skill["summary"]]
    return "\n".join(parts)


def words(text: str) -> list[str]:
    """Meaningful stemmed words, with common abbreviations expanded."""
    found = []
    for word in terms(text[:10_000], drop_stop=True):
        if word in FILLER:
            continue
        found += terms(EXPAND[word], drop_stop=True) if word in EXPAND else [word]
    return found


def build(documents: Mapping[str, str], passages: Sequence[str] = ()) -> Index:
    """Index career documents by slug; `passages` (skill texts) sharpen which words are
    specific to the field and which are everyday words."""
    slugs = sorted(documents)
    tokens = [words(documents[slug]) for slug in slugs]
    retriever = bm25s.BM25()
    if slugs:
        retriever.index(tokens, show_progress=False)
    corpus = tokens + [words(text) for text in passages]
    frequency: dict[str, int] = {}
    for found in corpus:
        for word in set(found):
            frequency[word] = frequency.get(word, 0) + 1
    n = len(corpus)
    specificity = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}
    return Index(slugs, retriever, [set(t) for t in tokens], specificity)


def _coverage(index: Index, goal: Sequence[str], doc: int) -> float:
    """Share of the goal's words (weighted by specificity) that the career's text contains."""
    unique = sorted(set(goal))
    weights = {w: index.specificity.get(w, OOV_WEIGHT) + 0.05 for w in unique}
    total = sum(weights.values())
    return sum(weights[w] for w in unique if w in index.doc_terms[doc]) / total if total else 0.0


def other_profession(goal: str) -> str | None:
    said = terms(goal[:10_000], drop_stop=True)
    for name in OTHER_PROFESSIONS:
        if phrase_in(terms(name, drop_stop=True), said, gap=0):
            return name
    return None


def match(index: Index, goal: str, *, alternatives: int = 3) -> Match:
    """The best career for a goal, or None with a confidence below MIN_CONFIDENCE."""
    said = words(goal)
    if not said or not index.slugs or other_profession(goal):
        return Match(None, 0.0, [], said)
    scores = np.asarray(index.retriever.get_scores(said), dtype=float)
    order = sorted(range(len(index.slugs)), key=lambda i: (-scores[i], index.slugs[i]))
    ranked = [(index.slugs[i], round(_coverage(index, said, i), 4)) for i in order if scores[i] > 0]
    ranked = ranked[: alternatives + 1]
    if not ranked:
        return Match(None, 0.0, [], said)
    best, confidence = ranked[0]
    others = [{"career": slug, "confidence": c} for slug, c in ranked[1:]]
    if confidence < MIN_CONFIDENCE:
        return Match(None, confidence, [{"career": best, "confidence": confidence}, *others], said)
    return Match(best, confidence, others, said)
