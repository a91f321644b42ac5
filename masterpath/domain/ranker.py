"""The mentor's learned ranker: the best fused units re-ordered by a linear score. Pure.

`features` describes each candidate (`FEATURES`); `RANKER` weighs them, fitted by
`scripts/fit_mentor_ranker.py`; `relevance` (the best score without the skill features) says
when nothing really answers the question, below `OUTSIDE_SCORE`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from masterpath.domain.retrieval import Candidates, Index

OUTSIDE_SCORE = 11.67  # fitted with RANKER (below), see `relevance`
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
    "asked cosine",  # the closest of the other ways learners ask it (`Unit.asked`)
)
# Fitted by `scripts/fit_mentor_ranker.py`: listwise logistic regression (softmax over the 20
# candidates, any labelled unit counting as right; L2 on standardised features chosen by 5-fold
# cross-validation, here 0.001; Adam) on the tuning set (tests/fixtures/mentor_questions.yaml) and
# the dev sets (tests/fixtures/mentor_dev, mentor_dev2) together, with OUTSIDE_SCORE;
# cross-validated leaving each set out and 5-fold (see README). Never on the independent set.
RANKER = (
    -0.5957,  # fused
    0.4941,  # reciprocal rank
    7.7556,  # cosine
    3.2157,  # title cosine
    -0.6077,  # body cosine
    1.2028,  # opening cosine
    1.5602,  # start cosine
    3.8245,  # bm25
    7.2928,  # same skill
    0.7590,  # explanation
    1.5020,  # section
    -0.0324,  # title words
    0.6215,  # body words
    -0.7270,  # skill mass
    0.8858,  # relative fused
    3.3467,  # relative cosine
    0.4495,  # relatives among candidates
    4.1443,  # asked cosine
)


SKILL_FEATURES = frozenset({"same skill", "skill mass"})


def relevance(described: NDArray[np.float64], *, ranker: Sequence[float] = RANKER) -> float:
    """How well the best candidate answers the question whichever page it is asked on: the
    ranker's best score with its skill features left out. Below `Weights.outside_score`, the
    question is outside the content even when a unit is near in meaning."""
    return float((described @ _without_skill(ranker)).max())


def _without_skill(ranker: Sequence[float]) -> NDArray[np.float64]:
    """The ranker's weights with its skill features left out (`relevance`)."""
    kept = [0.0 if name in SKILL_FEATURES else w for name, w in zip(FEATURES, ranker, strict=True)]
    return np.asarray(kept, dtype=np.float64)


def ranking(
    described: NDArray[np.float64], *, elsewhere: float, ranker: Sequence[float] = RANKER
) -> tuple[list[int], NDArray[np.float64]]:
    """The candidates' order, best first, and their scores. The ranker prefers the page's own
    skill; but when a unit of another skill answers the question better than the first of the
    page's by more than `elsewhere` (by `relevance`, the score without the skill features), that
    unit comes first: the learner asked about another skill's topic on this page."""
    weights = np.asarray(ranker, dtype=np.float64)
    ranked = described @ weights
    order = sorted(range(len(described)), key=lambda n: (-ranked[n], n))
    same = described[:, FEATURES.index("same skill")]
    others = [n for n in order if not same[n]]
    if not others or not same[order[0]]:
        return order, ranked
    plain = described @ _without_skill(ranker)
    other = max(others, key=lambda n: (plain[n], -order.index(n)))
    if plain[other] - plain[order[0]] > elsewhere:
        order.remove(other)
        order.insert(0, other)
    return order, ranked


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
                found.asked[i],
            ]
        )
    return np.asarray(rows, dtype=np.float64)
