"""Where a skill's study hours come from: each part of the work, in minutes. Pure.

A skill states its `hours`; the parts below are what the product gives the learner to do, each
estimated by a stated rule. The stated figure is honest when the parts account for it within
`HONEST_BAND` (docs/content-packs.md, "Where the hours come from").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from masterpath.domain.content import Skill
from masterpath.domain.reading import CODE_LINES_PER_MINUTE, WORDS_PER_MINUTE, measure

# Practice: every item of the bank answered once (in practice or in a mastery or retention
# check), with its feedback and explanation read: 3 minutes an item.
ITEM_MINUTES = 3.0
# Flashcards: about 6 reviews of each card in its first two months under FSRS at 90% desired
# retention, half a minute each with the self-rating: 3 minutes a card.
CARD_REVIEWS = 6
CARD_REVIEW_MINUTES = 0.5
# The applied task: reading the prompt and rubric, doing the work and writing it up.
TASK_MINUTES = 60.0
# The stated hours are honest when they lie within 0.75 and 1.25 times the parts' sum.
HONEST_BAND = (0.75, 1.25)


@dataclass(frozen=True)
class Part:
    name: str  # lesson, lab, resources, practice, flashcards, applied task
    minutes: float
    basis: str  # how the minutes were reckoned, in words a learner reads


@dataclass(frozen=True)
class Breakdown:
    stated_hours: float
    parts: tuple[Part, ...]

    @property
    def minutes(self) -> float:
        return sum(part.minutes for part in self.parts)

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def bounds(self) -> tuple[float, float]:
        """The stated hours that the parts account for honestly."""
        return (self.hours * HONEST_BAND[0], self.hours * HONEST_BAND[1])

    @property
    def honest(self) -> bool:
        low, high = self.bounds
        return low <= self.stated_hours <= high


def breakdown(
    *,
    stated_hours: float,
    lesson: str,
    lab_minutes: int | None,
    resource_minutes: Iterable[int | None],
    items: int,
    cards: int,
    has_task: bool,
) -> Breakdown:
    """The parts of a skill's study time, each with the rule that gave its minutes."""
    reading = measure(lesson)
    given = list(resource_minutes)
    listed = [m for m in given if m is not None]
    unlisted = (
        f"; {len(given) - len(listed)} without minutes, counted as 0"
        if len(listed) < len(given)
        else ""
    )
    parts = [
        Part(
            "lesson",
            reading.minutes,
            f"{reading.prose_words:,} words at {WORDS_PER_MINUTE} a minute and "
            f"{reading.code_lines} lines of code at {CODE_LINES_PER_MINUTE} a minute",
        ),
        Part("lab", float(lab_minutes or 0), "the lab's own estimate" if lab_minutes else "no lab"),
        Part(
            "resources",
            float(sum(listed)),
            f"the minutes listed on {_count(len(listed), 'resource')}{unlisted}",
        ),
        Part(
            "practice",
            items * ITEM_MINUTES,
            f"{_count(items, 'question')} at {ITEM_MINUTES:g} min each",
        ),
        Part(
            "flashcards",
            cards * CARD_REVIEWS * CARD_REVIEW_MINUTES,
            f"{_count(cards, 'card')}, {CARD_REVIEWS} reviews each at {CARD_REVIEW_MINUTES:g} min",
        ),
        Part(
            "applied task",
            TASK_MINUTES if has_task else 0.0,
            f"{TASK_MINUTES:g} min to do and write up" if has_task else "no applied task",
        ),
    ]
    return Breakdown(stated_hours=stated_hours, parts=tuple(parts))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def for_skill(skill: Skill) -> Breakdown:
    """Where the skill's stated hours come from: lesson, lab, resources and practice."""
    return breakdown(
        stated_hours=skill.hours,
        lesson=skill.lesson,
        lab_minutes=skill.lab.minutes if skill.lab else None,
        resource_minutes=[r.minutes for r in skill.resources],
        items=len(skill.items),
        cards=len(skill.flashcards),
        has_task=skill.task is not None,
    )
