"""Practice: the next item (following the wheel-spinning rule), hints, and answers graded with
feedback at once, recorded as evidence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from masterpath.domain import answering, kt
from masterpath.domain import practice as choice
from masterpath.domain.content import Item, ItemId, Mode, Skill
from masterpath.errors import Conflict, InvalidInput, NotFound, Problem
from masterpath.services import Context, awards, evidence, items, marking, mastery_state
from masterpath.services.items import Feedback, PublicItem
from masterpath.store import Tx, serving
from masterpath.store import accounts as account_store
from masterpath.store import answers as answer_store
from masterpath.store import content as content_store
from masterpath.store import evidence as evidence_store
from masterpath.store import study as store


@dataclass(frozen=True)
class NextItem:
    item: PublicItem | None
    reason: str  # practice, prerequisite, worked_example, or empty when nothing is left
    message: str = ""
    worked_example: dict[str, str] | None = None


def next_practice(ctx: Context, *, user_id: int, skill_id: str) -> NextItem:
    """The next practice item, following the engine's wheel-spinning recommendation.

    Two statements: the learner (with the stamps that keep the content and parameter caches
    current) and their answers in the skill, a third when the item comes from a prerequisite;
    the advice, the item and any worked example are computed by `domain.practice`. It only
    reads: outside a transaction (no BEGIN and COMMIT round trips on PostgreSQL)."""
    now = ctx.clock.now()
    with ctx.db.read() as tx:
        learner = serving.learner(tx, user_id=user_id) or serving.Learner(None, [], {})
        skill = items.find_skill(tx, skill_id)
        if not answering.unlocked(skill, learner.states):
            raise items.locked(skill_id)
        answers = serving.answers(tx, user_id=user_id, skill_id=skill_id)
        estimate = _estimator(tx, learner)
        state = learner.states.get(skill_id)
        advice = choice.advice(skill, state, answers, estimated=estimate(skill_id), now=now)
        if advice == "prerequisite":
            weakest = choice.weakest({pre: estimate(pre) for pre in skill.prerequisites})
            if weakest is not None:
                theirs = serving.answers(tx, user_id=user_id, skill_id=weakest)
                item = _choose(tx, weakest, theirs, estimate(weakest))
                if item is not None:
                    message = (
                        f"Ten answers here have not reached the bar yet, so this one comes from "
                        f"the prerequisite {weakest!r}: shoring it up usually unblocks this skill."
                    )
                    return NextItem(_public(item, user_id, theirs), "prerequisite", message)
            advice = "worked_example"  # every prerequisite holds up: the trouble is here
        item = _choose(tx, skill_id, answers, estimate(skill_id))
        if item is None:
            return NextItem(None, "", "This skill has no practice items.")
        if advice == "worked_example":
            example = choice.worked_example(
                answers.recent, lambda found: content_store.any_item(tx, found)
            )
            if example:
                message = "Study this worked example first, then try the next item."
                return NextItem(_public(item, user_id, answers), "worked_example", message, example)
        return NextItem(_public(item, user_id, answers), "practice")


def _estimator(tx: Tx, learner: serving.Learner) -> Callable[[str], float]:
    """P(correct on the next unseen item) of any skill, for this learner."""
    params = mastery_state.current_params(tx)
    counters = kt.load_learner(learner.counters)

    def estimate(skill_id: str) -> float:
        state = learner.states.get(skill_id)
        record = state.counters if state else {}
        return answering.estimate(params, counters, learner.seen, skill_id, record)

    return estimate


def _choose(tx: Tx, skill_id: str, answers: choice.Answers, estimated: float) -> Item | None:
    bank = content_store.live_bank(tx, skill_id)
    return choice.choose(bank, answers, estimated=estimated)


def _public(item: Item, user_id: int, answers: choice.Answers) -> PublicItem:
    """The item as shown for the learner's next practice attempt at it."""
    attempt = answers.practised.get(str(item.id), 0)
    return items.public(item, user_id=user_id, attempt=attempt)


