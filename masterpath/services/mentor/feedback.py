"""What the mentor may say of an answer: the grader's verdict on the learner's last answer or
task (never the key), and the next rung of an item's hint ladder."""

from __future__ import annotations

from typing import Any

from masterpath.domain import grading, hints
from masterpath.domain.content import Item, ItemType
from masterpath.errors import InvalidInput
from masterpath.services import Context, marking
from masterpath.store import Tx
from masterpath.store import evidence as evidence_store
from masterpath.store import study as study_store


def next_hint(ctx: Context, tx: Tx, user_id: int, item: Item, where: str) -> list[str]:
    """The next rung of the item's hint ladder, recorded as a hint (it lowers the credit)."""
    if item.assessment_only:
        return []
    chosen = {str(c) for c in verdict(tx, user_id, item).get("chosen_ids", [])}
    rungs = hints.ladder(item, where=where, chosen=chosen)
    seen = study_store.hints_seen(tx, user_id=user_id, item_id=str(item.id))
    if seen >= len(rungs):
        return []
    study_store.reveal_hint(
        tx, user_id=user_id, item_id=str(item.id), number=seen + 1, now=ctx.clock.now()
    )
    return [f"({seen + 1} of {len(rungs)}) {rungs[seen]}"]


def verdict(tx: Tx, user_id: int, item: Item, *, ctx: Context | None = None) -> dict[str, Any]:
    """What the grader said of the learner's last answer to the item: never its key (with
    meaning, given the context, as when it was graded)."""
    last = evidence_store.last_answer(
        tx, user_id=user_id, skill_id=item.id.skill, item_id=str(item.id)
    )
    if last is None or last.check_id is not None:
        return {}
    response = last.detail.get("response")
    try:
        grade = marking.grade(ctx, item, response) if ctx else grading.grade(item, response)
    except InvalidInput:
        return {}
    chosen, misconceptions = "", []
    if grade.wrong:
        options = {o.id: o for o in item.options}
        chosen = "; ".join(options[w].text if w in options else w for w in grade.wrong)
        misconceptions = [
            options[w].misconception
            for w in grade.wrong
            if w in options and options[w].misconception
        ]
    concepts = item.type is ItemType.SHORT_TEXT  # for choices, found/missed would name the key
    return {
        "correct": grade.correct,
        "score": grade.score,
        "found": list(grade.found) if concepts else [],
        "missed": list(grade.missed) if concepts else [],
        "chosen": chosen,
        "chosen_ids": list(grade.wrong),
        "misconceptions": misconceptions,
    }


def task_verdict(tx: Tx, user_id: int, skill_id: str) -> dict[str, Any]:
    """The rubric grader's report on the learner's latest applied task: concepts per criterion."""
    found = study_store.submissions(tx, user_id=user_id, skill_id=skill_id)
    if not found or found[0].score is None:
        return {}
    criteria = found[0].detail.get("criteria", [])
    return {
        "correct": False,
        "score": found[0].score,
        "found": [c["criterion"] for c in criteria if not c.get("missed")],
        "missed": [c["criterion"] for c in criteria if c.get("missed")],
    }
