"""Content statistics, the authoring checks every built-in skill must pass, and warnings.

One module a kind of check (`rules`, `depth`, `testwise`, `duplicates`, `links`), the figures in
`summary`; `check` runs them all, and every public name is re-exported here."""

from __future__ import annotations

from collections.abc import Sequence

from masterpath.content.quality.depth import (
    DEEP_HOURS,
    DEPTH_WORDS,
    MIN_WORKED_EXAMPLES,
    check_depth,
    check_hours,
    check_lab,
    check_lesson_depth,
    where_hours,
)
from masterpath.content.quality.duplicates import (
    CARD_DUPLICATE,
    NEAR_DUPLICATE,
    STEM_DUPLICATE,
    card_words,
    check_duplicates,
    content_words,
    similar_pairs,
    similarity,
    stem_words,
)
from masterpath.content.quality.links import check_links, listed_links
from masterpath.content.quality.rules import (
    LESSON_WORDS,
    MAX_TRUE_FALSE,
    MIN_CARDS,
    MIN_CAREER_RESOURCES,
    MIN_INTERVIEW,
    MIN_ITEMS,
    MIN_RESOURCES,
    MIN_TYPES,
    OBJECTIVES,
    check_career,
    check_model_answers,
    check_skill,
    warnings,
)
from masterpath.content.quality.summary import stats
from masterpath.content.quality.testwise import (
    FALSE_SHARE,
    LONGEST_SHARE,
    MAX_MULTI_SAME_COUNT,
    MAX_POSITION_SHARE,
    MIN_MULTI_EXTREME,
    check_choices,
    check_cues,
    cues,
)
from masterpath.content.schema import Pack
from masterpath.errors import Problem

__all__ = [
    "CARD_DUPLICATE",
    "DEEP_HOURS",
    "DEPTH_WORDS",
    "FALSE_SHARE",
    "LESSON_WORDS",
    "LONGEST_SHARE",
    "MAX_MULTI_SAME_COUNT",
    "MAX_POSITION_SHARE",
    "MAX_TRUE_FALSE",
    "MIN_CARDS",
    "MIN_CAREER_RESOURCES",
    "MIN_INTERVIEW",
    "MIN_ITEMS",
    "MIN_MULTI_EXTREME",
    "MIN_RESOURCES",
    "MIN_TYPES",
    "MIN_WORKED_EXAMPLES",
    "NEAR_DUPLICATE",
    "OBJECTIVES",
    "STEM_DUPLICATE",
    "card_words",
    "check",
    "check_career",
    "check_choices",
    "check_cues",
    "check_depth",
    "check_duplicates",
    "check_hours",
    "check_lab",
    "check_lesson_depth",
    "check_links",
    "check_model_answers",
    "check_skill",
    "content_words",
    "cues",
    "listed_links",
    "similar_pairs",
    "similarity",
    "stats",
    "stem_words",
    "warnings",
    "where_hours",
]


def check(
    packs: Sequence[Pack], *, links: set[str] | None = None, depth: bool = True
) -> list[Problem]:
    """Every authoring rule of docs/authoring.md, each problem naming its skill or career.

    `depth=False` leaves out the depth rules (`check_depth`: labs, lesson depth, honest hours).
    """
    skills = [s for p in packs for s in p.skills]
    problems = [problem for skill in skills for problem in check_skill(skill)]
    if depth:
        problems += check_depth(packs)
    problems += [problem for skill in skills for problem in check_model_answers(skill)]
    problems += [p for pack in packs for c in pack.careers for p in check_career(c)]
    problems += check_choices(skills) + check_cues(skills) + check_duplicates(skills)
    if links is not None:
        problems += check_links(packs, links)
    return problems
