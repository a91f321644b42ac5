"""Practice: the next item (following the wheel-spinning rule), hints, and answers graded with
feedback at once, recorded as evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from masterpath.domain import answering, grading, kt, selection
from masterpath.domain import mastery as rules
from masterpath.domain.content import Item, ItemId, Mode, Skill
from masterpath.errors import Conflict, InvalidInput, NotFound, Problem
from masterpath.services import Context, awards, evidence, items, marking, mastery_state
from masterpath.services.items import Feedback, PublicItem
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import answers as answer_store
from masterpath.store import content as content_store
from masterpath.store import evidence as evidence_store
from masterpath.store import mastery as mastery_store
from masterpath.store import study as store


@dataclass(frozen=True)
class NextItem:
    item: PublicItem | None
    reason: str  # practice, prerequisite, worked_example, or empty when nothing is left
    message: str = ""
    worked_example: dict[str, str] | None = None


def _practice_in(tx: Tx, user_id: int, skill_id: str) -> Item | None:
    bank = content_store.items(tx, skill_id)
    counts = store.item_counts(tx, user_id=user_id, skill_id=skill_id)
    per_objective: dict[str, int] = {}
    for item in bank:
        for objective in item.objectives:
            per_objective[objective] = per_objective.get(objective, 0) + counts.get(str(item.id), 0)
    state = mastery_store.skill_states(tx, user_id).get(skill_id)
    p, _ = mastery_state.estimate(tx, user_id, skill_id, state.counters if state else {})
    chosen = selection.practice(
        items.candidates(bank),
        p_skill=p,
        recent=store.recent_items(tx, user_id=user_id, skill_id=skill_id),
        evidence_per_objective=per_objective,
    )
    return next(item for item in bank if str(item.id) == chosen.id) if chosen else None


def next_practice(ctx: Context, *, user_id: int, skill_id: str) -> NextItem:
    """The next practice item, following the engine's wheel-spinning recommendation."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        skill = items.find_skill(tx, skill_id)
        items.require_available(tx, user_id, skill_id)
        advice = mastery_state.recommendation(tx, user_id=user_id, skill=skill, now=now)
        if advice == "prerequisite":
            weakest = _weakest_prerequisite(tx, user_id, skill, now)
            item = _practice_in(tx, user_id, weakest) if weakest else None
            if item is None:  # every prerequisite holds up: the trouble is here
                advice = "worked_example"
            else:
                message = (
                    f"Ten answers here have not reached the bar yet, so this one comes from "
                    f"the prerequisite {weakest!r}: shoring it up usually unblocks this skill."
                )
                return NextItem(_shown(tx, user_id, item), "prerequisite", message)
        item = _practice_in(tx, user_id, skill_id)
        if item is None:
            return NextItem(None, "", "This skill has no practice items.")
        example = _worked_example(tx, user_id, skill_id) if advice == "worked_example" else None
        if example:
            message = "Study this worked example first, then try the next item."
            return NextItem(_shown(tx, user_id, item), "worked_example", message, example)
        return NextItem(_shown(tx, user_id, item), "practice")


def _shown(tx: Tx, user_id: int, item: Item) -> PublicItem:
    """The item as shown for the learner's next practice attempt at it."""
    attempt = evidence_store.answers_to(
        tx, user_id=user_id, skill_id=item.id.skill, item_id=str(item.id), mode=Mode.PRACTICE.value
    )
    return items.public(item, user_id=user_id, attempt=attempt)


def _weakest_prerequisite(tx: Tx, user_id: int, skill: Skill, now: datetime) -> str | None:
    """The prerequisite with the lowest estimate, if it is below the bar: worth shoring up."""
    prerequisites = list(skill.prerequisites)
    if not prerequisites:
        return None
    states = mastery_store.skill_states(tx, user_id)
    counters = {pre: states[pre].counters if pre in states else {} for pre in prerequisites}
    estimates = {
        pre: mastery_state.estimate(tx, user_id, pre, counters[pre])[0] for pre in prerequisites
    }
    weakest: str = min(prerequisites, key=lambda pre: (estimates[pre], pre))
    return weakest if estimates[weakest] < rules.THRESHOLD else None


def _worked_example(tx: Tx, user_id: int, skill_id: str) -> dict[str, str] | None:
    """An item the learner has already answered, with its answer and explanation shown."""
    for item_id in store.recent_items(tx, user_id=user_id, skill_id=skill_id):
        row = content_store.item(tx, item_id)
        if row is not None and not row.assessment_only:
            item = content_store.item_model(tx, row)
            return {
                "stem": item.stem,
                "answer": grading.answer_text(item),
                "explanation": item.explanation,
            }
    return None


def practice_item(ctx: Context, *, user_id: int, item_id: str) -> PublicItem:
    """A named practice item as shown before answering (for a page that asked for it)."""
    with ctx.db.begin() as tx:
        item = items.find(tx, item_id)
        if item.assessment_only:
            raise Conflict(f"item {item_id!r} is kept for mastery and retention checks")
        items.require_available(tx, user_id, item.id.skill)
        items.require_open(tx, user_id, str(item.id))
        return _shown(tx, user_id, item)


