"""Mastery and retention checks: start, answer, finish, and which retention checks are due.

A check gives no feedback until every item is answered; a failed check cools down before it can
be retaken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from masterpath.domain import grading, retention, selection
from masterpath.domain import mastery as rules
from masterpath.domain.content import Skill
from masterpath.errors import Conflict, InvalidInput, NotFound, Problem
from masterpath.services import Context, evidence, items, marking, mastery_state
from masterpath.services.items import Feedback, PublicItem
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import mastery as mastery_store
from masterpath.store import study as store
from masterpath.store.models import Assessment

COOLDOWN = timedelta(hours=12)  # before a failed check can be retaken
KINDS = ("mastery_check", "retention_check")


@dataclass(frozen=True)
class CheckView:
    id: int
    kind: str
    skill_id: str
    items: list[PublicItem]
    answered: list[str]
    started_at: datetime
    finished: bool
    result: CheckResult | None = None


@dataclass(frozen=True)
class CheckResult:
    correct: int
    total: int
    passed: bool
    feedback: list[Feedback]
    retake_at: datetime | None


@dataclass(frozen=True)
class DueCheck:
    skill_id: str
    title: str
    reason: str
    due_at: datetime


def start_check(ctx: Context, *, user_id: int, skill_id: str, kind: str) -> CheckView:
    """Start a check, or return the one already in progress for this skill and kind."""
    if kind not in KINDS:
        raise InvalidInput(
            f"unknown check {kind!r}; use one of {', '.join(KINDS)}",
            problems=[Problem("unknown check", field="kind")],
        )
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)
        skill = items.find_skill(tx, skill_id)
        items.require_available(tx, user_id, skill_id)
        verdict = mastery_state.verdicts(tx, user_id, [skill_id], now=now)[skill_id]
        every = store.assessments(tx, user_id=user_id, skill_id=skill_id)
        earlier = [a for a in every if a.kind == kind]
        open_ = next((a for a in earlier if a.finished_at is None), None)
        if open_ is not None:
            return _view(ctx, tx, open_, user_id)
        if kind == "mastery_check":
            _may_start_mastery(verdict, earlier, now)
            count = rules.criteria_of(skill).required_correct
        else:
            _may_start_retention(tx, user_id, skill, now)
            _cooled_down(earlier, now, "retention check")
            count = rules.RETENTION_ITEMS
        bank = content_store.items(tx, skill_id)
        assessed = {e for a in every for e in a.items}  # seen in any check, answers shown after
        chosen = selection.assessment(
            items.candidates(bank),
            count=count,
            objectives=[o.id for o in skill.objectives],
            assessed_before=assessed,
            only_held_back=kind == "retention_check",
        )
        if len(chosen) < count:
            raise Conflict(f"skill {skill_id!r} has too few items for a {kind.replace('_', ' ')}")
        row = store.add_assessment(
            tx, user_id=user_id, skill_id=skill_id, kind=kind, items=[c.id for c in chosen], now=now
        )
        return _view(ctx, tx, row, user_id)


def _cooled_down(earlier: list[Assessment], now: datetime, name: str) -> None:
    failed = [a.finished_at for a in earlier if a.passed is False and a.finished_at is not None]
    if failed and now < failed[-1] + COOLDOWN:
        retake = failed[-1] + COOLDOWN
        raise Conflict(
            f"a failed {name} can be retaken from {retake:%Y-%m-%d %H:%M} UTC",
            problems=[Problem("cooldown", field="skill_id")],
        )


def _may_start_mastery(verdict: rules.Verdict, earlier: list[Assessment], now: datetime) -> None:
    _cooled_down(earlier, now, "mastery check")
    estimate = next(item for item in verdict.checklist if item.key == "estimate")
    if not estimate.met:
        raise Conflict(
            f"practise first: the mastery estimate is {estimate.value}",
            problems=[Problem("estimate below the bar", field="skill_id")],
        )


def _may_start_retention(tx: Tx, user_id: int, skill: Skill, now: datetime) -> None:
    due = {d.skill_id: d for d in due_in(tx, user_id=user_id, now=now)}
    if skill.id not in due:
        raise Conflict(
            f"no retention check is due for skill {skill.id!r}",
            problems=[Problem("not due", field="skill_id")],
        )


def check_answer(
    ctx: Context,
    *,
    user_id: int,
    check_id: int,
    item_id: str,
    response: Any,
    seconds: float | None = None,
    submission_id: str | None = None,
) -> CheckView:
    """Record one answer of a check; no feedback until every item is answered."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)
        check = store.assessment(tx, check_id, user_id=user_id)
        if check is None or check.kind not in KINDS:
            raise NotFound(f"no check {check_id}")
        if submission_id is not None:
            earlier = evidence.by_submission_in(tx, user_id=user_id, submission_id=submission_id)
            if earlier is not None:
                if earlier.check_id != check.id or earlier.source_id != item_id:
                    raise Conflict("this submission id was already used for another answer")
                return _view(ctx, tx, check, user_id)
        if item_id not in check.items:
            message = f"item {item_id!r} is not part of this check"
            raise InvalidInput(message, problems=[Problem(message, field="item_id")])
        answered = {
            e.source_id for e in store.check_answers(tx, user_id=user_id, check_id=check.id)
        }
        if item_id in answered:  # one answer per item: a retry or a second tab gets it back
            return _view(ctx, tx, check, user_id)
        if check.finished_at is not None:
            raise Conflict("this check is finished")
        item = items.find(tx, item_id)
        grade = marking.grade(ctx, item, response)
        evidence.add(
            tx,
            now=now,
            user_id=user_id,
            skill_id=check.skill_id,
            source_kind="item",
            source_id=str(item.id),
            mode=check.kind,
            score=grade.score,
            grader="auto",
            seconds=items.clamp_seconds(seconds),
            submission_id=submission_id,
            check_id=check.id,
            detail={"response": response},
        )
        if len(answered) + 1 == len(check.items):
            _finish(tx, check, user_id, now)
        return _view(ctx, tx, check, user_id)


