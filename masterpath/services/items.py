"""Items as a learner meets them: the public view, feedback, and the rules every answer passes.

Answer keys stay on the server: an item goes out as `PublicItem` (no correct flags, no answer,
no model answer, no rubric, no explanation); `Feedback` comes back only after the answer is
recorded. An item must be live, its skill unlocked, and, for practice, not part of a check in
progress.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from masterpath.domain import grading, selection
from masterpath.domain import options as option_order
from masterpath.domain.content import Item, ItemType, Skill
from masterpath.errors import Conflict, InvalidInput, NotFound, Problem
from masterpath.services import mastery_state
from masterpath.store import Tx
from masterpath.store import content as content_store
from masterpath.store import study as store

MAX_SECONDS = 6 * 3600.0  # longer than this is a tab left open, not time on task


@dataclass(frozen=True)
class PublicItem:
    """An item as the learner sees it before answering: nothing that gives the answer away."""

    id: str
    skill_id: str
    type: str
    stem: str
    objectives: list[str]
    options: list[dict[str, str]]
    unit: str
    hints: int  # how many hints exist; each is fetched on request and recorded


@dataclass(frozen=True)
class Feedback:
    evidence_id: int
    item_id: str
    score: float
    correct: bool
    explanation: str
    answer: str  # the correct answer, in words
    found: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


def public(item: Item, *, user_id: int, attempt: str | int) -> PublicItem:
    """`attempt` is a practice attempt's number, or the check or diagnostic asking the item:
    choice options are shown in an order fixed per learner and attempt, never as authored."""
    options = [{"id": o.id, "text": o.text} for o in item.options]
    if item.type is ItemType.ORDERING:  # stored in the right order: show a stable shuffle
        random.Random(f"{user_id}:{item.id}").shuffle(options)
        if [o["id"] for o in options] == [o.id for o in item.options]:
            options.reverse()
    elif item.type.is_choice:
        seed = option_order.attempt_seed(user_id, str(item.id), attempt)
        text = {o["id"]: o["text"] for o in options}
        options = [
            {"id": one, "text": text[one]} for one in option_order.shuffled(list(text), seed=seed)
        ]
    return PublicItem(
        id=str(item.id),
        skill_id=item.id.skill,
        type=item.type.value,
        stem=item.stem,
        objectives=list(item.objectives),
        options=options,
        unit=item.unit,
        hints=len(item.hints),
    )


def feedback(item: Item, grade: grading.Grade, evidence_id: int) -> Feedback:
    return Feedback(
        evidence_id=evidence_id,
        item_id=str(item.id),
        score=grade.score,
        correct=grade.correct,
        explanation=item.explanation,
        answer=grading.answer_text(item),
        found=list(grade.found),
        missed=list(grade.missed),
        wrong=list(grade.wrong),
    )


def find(tx: Tx, item_id: str) -> Item:
    """A live item, or NotFound."""
    row = content_store.item(tx, item_id)
    if row is None or row.retired_at is not None:
        raise NotFound(f"no item {item_id!r}")
    return content_store.item_model(tx, row)


def find_skill(tx: Tx, skill_id: str) -> Skill:
    found = content_store.skill_models(tx, [skill_id])
    if not found:
        raise NotFound(f"no skill {skill_id!r}")
    return found[skill_id]


def require_open(tx: Tx, user_id: int, item_id: str) -> None:
    """An item being asked in an unfinished check or diagnostic stays closed to practice."""
    busy_items = {
        i for a in store.assessments(tx, user_id=user_id) if a.finished_at is None for i in a.items
    }
    if item_id in busy_items:
        raise busy(item_id)


def busy(item_id: str) -> Conflict:
    return Conflict(f"item {item_id!r} is part of a check in progress; finish the check first")


def require_available(tx: Tx, user_id: int, skill_id: str) -> None:
    if not mastery_state.available(tx, user_id=user_id, skill=find_skill(tx, skill_id)):
        raise locked(skill_id)


def locked(skill_id: str) -> Conflict:
    return Conflict(
        f"skill {skill_id!r} is locked: master or place its prerequisites first",
        problems=[Problem("skill is locked", field="skill_id")],
    )


def clamp_seconds(seconds: float | None) -> float | None:
    if seconds is not None and not math.isfinite(seconds):
        raise InvalidInput(
            "seconds must be a finite number", problems=[Problem("not finite", field="seconds")]
        )
    return None if seconds is None else min(max(float(seconds), 0.0), MAX_SECONDS)


def candidates(bank: list[Item]) -> list[selection.Candidate]:
    return [
        selection.Candidate(str(item.id), item.objectives, item.difficulty, item.assessment_only)
        for item in bank
    ]
