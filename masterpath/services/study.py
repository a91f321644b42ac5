"""Practice and checks: the next item, answers with feedback, mastery and retention checks.

Answer keys stay on the server: an item goes out as `PublicItem` (no correct flags, no answer,
no model answer, no rubric, no explanation); feedback comes back only after the answer is
recorded, and for a check only once the whole check is finished.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from masterpath.domain import grading, selection
from masterpath.domain import mastery as rules
from masterpath.errors import Conflict, InvalidInput, NotFound, Problem
from masterpath.services import Context, evidence, marking, mastery
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import mastery as mastery_store
from masterpath.store import study as store
from masterpath.store.models import Assessment, ItemRow

COOLDOWN = timedelta(hours=12)  # before a failed mastery check can be retaken
KINDS = ("mastery_check", "retention_check")
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


@dataclass(frozen=True)
class NextItem:
    item: PublicItem | None
    reason: str  # practice, prerequisite, worked_example, or empty when nothing is left
    message: str = ""
    worked_example: dict[str, str] | None = None


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


def public(row: ItemRow, *, user_id: int) -> PublicItem:
    data = row.data
    options = [{"id": o["id"], "text": o["text"]} for o in data.get("options", [])]
    if data["type"] == "ordering":  # stored in the right order: show a stable shuffle
        random.Random(f"{user_id}:{row.id}").shuffle(options)
        if [o["id"] for o in options] == [o["id"] for o in data["options"]]:
            options.reverse()
    return PublicItem(
        id=row.id, skill_id=row.skill_id, type=data["type"], stem=data["stem"],
        objectives=list(data["objectives"]), options=options, unit=data.get("unit", ""),
        hints=len(data.get("hints", [])),
    )  # fmt: skip


def answer_text(data: dict[str, Any]) -> str:
    kind = data["type"]
    if kind in ("single_choice", "multiple_choice"):
        return "; ".join(o["text"] for o in data["options"] if o.get("correct"))
    if kind == "ordering":
        return " → ".join(o["text"] for o in data["options"])
    if kind == "true_false":
        return "True" if data["answer"] else "False"
    if kind == "numeric":
        tolerance = f" (± {data['tolerance']:g})" if data.get("tolerance") else ""
        return f"{data['answer']:g}{data.get('unit', '')}{tolerance}"
    return str(data.get("model_answer", ""))


def _feedback(row: ItemRow, grade: grading.Grade, evidence_id: int) -> Feedback:
    return Feedback(
        evidence_id=evidence_id, item_id=row.id, score=grade.score, correct=grade.correct,
        explanation=row.data["explanation"], answer=answer_text(row.data),
        found=list(grade.found), missed=list(grade.missed), wrong=list(grade.wrong),
    )  # fmt: skip


def _item(tx: Tx, item_id: str) -> ItemRow:
    row = content_store.item(tx, item_id)
    if row is None or row.retired_at is not None:
        raise NotFound(f"no item {item_id!r}")
    return row


def _skill(tx: Tx, skill_id: str) -> dict[str, Any]:
    found = content_store.skill_data(tx, [skill_id])
    if not found:
        raise NotFound(f"no skill {skill_id!r}")
    return found[skill_id]


def _require_open(tx: Tx, user_id: int, item_id: str) -> None:
    """An item being asked in an unfinished check or diagnostic stays closed to practice."""
    busy = {i for a in store.assessments(tx, user_id=user_id) if a.finished_at is None
            for i in a.items}  # fmt: skip
    if item_id in busy:
        raise Conflict(f"item {item_id!r} is part of a check in progress; finish the check first")


def _require_available(tx: Tx, user_id: int, skill_id: str) -> None:
    if not mastery.available(tx, user_id=user_id, skill=_skill(tx, skill_id)):
        raise Conflict(
            f"skill {skill_id!r} is locked: master or place its prerequisites first",
            problems=[Problem("skill is locked", field="skill_id")],
        )


def clamp_seconds(seconds: float | None) -> float | None:
    if seconds is not None and not math.isfinite(seconds):
        raise InvalidInput("seconds must be a finite number",
                           problems=[Problem("not finite", field="seconds")])  # fmt: skip
    return None if seconds is None else min(max(float(seconds), 0.0), MAX_SECONDS)


# Practice --------------------------------------------------------------------------------------


def _candidates(rows: list[ItemRow]) -> list[selection.Candidate]:
    return [
        selection.Candidate(row.id, tuple(row.data["objectives"]),
                            row.data.get("difficulty", "medium"), row.assessment_only)
        for row in rows
    ]  # fmt: skip


def _practice_in(tx: Tx, user_id: int, skill_id: str) -> ItemRow | None:
    rows = content_store.live_items(tx, skill_id)
    counts = store.item_counts(tx, user_id=user_id, skill_id=skill_id)
    per_objective: dict[str, int] = {}
    for row in rows:
        for objective in row.data["objectives"]:
            per_objective[objective] = per_objective.get(objective, 0) + counts.get(row.id, 0)
    state = mastery_store.skill_states(tx, user_id).get(skill_id)
    p, _ = mastery.estimate(tx, user_id, skill_id, state.counters if state else {})
    chosen = selection.practice(
        _candidates(rows), p_skill=p,
        recent=store.recent_items(tx, user_id=user_id, skill_id=skill_id),
        evidence_per_objective=per_objective,
    )  # fmt: skip
    return next(row for row in rows if row.id == chosen.id) if chosen else None


def next_practice(ctx: Context, *, user_id: int, skill_id: str) -> NextItem:
    """The next practice item, following the engine's wheel-spinning recommendation."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        skill = _skill(tx, skill_id)
        _require_available(tx, user_id, skill_id)
        advice = mastery.recommendation(tx, user_id=user_id, skill=skill, now=now)
        if advice == "prerequisite":
            weakest = _weakest_prerequisite(tx, user_id, skill, now)
            row = _practice_in(tx, user_id, weakest) if weakest else None
            if row is None:  # every prerequisite holds up: the trouble is here
                advice = "worked_example"
            else:
                message = (
                    f"Ten answers here have not reached the bar yet, so this one comes from "
                    f"the prerequisite {weakest!r}: shoring it up usually unblocks this skill."
                )
                return NextItem(public(row, user_id=user_id), "prerequisite", message)
        row = _practice_in(tx, user_id, skill_id)
        if row is None:
            return NextItem(None, "", "This skill has no practice items.")
        example = _worked_example(tx, user_id, skill_id) if advice == "worked_example" else None
        if example:
            message = "Study this worked example first, then try the next item."
            return NextItem(public(row, user_id=user_id), "worked_example", message, example)
        return NextItem(public(row, user_id=user_id), "practice")