def _finish(tx: Tx, check: Assessment, user_id: int, now: datetime) -> None:
    answers = store.check_answers(tx, user_id=user_id, check_id=check.id)
    check.correct = sum(e.score >= grading.FULL for e in answers)
    check.finished_at = now
    if check.kind == "retention_check":
        check.passed = check.correct >= rules.RETENTION_PASS
    else:
        skill = items.find_skill(tx, check.skill_id)
        criteria = rules.criteria_of(skill)
        objectives_of = {str(i.id): i.objectives for i in skill.items}
        right = {e.source_id for e in answers if e.score >= grading.FULL}
        covered = {o for item in right for o in objectives_of.get(item, ())}
        found = rules.Check(now, frozenset(right), frozenset(covered))
        check.passed = rules.check_passed(criteria, found)


def check(ctx: Context, *, user_id: int, check_id: int) -> CheckView:
    with ctx.db.begin() as tx:
        found = store.assessment(tx, check_id, user_id=user_id)
        if found is None or found.kind not in KINDS:
            raise NotFound(f"no check {check_id}")
        return _view(ctx, tx, found, user_id)


def _view(ctx: Context, tx: Tx, check: Assessment, user_id: int) -> CheckView:
    rows = {item_id: items.find(tx, item_id) for item_id in check.items}
    answers = store.check_answers(tx, user_id=user_id, check_id=check.id)
    result = None
    if check.finished_at is not None:
        feedback = [
            items.feedback(
                rows[e.source_id],
                marking.grade(ctx, rows[e.source_id], e.detail.get("response")),
                e.id,
            )
            for e in answers
        ]
        retake = None
        if check.kind == "mastery_check" and not check.passed:
            retake = check.finished_at + COOLDOWN
        result = CheckResult(
            int(check.correct or 0), len(check.items), bool(check.passed), feedback, retake
        )
    return CheckView(
        id=check.id,
        kind=check.kind,
        skill_id=check.skill_id,
        items=[
            items.public(rows[i], user_id=user_id, attempt=f"check {check.id}") for i in check.items
        ],
        answered=[e.source_id for e in answers],
        started_at=check.started_at,
        finished=check.finished_at is not None,
        result=result,
    )


def due_checks(ctx: Context, *, user_id: int) -> list[DueCheck]:
    """Retention checks due now: completing mastery, confirming a placement, or a re-check."""
    with ctx.db.begin() as tx:
        return due_in(tx, user_id=user_id, now=ctx.clock.now())


def due_in(tx: Tx, *, user_id: int, now: datetime) -> list[DueCheck]:
    states = mastery_store.skill_states(tx, user_id)
    if not states:
        return []
    skills = content_store.skill_models(tx, list(states))
    verdicts = mastery_state.verdicts(tx, user_id, list(skills), now=now)
    found = []
    for skill_id, state in states.items():
        if skill_id not in skills:
            continue
        dates = retention.Dates(
            state.ready_at, state.mastered_at, state.placed_at, state.retention_passed_at
        )
        due = retention.due(
            dates,
            status=verdicts[skill_id].status,
            now=now,
            retention_days=rules.criteria_of(skills[skill_id]).retention_days,
        )
        if due is not None:
            found.append(DueCheck(skill_id, skills[skill_id].title, due.reason, due.due_at))
    return sorted(found, key=lambda d: (d.due_at, d.skill_id))
