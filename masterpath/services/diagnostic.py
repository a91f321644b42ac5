"""The placement diagnostic of a track: at most 15 adaptive questions, then skills placed.

Each answer is graded evidence for the skill asked (mode "diagnostic"). The graph carries it:
a right answer on an advanced skill is evidence for its prerequisites, a wrong one on a basic
skill rules out what depends on it. Placed skills unlock what depends on them and stay
provisional until their own retention checks. A learner may skip the diagnostic entirely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from masterpath.domain import grading, placement
from masterpath.domain import tracks as planner
from masterpath.domain.content import Item, ItemId
from masterpath.errors import Conflict, InvalidInput, NotFound, Problem
from masterpath.services import Context, evidence, marking, mastery_state, track_plan
from masterpath.services.items import PublicItem, clamp_seconds, public
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import study as study_store
from masterpath.store import tracks as track_store
from masterpath.store.models import Assessment, Track


@dataclass(frozen=True)
class DiagnosticView:
    id: int
    track_id: int
    item: PublicItem | None
    asked: int
    budget: int
    finished: bool
    placed: list[dict[str, Any]] = field(default_factory=list)  # skill, title, confidence, why
    study: list[str] = field(default_factory=list)


def _track(tx: Tx, user_id: int, track_id: int) -> Track:
    row = track_store.get(tx, track_id, user_id=user_id)
    if row is None:
        raise NotFound(f"no track {track_id}")
    return row


def _scope(tx: Tx, row: Track) -> tuple[dict[str, list[str]], set[str], list[str]]:
    career = content_store.career(tx, row.career_slug)
    if career is None:
        raise NotFound(f"no career {row.career_slug!r}")
    derived = track_plan.catalogue(tx)
    stages = [planner.Stage(s["id"], s["title"], tuple(s["skills"])) for s in career.data["stages"]]
    scope = planner.scope(stages, derived.prerequisites, list(row.pinned))
    hypotheses = track_plan.hypotheses(row.background, derived, list(row.known))
    return derived.prerequisites, scope, [h for h in hypotheses if h in scope]


def _bank(tx: Tx, skill_id: str) -> tuple[Item, ...]:
    """A skill's items as the diagnostic sees them."""
    skill = content_store.skill_models(tx, [skill_id]).get(skill_id)
    return skill.items if skill else ()


def _answers(tx: Tx, user_id: int, check: Assessment) -> list[placement.Answer]:
    found = []
    for record in study_store.check_answers(tx, user_id=user_id, check_id=check.id):
        row = content_store.item(tx, record.source_id)
        guess = placement.guess_chance(content_store.item_model(tx, row)) if row else 0.5
        found.append(
            placement.Answer(record.skill_id, record.source_id, record.score >= grading.FULL, guess)
        )
    return found


def _next(
    tx: Tx,
    prerequisites: dict[str, list[str]],
    scope: set[str],
    hypotheses: list[str],
    *,
    answers: list[placement.Answer],
    asked: list[str],
) -> str | None:
    """The next item id to ask, or None when the diagnostic is done."""
    seen = {ItemId.parse(i) for i in asked}
    empty = {s for s in scope if placement.choose_item(_bank(tx, s), seen) is None}
    skill = placement.next_skill(prerequisites, scope, hypotheses, answers, skip=empty)
    if skill is None:
        return None
    item = placement.choose_item(_bank(tx, skill), seen)
    return str(item.id) if item else None