def _weakest_prerequisite(tx: Tx, user_id: int, skill: dict[str, Any], now: datetime) -> str | None:
    """The prerequisite with the lowest estimate, if it is below the bar: worth shoring up."""
    prerequisites = list(skill.get("prerequisites", []))
    if not prerequisites:
        return None
    states = mastery_store.skill_states(tx, user_id)
    estimates = {
        pre: mastery.estimate(tx, user_id, pre, states[pre].counters if pre in states else {})[0]
        for pre in prerequisites
    }
    weakest: str = min(prerequisites, key=lambda pre: (estimates[pre], pre))
    return weakest if estimates[weakest] < rules.THRESHOLD else None


def _worked_example(tx: Tx, user_id: int, skill_id: str) -> dict[str, str] | None:
    """An item the learner has already answered, with its answer and explanation shown."""
    for item_id in store.recent_items(tx, user_id=user_id, skill_id=skill_id):
        row = content_store.item(tx, item_id)
        if row is not None and not row.assessment_only:
            return {"stem": row.data["stem"], "answer": answer_text(row.data),
                    "explanation": row.data["explanation"]}  # fmt: skip
    return None


def practice_item(ctx: Context, *, user_id: int, item_id: str) -> PublicItem:
    """A named practice item as shown before answering (for a page that asked for it)."""
    with ctx.db.begin() as tx:
        row = _item(tx, item_id)
        if row.assessment_only:
            raise Conflict(f"item {item_id!r} is kept for mastery and retention checks")
        _require_available(tx, user_id, row.skill_id)
        _require_open(tx, user_id, row.id)
        return public(row, user_id=user_id)


def hints_shown(ctx: Context, *, user_id: int, item_id: str) -> list[str]:
    """The hints of an open practice item this learner revealed since last answering it."""
    with ctx.db.begin() as tx:
        row = _item(tx, item_id)
        if row.assessment_only:
            return []
        _require_available(tx, user_id, row.skill_id)
        seen = store.hints_seen(tx, user_id=user_id, item_id=row.id)
        return [str(h) for h in row.data.get("hints", [])[:seen]]


