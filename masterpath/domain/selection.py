"""Choosing items: adaptive practice and the items of a mastery or retention check. Pure.

Practice aims at a desirable difficulty: the item whose predicted success is closest to the
band 0.70–0.85, preferring objectives with the least evidence and items not seen recently;
assessment-only items never appear in practice. Checks draw items that cover every objective,
assessment-only items first, and items the learner has not met in an assessment before.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

BAND = (0.70, 0.85)
# Item difficulty moves the skill's predicted success on the logit scale (an assumption of ours:
# the knowledge-tracing model predicts per skill, and authors label items easy/medium/hard).
SHIFT = {"easy": 0.8, "medium": 0.0, "hard": -0.8}
RECENT = 4  # an item answered among the learner's last few answers of the skill is not repeated


@dataclass(frozen=True)
class Candidate:
    id: str
    objectives: tuple[str, ...]
    difficulty: str = "medium"
    assessment_only: bool = False


def predicted(p_skill: float, difficulty: str) -> float:
    p = min(max(p_skill, 1e-4), 1 - 1e-4)
    logit = math.log(p / (1 - p)) + SHIFT.get(difficulty, 0.0)
    return 1 / (1 + math.exp(-logit))


def _distance(p: float) -> float:
    low, high = BAND
    return 0.0 if low <= p <= high else min(abs(p - low), abs(p - high))


def practice(
    items: Sequence[Candidate],
    *,
    p_skill: float,
    recent: Sequence[str],
    evidence_per_objective: Mapping[str, int],
) -> Candidate | None:
    """The next practice item, or None when the skill has no practice items.

    `recent` lists the learner's answered item ids for this skill, newest first.
    """
    bank = [item for item in items if not item.assessment_only]
    if not bank:
        return None
    last = set(recent[: min(RECENT, len(bank) - 1)])
    seen_at = {item_id: n for n, item_id in reversed(list(enumerate(recent)))}

    def key(item: Candidate) -> tuple[bool, float, int, int, str]:
        least = min((evidence_per_objective.get(o, 0) for o in item.objectives), default=0)
        distance = round(_distance(predicted(p_skill, item.difficulty)), 2)
        never_seen_first = -seen_at.get(item.id, len(recent) + 1)
        return item.id in last, distance, least, never_seen_first, item.id

    return min(bank, key=key)


def assessment(
    items: Sequence[Candidate],
    *,
    count: int,
    objectives: Sequence[str],
    assessed_before: set[str],
    only_held_back: bool = False,
) -> list[Candidate]:
    """`count` items covering every objective where the bank allows.

    Order of preference: not met in an earlier check (whose answers were shown at its end),
    assessment-only before practice items, then the rest.
    With `only_held_back` (retention checks) practice items are never drawn.
    """
    pool = [i for i in items if i.assessment_only or not only_held_back]
    pool.sort(key=lambda i: (i.id in assessed_before, not i.assessment_only, i.id))
    chosen: list[Candidate] = []
    for objective in objectives:  # one per objective first, so every objective is covered
        if len(chosen) >= count:
            break
        covered = {o for item in chosen for o in item.objectives}
        if objective in covered:
            continue
        found = next((i for i in pool if objective in i.objectives and i not in chosen), None)
        if found is not None:
            chosen.append(found)
    for item in pool:
        if len(chosen) >= count:
            break
        if item not in chosen:
            chosen.append(item)
    return chosen