def hints_shown(ctx: Context, *, user_id: int, item_id: str) -> list[str]:
    """The hints of an open practice item this learner revealed since last answering it."""
    with ctx.db.begin() as tx:
        item = items.find(tx, item_id)
        if item.assessment_only:
            return []
        items.require_available(tx, user_id, item.id.skill)
        seen = store.hints_seen(tx, user_id=user_id, item_id=str(item.id))
        return list(item.hints[:seen])


def hint(ctx: Context, *, user_id: int, item_id: str, number: int) -> str:
    """Hint `number` (1-based) of a practice item, recorded as seen. Checks give no hints."""
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)
        item = items.find(tx, item_id)
        if item.assessment_only:
            raise Conflict("assessment items have no hints")
        items.require_available(tx, user_id, item.id.skill)
        items.require_open(tx, user_id, str(item.id))
        hints = item.hints
        if not 1 <= number <= len(hints):
            raise NotFound(f"item {item_id!r} has {len(hints)} hint(s); there is no hint {number}")
        store.reveal_hint(
            tx, user_id=user_id, item_id=str(item.id), number=number, now=ctx.clock.now()
        )
        return str(hints[number - 1])


def answer(
    ctx: Context,
    *,
    user_id: int,
    item_id: str,
    response: Any,
    hints_used: int = 0,
    seconds: float | None = None,
    submission_id: str | None = None,
) -> Feedback:
    """Grade a practice answer, record it as evidence and say why, at once.

    The hot path: one read of the learner (locked) and one of the evidence the criteria need,
    the whole update computed by `answering.observe`, then one write per table (evidence,
    learner counters, skill states); the content and the parameters come from caches that the
    first read's stamps keep current.
    """
    now = ctx.clock.now()
    seconds = items.clamp_seconds(seconds)
    evidence.check_submission_id(submission_id)
    try:
        wanted = ItemId.parse(item_id)
    except InvalidInput as exc:
        raise NotFound(f"no item {item_id!r}") from exc
    with ctx.db.begin() as tx:
        learner = answer_store.learner_for_answer(
            tx, user_id=user_id, item_id=str(wanted), skill_id=wanted.skill
        )
        item = content_store.live_item(tx, str(wanted))
        if learner is None or item is None:
            raise NotFound(f"no item {item_id!r}")
        skills = content_store.skill_models(tx)
        owners = [s for s in (item.id.skill, *item.also_skills) if s in skills]
        earlier, assessed = answer_store.evidence_for_answer(
            tx, user_id=user_id, skill_ids=owners, submission_id=submission_id
        )
        if earlier is not None:
            return _replay(ctx, item, evidence.record_of(earlier))
        if item.assessment_only:
            raise Conflict(
                f"item {item_id!r} is kept for mastery and retention checks, not practice",
                problems=[Problem("assessment-only item", field="item_id")],
            )
        if not answering.unlocked(skills[item.id.skill], learner.states):
            raise items.locked(item.id.skill)
        if str(item.id) in learner.open_items:
            raise items.busy(str(item.id))
        if not 0 <= hints_used <= len(item.hints):
            message = "hints used must be between 0 and the item's number of hints"
            raise InvalidInput(message, problems=[Problem(message, field="hints_used")])
        hints_used = max(hints_used, learner.hints_seen)  # the hints handed out count
        grade = marking.grade(ctx, item, response)
        evidence_id = answer_store.add_evidence(
            tx,
            evidence.values(
                user_id=user_id,
                skill_id=item.id.skill,
                also_skills=owners[1:],
                source_kind="item",
                source_id=str(item.id),
                pack_version=content_store.pack_versions(tx).get(item.id.skill, ""),
                mode=Mode.PRACTICE.value,
                score=grade.score,
                grader="auto",
                hints_used=hints_used,
                seconds=seconds,
                answered_at=now,
                recorded_at=now,
                submission_id=submission_id,
                check_id=None,
                detail={"response": response},
            ),
        )
        answered = answering.observe(
            learner=learner.counters,
            seen=learner.seen,
            states=learner.states,
            skills=[skills[s] for s in owners],
            weights=kt.credit(grade.score, hints=hints_used, difficulty=item.difficulty),
            mode=Mode.PRACTICE.value,
            check_id=None,
            assessed=assessed,
            params=mastery_state.current_params(tx),
            now=now,
        )
        answer_store.save_answered(tx, user_id=user_id, before=learner, answered=answered, now=now)
        for state in answered.states:
            before = learner.states.get(state.skill_id)
            if state.mastered_at and not (before and before.mastered_at):
                awards.record(tx, user_id=user_id, skill_id=state.skill_id, now=now)
        return items.feedback(item, grade, evidence_id)


def _replay(ctx: Context, item: Item, earlier: evidence.Record) -> Feedback:
    """The first result of a repeated submission, graded again from what was stored."""
    if (
        earlier.source_id != str(item.id)
        or earlier.mode != Mode.PRACTICE
        or earlier.check_id is not None
    ):
        raise Conflict("this submission id was already used for another answer")
    grade = marking.grade(ctx, item, earlier.detail.get("response"))
    return items.feedback(item, grade, earlier.id)
