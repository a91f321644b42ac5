"""Goal → career: lexical retrieval over the installed careers, with an honest "no match". Pure.

Each career has one text (title, tagline, summary, audience, stages, example goals and the
titles and summaries of its skills) that BM25 (bm25s) ranks and that confidence is measured
against. Ranking adds the career's title and other names: a goal naming "tech lead" or
"architect" points at the career whose title says so, and a name's other words ("LLM" in "LLM
architect") count only beside its role noun. Confidence is coverage: the share of the goal's
meaningful words, weighted by how specific they are to the field (a word no career or skill
uses weighs most), that the best career's text contains. "Landscape architect" shares
"architect" with a career but "landscape" with none, so nothing is matched. Professions outside
the catalogue that share its words are named outright, and a job no career or skill text names
("policy advisor") is matched with nothing. Where the learner comes from ("I'm a nurse", "4
years as an ML engineer") is told apart from what they aim at (`aims.focus`): only the aim names a
career or lets a title's words count, and the longest career name it says wins. With meaning,
a career is compared with its own skills (not those another career lists too), and a goal
nearer to neighbouring work no career covers (`OUTSIDE`) than to the best career gets no
match. Small typos are corrected against the vocabulary. English only: goals in other
languages find no match.

The parts: `goal_vocabulary` (the words of goals, `OUTSIDE`), `career_index` (what goals are
matched against), `fusion` (weights, thresholds and the decision); this module reads a goal's
evidence and re-exports what callers use.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz.distance import DamerauLevenshtein

from masterpath.domain import aims
from masterpath.domain.career_index import (
    Index,
    Vectors,
    build,
    correct,
    listed,
    own_skills,
    respelled,
    texts,
    units,
)
from masterpath.domain.fusion import TUNING, Evidence, Match, Tuning, decide, similarity
from masterpath.domain.goal_vocabulary import EXPAND, FILLER, OUTSIDE, words
from masterpath.domain.grading import phrase_in

__all__ = [
    "EXPAND",
    "FILLER",
    "OUTSIDE",
    "TUNING",
    "Evidence",
    "Index",
    "Match",
    "Tuning",
    "Vectors",
    "build",
    "decide",
    "evidence",
    "listed",
    "match",
    "own_skills",
    "respelled",
    "similarity",
    "texts",
    "units",
    "unlisted_role",
    "words",
]

TITLE_BOOST = 1.5  # how much a title word counts against the normalised BM25 score
NAME_BOOST = 3.0  # a goal that says a career's title or another name for it
OOV_WEIGHT = 2.5  # weight of a goal word that no career or skill uses


def _coverage(index: Index, goal: Sequence[str], doc: int) -> float:
    """Share of the goal's words (weighted by specificity) that the career's core text has."""
    unique = sorted(set(goal))
    weights = {w: index.specificity.get(w, OOV_WEIGHT) + 0.05 for w in unique}
    total = sum(weights.values())
    covered = index.core[doc] | index.titles[doc]
    return sum(weights[w] for w in unique if w in covered) / total if total else 0.0


def _title_match(index: Index, goal: set[str], aimed: set[str], doc: int) -> float:
    """How much of the goal names this career's title or another name for it: the words of
    each name whose role noun (its last word) the goal aims at, not one it comes from."""
    said = {w for name in index.names[doc] if name and name[-1] in aimed for w in name}
    return sum(index.title_weight[w] for w in said & goal)


def unlisted_role(index: Index, goal: str) -> str | None:
    """A job the goal aims at that no career or skill text ever names ("policy advisor",
    "hardware technician"): the catalogue has no such career, whatever else the goal shares
    with it. Not a job the learner comes from, a typo of a known word, nor a form of a career
    title's word ("leader")."""
    word: str
    for word in aims.roles(goal):
        if word in index.spelled or word in aims.GENERIC_ROLES or _near(index, word):
            continue
        if aims.background(goal, word):
            continue
        if any(word[: -len(end)] in title for end in ("er", "or") for title in index.titles):
            continue
        return word
    return None


def _near(index: Index, word: str) -> bool:
    allowed = 1 if len(word) < 10 else 2
    return any(
        DamerauLevenshtein.distance(word, known, score_cutoff=allowed) <= allowed
        for known in index.spelled
        if abs(len(known) - len(word)) <= allowed
    )