def _shown(tx: Tx, user_id: int, item: Item) -> PublicItem:
    """The item as shown for the learner's next practice attempt at it."""
    attempt = evidence_store.answers_to(
        tx, user_id=user_id, skill_id=item.id.skill, item_id=str(item.id), mode=Mode.PRACTICE.value
    )
    return items.public(item, user_id=user_id, attempt=attempt)


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

    The hot path (`Database.hot`: optimistic on PostgreSQL): one read of the learner and, when
    the criteria need it, one of the evidence,
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

    def work(tx: Tx) -> Feedback:
        learner = answer_store.learner_for_answer(
            tx,
            user_id=user_id,
            item_id=str(wanted),
            skill_id=wanted.skill,
            submission_id=submission_id,
        )
        item = content_store.live_item(tx, str(wanted))
        if learner is None or item is None:
            raise NotFound(f"no item {item_id!r}")
        skills = content_store.skill_models(tx)
        owners = [s for s in (item.id.skill, *item.also_skills) if s in skills]
        earlier, assessed = answer_store.evidence_for_answer(
            tx, learner, user_id=user_id, skill_ids=owners, submission_id=submission_id
        )
        if earlier is not None:
            return _replay(ctx, item, evidence.record_of(earlier))
        _check_practice(item, skills[item.id.skill], learner, hints_used)
        hints = max(hints_used, learner.hints_seen)  # the hints handed out count
        grade = marking.grade(ctx, item, response)
        answered = answering.observe(
            learner=learner.counters,
            seen=learner.seen,
            states=learner.states,
            skills=[skills[s] for s in owners],
            weights=kt.credit(grade.score, hints=hints, difficulty=item.difficulty),
            mode=Mode.PRACTICE.value,
            check_id=None,
            assessed=assessed,
            params=mastery_state.current_params(tx),
            now=now,
        )
        record = evidence.values(
            user_id=user_id,
            skill_id=item.id.skill,
            also_skills=owners[1:],
            source_kind="item",
            source_id=str(item.id),
            pack_version=content_store.pack_versions(tx).get(item.id.skill, ""),
            mode=Mode.PRACTICE.value,
            score=grade.score,
            grader="auto",
            hints_used=hints,
            seconds=seconds,
            answered_at=now,
            recorded_at=now,
            submission_id=submission_id,
            check_id=None,
            detail={"response": response},
        )
        before = learner.states
        mastered = [
            state.skill_id
            for state in answered.states
            if state.mastered_at
            and not (state.skill_id in before and before[state.skill_id].mastered_at)
        ]
        if mastered:
            tx.require_lock()  # the badges are written with the answer, in one transaction
        evidence_id = answer_store.save_answer(
            tx, user_id=user_id, evidence=record, answered=answered, now=now
        )
        for skill_id in mastered:
            awards.record(tx, user_id=user_id, skill_id=skill_id, now=now)
        return items.feedback(item, grade, evidence_id)

    return ctx.db.hot(work)


def _check_practice(
    item: Item, skill: Skill, learner: answer_store.Learner, hints_used: int
) -> None:
    """Refuse an answer the learner cannot give now: an item kept for checks, a locked skill,
    an item of an unfinished check, more hints than the item has."""
    if item.assessment_only:
        raise Conflict(
            f"item {str(item.id)!r} is kept for mastery and retention checks, not practice",
            problems=[Problem("assessment-only item", field="item_id")],
        )
    if not answering.unlocked(skill, learner.states):
        raise items.locked(item.id.skill)
    if str(item.id) in learner.open_items:
        raise items.busy(str(item.id))
    if not 0 <= hints_used <= len(item.hints):
        message = "hints used must be between 0 and the item's number of hints"
        raise InvalidInput(message, problems=[Problem(message, field="hints_used")])


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