def hint(ctx: Context, *, user_id: int, item_id: str, number: int) -> str:
    """Hint `number` (1-based) of a practice item, recorded as seen. Checks give no hints."""
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)
        row = _item(tx, item_id)
        if row.assessment_only:
            raise Conflict("assessment items have no hints")
        _require_available(tx, user_id, row.skill_id)
        _require_open(tx, user_id, row.id)
        hints = row.data.get("hints", [])
        if not 1 <= number <= len(hints):
            raise NotFound(f"item {item_id!r} has {len(hints)} hint(s); there is no hint {number}")
        store.reveal_hint(tx, user_id=user_id, item_id=row.id, number=number, now=ctx.clock.now())
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
    """Grade a practice answer, record it as evidence and say why, at once."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)
        row = _item(tx, item_id)
        if submission_id is not None:
            earlier = evidence.by_submission_in(tx, user_id=user_id, submission_id=submission_id)
            if earlier is not None:
                return _replay(ctx, row, earlier)
        if row.assessment_only:
            raise Conflict(
                f"item {item_id!r} is kept for mastery and retention checks, not practice",
                problems=[Problem("assessment-only item", field="item_id")],
            )
        _require_available(tx, user_id, row.skill_id)
        _require_open(tx, user_id, row.id)
        if not 0 <= hints_used <= len(row.data.get("hints", [])):
            message = "hints used must be between 0 and the item's number of hints"
            raise InvalidInput(message, problems=[Problem(message, field="hints_used")])
        # the hints the server handed out count, whatever the client says
        hints_used = max(hints_used, store.hints_seen(tx, user_id=user_id, item_id=row.id))
        grade = marking.grade(ctx, row.data, response)
        record, _ = evidence.add(
            tx, now=now, user_id=user_id, skill_id=row.skill_id, source_kind="item",
            source_id=row.id, mode="practice", score=grade.score, grader="auto",
            hints_used=hints_used, seconds=clamp_seconds(seconds), submission_id=submission_id,
            detail={"response": response},
        )  # fmt: skip
        if record.seconds:
            store.add_time(tx, user_id=user_id, skill_id=row.skill_id, kind="item",
                           seconds=record.seconds, now=now)  # fmt: skip
        return _feedback(row, grade, record.id)


def _replay(ctx: Context, row: ItemRow, earlier: evidence.Record) -> Feedback:
    """The first result of a repeated submission, graded again from what was stored."""
    if earlier.source_id != row.id or earlier.mode != "practice" or earlier.check_id is not None:
        raise Conflict("this submission id was already used for another answer")
    grade = marking.grade(ctx, row.data, earlier.detail.get("response"))
    return _feedback(row, grade, earlier.id)


# Mastery and retention checks ------------------------------------------------------------------


def start_check(ctx: Context, *, user_id: int, skill_id: str, kind: str) -> CheckView:
    """Start a check, or return the one already in progress for this skill and kind."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown check {kind!r}; use one of {', '.join(KINDS)}",
                           problems=[Problem("unknown check", field="kind")])  # fmt: skip
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)
        skill = _skill(tx, skill_id)
        _require_available(tx, user_id, skill_id)
        verdict = mastery.verdicts(tx, user_id, [skill_id], now=now)[skill_id]
        every = store.assessments(tx, user_id=user_id, skill_id=skill_id)
        earlier = [a for a in every if a.kind == kind]
        open_ = next((a for a in earlier if a.finished_at is None), None)
        if open_ is not None:
            return _view(ctx, tx, open_, user_id)
        if kind == "mastery_check":
            _may_start_mastery(verdict, earlier, now)
            count = mastery.criteria_of(skill).required_correct
        else:
            _may_start_retention(tx, user_id, skill, now)
            _cooled_down(earlier, now, "retention check")
            count = mastery.RETENTION_ITEMS
        rows = content_store.live_items(tx, skill_id)
        assessed = {e for a in every for e in a.items}  # seen in any check, answers shown after
        chosen = selection.assessment(
            _candidates(rows), count=count, objectives=[o["id"] for o in skill["objectives"]],
            assessed_before=assessed, only_held_back=kind == "retention_check",
        )  # fmt: skip
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
        raise Conflict(f"practise first: the mastery estimate is {estimate.value}",
                       problems=[Problem("estimate below the bar", field="skill_id")])  # fmt: skip


