"""The next practice item from what a learner's reads bring: the wheel-spinning advice, the item
chosen for a desirable difficulty, the prerequisite to shore up and the worked example. Pure: the
estimates and the time are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from masterpath.domain import answering, grading, selection
from masterpath.domain import mastery as rules
from masterpath.domain.content import Item, Skill

RECENT_ROWS = 50  # the learner's last item answers in the skill that selection looks back on


@dataclass(frozen=True)
class Assessment:
    """One check or task answer, as the mastery criteria read it."""

    mode: str
    check_id: int | None
    source_id: str
    score: float
    grader: str
    recorded_at: datetime


@dataclass(frozen=True)
class Answers:
    """One learner's answers in one skill, as choosing the next item reads them."""

    recent: tuple[str, ...]  # item ids of the last RECENT_ROWS item answers, newest first
    graded: Mapping[str, int]  # graded answers per item id (self-graded ones left out)
    practised: Mapping[str, int]  # practice answers per item id: the next attempt's number
    assessed: tuple[Assessment, ...]  # check and task evidence that counts, oldest first


def advice(
    skill: Skill,
    state: answering.Stored | None,
    answers: Answers,
    *,
    estimated: float,
    now: datetime,
) -> str:
    """Practice, a prerequisite or a worked example (the wheel-spinning rule)."""
    criteria, progress = answering.progress_of(
        skill, state, answers.assessed, estimated=estimated, now=now
    )
    return rules.recommend(criteria, progress, skill)


def choose(bank: Sequence[Item], answers: Answers, *, estimated: float) -> Item | None:
    """The practice item of `bank` (a skill's live items) at the most desirable difficulty,
    preferring objectives with the least evidence and items not seen recently."""
    per_objective: dict[str, int] = {}
    for item in bank:
        for objective in item.objectives:
            per_objective[objective] = per_objective.get(objective, 0) + answers.graded.get(
                str(item.id), 0
            )
    candidates = [
        selection.Candidate(str(item.id), item.objectives, item.difficulty, item.assessment_only)
        for item in bank
    ]
    chosen = selection.practice(
        candidates,
        p_skill=estimated,
        recent=answers.recent,
        evidence_per_objective=per_objective,
    )
    return next(item for item in bank if str(item.id) == chosen.id) if chosen else None


def weakest(estimates: Mapping[str, float]) -> str | None:
    """The prerequisite with the lowest estimate, if it is below the bar: worth shoring up."""
    if not estimates:
        return None
    found = min(estimates, key=lambda pre: (estimates[pre], pre))
    return found if estimates[found] < rules.THRESHOLD else None


def worked_example(
    recent: Sequence[str], item: Callable[[str], Item | None]
) -> dict[str, str] | None:
    """The newest item the learner answered that is not kept for checks, with its answer and
    explanation shown (`item` finds an item, live or retired, by id)."""
    for item_id in recent:
        found = item(item_id)
        if found is not None and not found.assessment_only:
            return {
                "stem": found.stem,
                "answer": grading.answer_text(found),
                "explanation": found.explanation,
            }
    return None