def _named(index: Index, said: list[str], doc: int) -> int:
    """The length in words of the longest name of the career the goal says, 0 for none."""
    return max(
        (len(name) for name in index.names[doc] if name and phrase_in(name, said, gap=1)), default=0
    )


def _most_specific(lengths: Sequence[int]) -> frozenset[int]:
    """The careers named by the longest name the goal says: "senior ML engineer" names the
    senior engineer's career, not the ML engineer's that its last two words name too."""
    longest = max(lengths, default=0)
    return frozenset(i for i, n in enumerate(lengths) if n and n == longest)


def evidence(
    index: Index,
    goal: str,
    *,
    vector: Vectors | None = None,
    aim: Vectors | None = None,
    unfit: float | None = None,
) -> Evidence:
    """Everything `decide` needs, computed once per goal (a sweep reuses it); `aim` is the
    vector of what the goal aims at (`aims.focus`), compared with work outside the catalogue
    instead of the whole goal's. Typos are respelled first (`respelled`): the vectors are of
    the respelled goal too."""
    goal = respelled(index, goal)
    written, aiming = words(goal), words(aims.focus(goal))
    fixed = {w: correct(index, w) for w in {*written, *aiming}}  # typos, once per word
    said, aimed = [fixed[w] for w in written], [fixed[w] for w in aiming]
    count = len(index.slugs)
    named = _most_specific([_named(index, aimed, i) if aimed else 0 for i in range(count)])
    elsewhere = not named and (
        aims.other_profession(goal) is not None or unlisted_role(index, goal) is not None
    )
    lexical, coverage = [0.0] * count, [0.0] * count
    if said and count:
        scores = np.asarray(index.retriever.get_scores(said), dtype=float)
        top, unique, aiming_at = float(scores.max()), set(said), set(aimed)
        if top > 0:
            lexical = [
                float(scores[i]) / top
                + TITLE_BOOST * _title_match(index, unique, aiming_at, i)
                + NAME_BOOST * (i in named)
                for i in range(count)
            ]
            coverage = [_coverage(index, aimed or said, i) for i in range(count)]
    return Evidence(
        said,
        named,
        elsewhere,
        lexical,
        coverage,
        _similarities(index, vector),
        _outside(index, vector, aim),
        aims.senior(goal),
        unfit,
    )


def _outside(index: Index, vector: Vectors | None, aim: Vectors | None = None) -> list[float]:
    """Per career: the goal's cosine to the closest work outside the catalogue minus its
    cosine to the career's closest own text; with `aim`, the smaller of the goal's and the
    aim's (a goal is outside only when what it aims at is too)."""
    if vector is None or index.outside is None or index.vectors is None:
        return []
    if not len(index.outside):
        return []
    found = _contrast(index.outside, index.vectors, vector)
    if aim is None:
        return found
    return [
        min(a, b) for a, b in zip(found, _contrast(index.outside, index.vectors, aim), strict=True)
    ]


def _contrast(
    outside: Vectors, careers: list[tuple[Vectors, Vectors]], vector: Vectors
) -> list[float]:
    closest = float((outside @ vector).max())
    return [closest - float((own @ vector).max(initial=-1.0)) for own, _ in careers]


def _similarities(index: Index, vector: Vectors | None) -> list[tuple[Vectors, Vectors]] | None:
    if vector is None or index.vectors is None:
        return None
    return [
        (_descending(own, vector), _descending(theirs, vector)) for own, theirs in index.vectors
    ]


def _descending(rows: Vectors, vector: Vectors) -> Vectors:
    found: Vectors = np.sort(rows @ vector)[::-1] if len(rows) else np.zeros(1, np.float32)
    return found


def match(
    index: Index,
    goal: str,
    *,
    vector: Vectors | None = None,
    aim: Vectors | None = None,
    unfit: float | None = None,
    tuning: Tuning | None = None,
    alternatives: int = 3,
) -> Match:
    """The best career for a goal, or None with a confidence below the threshold. Without a
    goal vector (no model) it is BM25 alone; `unfit` is the goal-fit classifier's probability
    that no career fits, None without it."""
    found = evidence(index, goal, vector=vector, aim=aim, unfit=unfit)
    return decide(index, found, tuning=tuning or TUNING, alternatives=alternatives)