def _may_start_retention(tx: Tx, user_id: int, skill: dict[str, Any], now: datetime) -> None:
    due = {d.skill_id: d for d in _due_checks(tx, user_id, now)}
    if skill["id"] not in due:
        raise Conflict(f"no retention check is due for skill {skill['id']!r}",
                       problems=[Problem("not due", field="skill_id")])  # fmt: skip


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
        row = _item(tx, item_id)
        grade = marking.grade(ctx, row.data, response)
        record, _ = evidence.add(
            tx, now=now, user_id=user_id, skill_id=check.skill_id, source_kind="item",
            source_id=row.id, mode=check.kind, score=grade.score, grader="auto",
            seconds=clamp_seconds(seconds), submission_id=submission_id, check_id=check.id,
            detail={"response": response},
        )  # fmt: skip
        if record.seconds:
            store.add_time(tx, user_id=user_id, skill_id=check.skill_id, kind="item",
                           seconds=record.seconds, now=now)  # fmt: skip
        if len(answered) + 1 == len(check.items):
            _finish(tx, check, user_id, now)
        return _view(ctx, tx, check, user_id)


def _finish(tx: Tx, check: Assessment, user_id: int, now: datetime) -> None:
    answers = store.check_answers(tx, user_id=user_id, check_id=check.id)
    check.correct = sum(e.score >= grading.FULL for e in answers)
    check.finished_at = now
    if check.kind == "retention_check":
        check.passed = check.correct >= mastery.RETENTION_PASS
    else:
        skill = _skill(tx, check.skill_id)
        criteria = mastery.criteria_of(skill)
        objectives_of = {f"{skill['id']}:{i['id']}": i["objectives"] for i in skill["items"]}
        right = {e.source_id for e in answers if e.score >= grading.FULL}
        covered = {o for item in right for o in objectives_of.get(item, [])}
        found = rules.Check(now, frozenset(right), frozenset(covered))
        check.passed = rules.check_passed(criteria, found)


def check(ctx: Context, *, user_id: int, check_id: int) -> CheckView:
    with ctx.db.begin() as tx:
        found = store.assessment(tx, check_id, user_id=user_id)
        if found is None or found.kind not in KINDS:
            raise NotFound(f"no check {check_id}")
        return _view(ctx, tx, found, user_id)


def _view(ctx: Context, tx: Tx, check: Assessment, user_id: int) -> CheckView:
    rows = {item_id: _item(tx, item_id) for item_id in check.items}
    answers = store.check_answers(tx, user_id=user_id, check_id=check.id)
    result = None
    if check.finished_at is not None:
        feedback = [
            _feedback(rows[e.source_id], marking.grade(ctx, rows[e.source_id].data,
                      e.detail.get("response")), e.id)
            for e in answers
        ]  # fmt: skip
        retake = None
        if check.kind == "mastery_check" and not check.passed:
            retake = check.finished_at + COOLDOWN
        result = CheckResult(int(check.correct or 0), len(check.items), bool(check.passed),
                             feedback, retake)  # fmt: skip
    return CheckView(
        id=check.id, kind=check.kind, skill_id=check.skill_id,
        items=[public(rows[i], user_id=user_id) for i in check.items],
        answered=[e.source_id for e in answers], started_at=check.started_at,
        finished=check.finished_at is not None, result=result,
    )  # fmt: skip


def due_checks(ctx: Context, *, user_id: int) -> list[DueCheck]:
    """Retention checks due now: completing mastery, confirming a placement, or a re-check."""
    with ctx.db.begin() as tx:
        return _due_checks(tx, user_id, ctx.clock.now())


def _due_checks(tx: Tx, user_id: int, now: datetime) -> list[DueCheck]:
    states = mastery_store.skill_states(tx, user_id)
    if not states:
        return []
    skills = content_store.skill_data(tx, list(states))
    verdicts = mastery.verdicts(tx, user_id, list(skills), now=now)
    found = []
    for skill_id, state in states.items():
        if skill_id not in skills:
            continue
        days = timedelta(days=mastery.criteria_of(skills[skill_id]).retention_days)
        status = verdicts[skill_id].status
        passed = state.retention_passed_at
        if state.mastered_at is None and state.ready_at is not None:
            due, reason = state.ready_at + days, "completes mastery"
            if passed is not None and passed >= due:
                continue
        elif state.placed_at is not None and status == rules.Status.PLACED:
            due, reason = state.placed_at + days, "confirms your placement"
        elif status == rules.Status.DECAYING:
            if passed is not None and now - passed < timedelta(days=1):
                continue  # re-checked today: practice and reviews come next
            due, reason = now, "a re-check: your recall is forecast to be fading"
        else:
            continue
        if due <= now:
            found.append(DueCheck(skill_id, skills[skill_id]["title"], reason, due))
    return sorted(found, key=lambda d: (d.due_at, d.skill_id))