def start(ctx: Context, *, user_id: int, track_id: int) -> DiagnosticView:
    """Start the track's diagnostic, or return the one already started (or finished)."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)
        row = _track(tx, user_id, track_id)
        if row.diagnostic_id is None:  # one diagnostic per career: another track may have it
            row.diagnostic_id = next(
                (
                    t.diagnostic_id
                    for t in track_store.of_learner(tx, user_id)
                    if t.career_slug == row.career_slug and t.diagnostic_id
                ),
                None,
            )
        if row.diagnostic_id is not None:
            check = study_store.assessment(tx, row.diagnostic_id, user_id=user_id)
            if check is not None:
                return _view(tx, user_id, row, check)
        prerequisites, scope, hypotheses = _scope(tx, row)
        first = _next(tx, prerequisites, scope, hypotheses, answers=[], asked=[])
        if first is None:
            raise Conflict("this track has nothing the diagnostic can ask about")
        check = study_store.add_assessment(
            tx,
            user_id=user_id,
            skill_id=ItemId.parse(first).skill,
            kind="diagnostic",
            items=[first],
            now=now,
        )
        row.diagnostic_id = check.id
        return _view(tx, user_id, row, check)


def answer(
    ctx: Context,
    *,
    user_id: int,
    track_id: int,
    item_id: str,
    response: Any,
    seconds: float | None = None,
    submission_id: str | None = None,
) -> DiagnosticView:
    """Grade one diagnostic answer, then choose the next question or place the learner."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)
        row = _track(tx, user_id, track_id)
        check = (
            study_store.assessment(tx, row.diagnostic_id, user_id=user_id)
            if row.diagnostic_id is not None
            else None
        )
        if check is None:
            raise Conflict("start the diagnostic first")
        if submission_id is not None:
            earlier = evidence.by_submission_in(tx, user_id=user_id, submission_id=submission_id)
            if earlier is not None:
                if earlier.check_id != check.id or earlier.source_id != item_id:
                    raise Conflict("this submission id was already used for another answer")
                return _view(tx, user_id, row, check)
        answered = check.items if check.finished_at is not None else check.items[:-1]
        if item_id in answered:  # one answer per question: a retry or a second tab gets it back
            return _view(tx, user_id, row, check)
        if check.finished_at is not None:
            raise Conflict("the diagnostic is finished")
        if item_id != check.items[-1]:
            message = f"item {item_id!r} is not the question being asked"
            raise InvalidInput(message, problems=[Problem(message, field="item_id")])
        stored = content_store.item(tx, item_id)
        if stored is None:
            raise NotFound(f"no item {item_id!r}")
        item = content_store.item_model(tx, stored)
        grade = marking.grade(ctx, item, response)
        evidence.add(
            tx,
            now=now,
            user_id=user_id,
            skill_id=item.id.skill,
            source_kind="item",
            source_id=str(item.id),
            mode="diagnostic",
            score=grade.score,
            grader="auto",
            seconds=clamp_seconds(seconds),
            submission_id=submission_id,
            check_id=check.id,
            detail={"response": response},
        )
        prerequisites, scope, hypotheses = _scope(tx, row)
        answers = _answers(tx, user_id, check)
        following = (
            _next(tx, prerequisites, scope, hypotheses, answers=answers, asked=list(check.items))
            if len(answers) < placement.BUDGET
            else None
        )
        if following is not None:
            check.items = [*check.items, following]
        else:
            _finish(tx, user_id, check, placement.result(prerequisites, scope, answers), now)
        return _view(tx, user_id, row, check)


def _finish(
    tx: Tx, user_id: int, check: Assessment, found: placement.Result, now: datetime
) -> None:
    mastery_state.place_in(tx, user_id=user_id, skill_ids=list(found.placed), now=now)
    check.finished_at = now
    check.correct = sum(a.correct for p in found.skills for a in p.evidence if a.skill == p.skill)


def view(ctx: Context, *, user_id: int, track_id: int) -> DiagnosticView | None:
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)
        row = _track(tx, user_id, track_id)
        if row.diagnostic_id is None:
            return None
        check = study_store.assessment(tx, row.diagnostic_id, user_id=user_id)
        return _view(tx, user_id, row, check) if check else None


def _view(tx: Tx, user_id: int, row: Track, check: Assessment) -> DiagnosticView:
    answers = _answers(tx, user_id, check)
    if check.finished_at is None:
        item = content_store.item(tx, check.items[-1])
        shown = (
            public(
                content_store.item_model(tx, item),
                user_id=user_id,
                attempt=f"diagnostic {check.id}",
            )
            if item
            else None
        )
        return DiagnosticView(check.id, row.id, shown, len(answers), placement.BUDGET, False)
    prerequisites, scope, _ = _scope(tx, row)
    found = placement.result(prerequisites, scope, answers)
    titles = content_store.skill_models(tx, list(scope))
    placed = [
        {
            "skill": p.skill,
            "title": titles[p.skill].title,
            "confidence": round(p.confidence, 3),
            "answers": len(p.evidence),
        }
        for p in found.skills
        if p.placed
    ]
    return DiagnosticView(
        check.id, row.id, None, len(answers), placement.BUDGET, True, placed, list(found.study)
    )
