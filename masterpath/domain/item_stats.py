"""Item statistics from the evidence: difficulty, discrimination, distractors, and flags.

Pure: the store hands in sums it aggregated in SQL; nothing here reads evidence row by row.

Discrimination is the point-biserial correlation, over learners, between the learner's score
on the item (the mean of their graded answers to it; 0 or 1 for most items, which makes Pearson's
r the point-biserial) and the learner's *rest score* on the skill: their mean score on the
skill's other items. The rest score, not the knowledge-tracing estimate, because
  - the estimate already contains this item's answers (an item would correlate with itself),
  - it moves with fitted parameters and recency, so the same evidence would give different
    numbers after `kt fit`, and
  - the rest score is the corrected item-total correlation of classical test theory that item
    writers know, and it aggregates in SQL over any number of evidence rows.
Learners who answered no other item of the skill carry no information and are left out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

TOO_EASY = 0.95  # share correct above this: the item tells nobody apart
TOO_HARD = 0.20  # share correct below this: check the key before anything else
MIN_ANSWERS = 20  # flags are raised only on this many answers, unless the caller says otherwise


class Flag(StrEnum):
    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    NEGATIVE_DISCRIMINATION = "negative_discrimination"
    UNUSED_DISTRACTOR = "unused_distractor"


@dataclass(frozen=True)
class Moments:
    """Sums over learners of x (item score), y (rest score) and their products."""

    n: int = 0
    sx: float = 0.0
    sy: float = 0.0
    sxx: float = 0.0
    syy: float = 0.0
    sxy: float = 0.0


@dataclass(frozen=True)
class Distractor:
    option_id: str
    correct: bool
    share: float  # of the item's answers that chose this option


@dataclass(frozen=True)
class ItemStats:
    item_id: str
    skill_id: str
    answers: int
    share_correct: float
    discrimination: float | None  # None: fewer than 2 learners, or no spread in x or y
    learners: int  # learners in the correlation
    options: tuple[Distractor, ...]
    flags: tuple[Flag, ...]


def correlation(m: Moments) -> float | None:
    """Pearson's r from sums; None when it is undefined (n < 2 or a constant variable)."""
    if m.n < 2:
        return None
    vx = m.n * m.sxx - m.sx * m.sx
    vy = m.n * m.syy - m.sy * m.sy
    if vx <= 1e-12 or vy <= 1e-12:
        return None
    r = (m.n * m.sxy - m.sx * m.sy) / math.sqrt(vx * vy)
    return max(-1.0, min(1.0, r))


def option_shares(
    answers: int, picks: Mapping[str, int], options: Sequence[tuple[str, bool]]
) -> tuple[Distractor, ...]:
    """Each option (id, correct) with the share of answers that chose it (in option order)."""
    return tuple(
        Distractor(option, correct, picks.get(option, 0) / answers if answers else 0.0)
        for option, correct in options
    )


def flags_of(
    *,
    answers: int,
    share_correct: float,
    discrimination: float | None,
    options: Sequence[Distractor],
    min_answers: int,
) -> tuple[Flag, ...]:
    """What an author should look at; nothing below `min_answers` answers."""
    if answers < max(1, min_answers):
        return ()
    found = []
    if share_correct > TOO_EASY:
        found.append(Flag.TOO_EASY)
    if share_correct < TOO_HARD:
        found.append(Flag.TOO_HARD)
    if discrimination is not None and discrimination < 0:
        found.append(Flag.NEGATIVE_DISCRIMINATION)
    if any(not o.correct and o.share == 0 for o in options):
        found.append(Flag.UNUSED_DISTRACTOR)
    return tuple(found)


def item_stats(
    *,
    item_id: str,
    skill_id: str,
    answers: int,
    correct: int,
    moments: Moments,
    picks: Mapping[str, int],
    options: Sequence[tuple[str, bool]],
    min_answers: int,
) -> ItemStats:
    share = correct / answers if answers else 0.0
    r = correlation(moments)
    shares = option_shares(answers, picks, options)
    found = flags_of(
        answers=answers,
        share_correct=share,
        discrimination=r,
        options=shares,
        min_answers=min_answers,
    )
    return ItemStats(item_id, skill_id, answers, share, r, moments.n, shares, found)


def sort_key(stats: ItemStats) -> tuple[int, int, str]:
    """Flagged items first (most flags first), then by id."""
    return (-len(stats.flags), -stats.answers, stats.item_id)


def picked(response: object) -> list[str]:
    """The option ids in a stored choice response ("b" or ["a", "c"]); [] for anything else."""
    if isinstance(response, str):
        return [response]
    if isinstance(response, list):
        return [r for r in response if isinstance(r, str)]
    return []
