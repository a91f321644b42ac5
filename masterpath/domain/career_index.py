"""The career index that goals are matched against: BM25 over each career's text, the words of
its names, how specific each word is to the field, and its meaning vectors. Pure.

A career's texts are its title, tagline, summary, audience, stages, example goals and the
titles and summaries of its skills; by meaning it is compared with its own texts and the skills
no other career lists too (`own_skills`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import DamerauLevenshtein

from masterpath.domain import aims, spelling
from masterpath.domain.content import Skill
from masterpath.domain.goal_vocabulary import words

Vectors = NDArray[np.float32]


@dataclass
class Index:
    slugs: list[str]
    retriever: Any
    core: list[set[str]]
    titles: list[set[str]]
    names: list[list[list[str]]]  # the title and other names of each career, as words
    title_weight: dict[str, float]  # idf of a word among the career titles
    specificity: dict[str, float]  # idf over every career and skill text
    vocabulary: dict[int, list[str]]  # known words by length, for typo correction
    vectors: list[tuple[Vectors, Vectors]] | None = None  # per career: (own texts, skills)
    spelled: frozenset[str] = frozenset()  # every word the careers and skills use, as written
    outside: Vectors | None = None  # rows of `OUTSIDE`
    advanced: frozenset[int] = frozenset()  # careers for seniors (the pack's `difficulty`)
    speller: spelling.Speller = field(default_factory=spelling.Speller)  # `respelled`


def listed(career: Mapping[str, Any]) -> list[str]:
    """The skills a career's stages list."""
    return [s for stage in career.get("stages", []) for s in stage.get("skills", [])]


def own_skills(career: Mapping[str, Any], shared: frozenset[str] = frozenset()) -> list[str]:
    """The skills that tell a career apart: those no other installed career lists (`shared`).
    A career whose path contains another's whole skill list (the architect's holds the ML
    engineer's and the tech lead's) would otherwise match every goal about those skills as
    well as they do. All its skills when none is its own."""
    found = listed(career)
    return [s for s in found if s not in shared] or found


def texts(career: Mapping[str, Any], skills: Mapping[str, Skill]) -> tuple[str, str]:
    """The (core, full) texts a career is matched on."""
    parts = [career["title"], career["tagline"], career.get("field", ""), career["summary"]]
    parts += [career.get("learn", ""), *career.get("audience", []), *career.get("highlights", [])]
    parts += career.get("goals", [])  # example goals: the words learners use for it
    for stage in career.get("stages", []):
        parts += [stage["title"], stage["summary"], *stage.get("key_actions", [])]
    core = "\n".join(parts)
    extra = [f"{skills[s].title}. {skills[s].summary}" for s in listed(career) if s in skills]
    return core, "\n".join([core, *extra])


def units(
    career: Mapping[str, Any], skills: Mapping[str, Skill], shared: frozenset[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """The texts a career is compared with by meaning: its own (names, tagline, summary, each
    stage, example goals) and its skills' (title and summary of each that no other career
    lists, `shared`)."""
    own = [career["title"], *career.get("aliases", []), career["tagline"], career["summary"]]
    own += [f"{stage['title']}. {stage['summary']}" for stage in career.get("stages", [])]
    own += career.get("goals", [])  # example goals the pack's authors wrote
    theirs = [
        f"{skills[s].title}. {skills[s].summary}" for s in own_skills(career, shared) if s in skills
    ]
    return _clean(own), _clean(theirs)


def _clean(found: list[str]) -> list[str]:
    return [" ".join(text.replace("**", "").split()) for text in found if text.strip()]


def _idf(documents: Sequence[set[str]]) -> dict[str, float]:
    n = len(documents)
    frequency: dict[str, int] = {}
    for found in documents:
        for word in found:
            frequency[word] = frequency.get(word, 0) + 1
    return {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}


def build(
    careers: Mapping[str, tuple[Sequence[str], str, str]],
    passages: Sequence[str] = (),
    *,
    vectors: Mapping[str, tuple[Vectors, Vectors]] | None = None,
    outside: Vectors | None = None,
    advanced: Collection[str] = (),
    lexicon: frozenset[str] = frozenset(),
) -> Index:
    """Index careers by slug: (title and other names, core text, full text); `passages` (skill
    texts) sharpen which words are specific to the field and which are everyday words;
    `vectors` (by slug, the rows of the two lists of `units`) let goals match by meaning too,
    `outside` (the rows of `OUTSIDE`) tell them from work the catalogue has no career for;
    `advanced` are the careers for seniors, the only ones a senior aim can match; `lexicon`
    (the embedding model's whole words) tells a learner's typos from words (`respelled`)."""
    slugs = sorted(careers)
    full = [words(careers[slug][2]) for slug in slugs]
    retriever = bm25s.BM25()
    if slugs:
        retriever.index(full, show_progress=False)
    names = [[words(name) for name in careers[slug][0]] for slug in slugs]
    titles = [{w for name in found for w in name} for found in names]
    corpus = [set(f) for f in full] + [set(words(text)) for text in passages]
    specificity = _idf(corpus)
    vocabulary: dict[int, list[str]] = {}
    for word in sorted(specificity):
        vocabulary.setdefault(len(word), []).append(word)
    meaning = [vectors[slug] for slug in slugs] if vectors else None
    written = [text for slug in slugs for text in (*careers[slug][0], careers[slug][2])]
    spelled = frozenset(
        w for text in [*written, *passages] for w in aims.SPELLED.findall(text.lower())
    )
    return Index(
        slugs,
        retriever,
        [set(f) for f in full],
        titles,
        names,
        _idf(titles),
        specificity,
        vocabulary,
        meaning,
        spelled,
        outside if meaning else None,
        frozenset(i for i, slug in enumerate(slugs) if slug in advanced),
        spelling.speller([*written, *passages], lexicon=lexicon),
    )


def respelled(index: Index, goal: str) -> str:
    """The goal with a learner's typos ("machin lerning enginer", "deploing modells") spelled
    as the careers and skills spell them (`spelling.respelled`), before it is cut into stems
    or embedded: a stem of a typo ("lern") is too short to correct. Nothing without a
    lexicon."""
    return spelling.respelled(index.speller, goal)


def correct(index: Index, word: str) -> str:
    """A known word one or two edits away, for goal words no text uses (typos)."""
    if word in index.specificity or len(word) < 6 or not word.isalpha():
        return word
    allowed = 1 if len(word) < 10 else 2
    for size in range(len(word) - allowed, len(word) + allowed + 1):
        for known in index.vocabulary.get(size, []):
            if DamerauLevenshtein.distance(word, known, score_cutoff=allowed) <= allowed:
                return known
    return word
