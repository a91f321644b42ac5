"""Reporting a problem with an item, and an admin resolving reports and voiding evidence.

A void never changes evidence: it adds one `evidence_voids` row per record, and every reader
that counts toward mastery skips voided ids. The affected learners' knowledge-tracing counters
are then replayed from the evidence that still counts, and a mastery that no longer holds
returns to in progress (its unlocks stay open, as with decay) with a note on the skill page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from masterpath.domain import kt, voiding
from masterpath.domain import mastery as rules
from masterpath.errors import Forbidden, InvalidInput, NotFound, Problem
from masterpath.services import Context, mastery_state
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import item_reports as store
from masterpath.store import mastery as mastery_store
from masterpath.store.models import Evidence, ItemReport

KINDS = {
    "key": "The answer key is wrong",
    "wording": "The wording is unclear or misleading",
    "outdated": "It is out of date",
    "other": "Something else",
}
MAX_NOTE = 2_000
MAX_REASON = 500
NOT_AN_ADMIN = "Only an admin can do this."
RETENTION = "retention_check"


@dataclass(frozen=True)
class ItemReports:
    item_id: str
    skill_id: str
    stem: str
    count: int
    kinds: dict[str, int]
    reports: list[dict[str, Any]]  # id, kind, note, created_at (no reporter shown)


@dataclass(frozen=True)
class VoidResult:
    item_id: str
    voided: int
    learners: int
    reopened: list[tuple[int, str]]  # (learner, skill) whose mastery no longer holds


def _bad(message: str, field: str) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, field=field)])


def require_admin(tx: Tx, user_id: int | None) -> None:
    if user_id is None:
        return  # the command line: whoever runs it runs the install
    user = account_store.user_by_id(tx, user_id)
    if user is None or user.role != "admin":
        raise Forbidden(NOT_AN_ADMIN)


def _live_item(tx: Tx, item_id: str) -> Any:
    row = content_store.item(tx, item_id)
    if row is None:
        raise NotFound(f"no item {item_id!r}")
    return row


def reportable(ctx: Context, *, user_id: int, item_id: str) -> None:
    """Raise NotFound unless the item exists and this learner has answered it."""
    with ctx.db.begin() as tx:
        _reportable(tx, user_id, item_id)


def _reportable(tx: Tx, user_id: int, item_id: str) -> None:
    _live_item(tx, item_id)
    if not store.answered(tx, user_id=user_id, item_id=item_id):
        raise NotFound(f"you have not answered item {item_id!r}")


def report(ctx: Context, *, user_id: int, item_id: str, kind: str, note: str) -> ItemReport:
    """A learner reports an item they have answered; nothing is written on bad input."""
    note = note.strip()
    if kind not in KINDS:
        raise _bad(f"choose what is wrong: one of {', '.join(KINDS)}", "kind")
    if len(note) > MAX_NOTE:
        raise _bad(f"the note is {len(note)} characters; at most {MAX_NOTE}", "note")
    if kind == "other" and not note:
        raise _bad("say what is wrong in the note", "note")
    with ctx.db.begin() as tx:
        _reportable(tx, user_id, item_id)
        return store.add_report(
            tx, user_id=user_id, item_id=item_id, kind=kind, note=note, created_at=ctx.clock.now()
        )


def open_reports(ctx: Context, *, admin_id: int | None) -> list[ItemReports]:
    """Open reports grouped by item, the most reported first."""
    with ctx.db.begin() as tx:
        require_admin(tx, admin_id)
        grouped: dict[str, list[ItemReport]] = {}
        for row in store.open_reports(tx):
            grouped.setdefault(row.item_id, []).append(row)
        found = []
        for item_id, rows in grouped.items():
            item = content_store.item(tx, item_id)
            kinds: dict[str, int] = {}
            for row in rows:
                kinds[row.kind] = kinds.get(row.kind, 0) + 1
            found.append(
                ItemReports(
                    item_id,
                    item.skill_id if item else "",
                    str(item.data.get("stem", "")) if item else "",
                    len(rows),
                    kinds,
                    [
                        {"id": r.id, "kind": r.kind, "note": r.note, "created_at": r.created_at}
                        for r in rows
                    ],
                )
            )
    return sorted(found, key=lambda r: (-r.count, r.item_id))


def resolve(ctx: Context, *, admin_id: int | None, item_id: str) -> int:
    """Close every open report of the item; how many were closed."""
    with ctx.db.begin() as tx:
        require_admin(tx, admin_id)
        _live_item(tx, item_id)
        return store.resolve_open(tx, item_id=item_id, by=admin_id, now=ctx.clock.now())


def void(
    ctx: Context,
    *,
    admin_id: int | None,
    item_id: str,
    reason: str,
    before: datetime | None = None,
) -> VoidResult:
    """Void the graded answers to an item (answered before `before`, when given), replay the
    affected learners and reopen masteries that no longer hold. One transaction."""
    reason = reason.strip()
    if not reason:
        raise _bad("give a reason: learners see it", "reason")
    if len(reason) > MAX_REASON:
        raise _bad(f"the reason is {len(reason)} characters; at most {MAX_REASON}", "reason")
    if before is not None and before.tzinfo is None:
        raise _bad("--before needs a time zone (e.g. 2026-12-01T00:00:00+00:00)", "before")
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        require_admin(tx, admin_id)
        _live_item(tx, item_id)
        store.lock_item(tx, item_id)
        rows = store.to_void(tx, item_id=item_id, before=before)
        learners = sorted({row.user_id for row in rows})
        for learner in learners:
            account_store.lock_learner(tx, learner)
        store.add_voids(
            tx,
            [
                {
                    "evidence_id": row.id,
                    "user_id": row.user_id,
                    "skill_id": row.skill_id,
                    "item_id": item_id,
                    "reason": reason,
                    "voided_at": now,
                    "voided_by": admin_id,
                }
                for row in rows
            ],
        )
        store.resolve_open(tx, item_id=item_id, by=admin_id, now=now)
        reopened = []
        for learner in learners:
            retested = {r.skill_id for r in rows if r.user_id == learner and r.mode == RETENTION}
            for skill_id in retested:
                _retention(tx, learner, skill_id)
            for skill_id in _replay(tx, learner, now=now):
                store.add_reopening(
                    tx,
                    user_id=learner,
                    skill_id=skill_id,
                    item_id=item_id,
                    reason=reason,
                    reopened_at=now,
                )
                reopened.append((learner, skill_id))
    return VoidResult(item_id, len(rows), len(learners), reopened)


def _retention(tx: Tx, user_id: int, skill_id: str) -> None:
    """Re-derive a skill's retention-check results once answers in its checks are voided."""
    state = mastery_store.skill_states(tx, user_id).get(skill_id)
    if state is None:
        return
    found = voiding.retention(
        [
            voiding.RetentionAnswer(r.check_id, r.score, r.recorded_at, bool(r.voided))
            for r in store.retention_answers(tx, user_id=user_id, skill_id=skill_id)
        ]
    )
    state.retention_checks_passed, state.retention_passed_at = found.passed, found.passed_at
    if state.placed_at is not None:
        state.placement_failed = any(at >= state.placed_at for at in found.failed_at)


def _difficulties(tx: Tx, rows: list[Evidence]) -> dict[str, str]:
    found = {}
    for item_id in {row.source_id for row in rows}:
        item = content_store.item(tx, item_id)
        found[item_id] = str(item.data.get("difficulty") or "medium") if item else "medium"
    return found


def _replay(tx: Tx, user_id: int, *, now: datetime) -> list[str]:
    """Rebuild the learner's counters from the answers that count; the skills whose mastery
    no longer holds (reopened here)."""
    rows = store.counted_answers(tx, user_id)
    difficulty = _difficulties(tx, rows)
    done = voiding.replay_learner(
        [
            voiding.Answer(
                (row.skill_id, *row.also_skills),
                kt.credit(row.score, hints=row.hints_used, difficulty=difficulty[row.source_id]),
            )
            for row in rows
        ]
    )
    last: dict[str, datetime] = {}
    for row in rows:
        for skill in (row.skill_id, *row.also_skills):
            last[skill] = row.recorded_at
    states = mastery_store.skill_states(tx, user_id)
    before = {  # estimates of mastered skills with every record, before the replay
        skill_id: mastery_state.estimate(tx, user_id, skill_id, state.counters)[0]
        for skill_id, state in states.items()
        if state.mastered_at is not None
    }
    mastery_store.save_learner_state(
        tx, user_id=user_id, counters=done.learner, skill_ids=done.skill_ids, now=now
    )
    reopened = []
    for skill_id, state in states.items():
        state.counters = done.records.get(skill_id, {})
        state.graded_attempts = done.attempts.get(skill_id, 0)
        state.last_graded_at = last.get(skill_id)
        state.updated_at = now
        if _reopen(tx, user_id, state, now=now, before=before.get(skill_id, 0.0)):
            reopened.append(skill_id)
    return reopened


def _reopen(tx: Tx, user_id: int, state: Any, *, now: datetime, before: float) -> bool:
    """Whether mastery stopped holding (then cleared: in progress, unlocks kept)."""
    skills = content_store.skill_models(tx, [state.skill_id])
    if state.skill_id not in skills:
        return False
    if state.mastered_at is None:
        mastery_state.mark_ready(tx, user_id=user_id, skill_id=state.skill_id, now=now, state=state)
        return False
    skill = skills[state.skill_id]
    was = state.mastered_at
    state.mastered_at = None
    criteria, progress = mastery_state.standing(tx, user_id, skill, state, now=now)
    held = before >= criteria.threshold
    if voiding.still_holds(rules.checklist(criteria, progress), estimate_held_before=held):
        state.mastered_at = was
        return False
    if not rules.ready(criteria, progress):
        state.ready_at = None
    state.reopened_at = now
    return True


def notes(ctx: Context, *, user_id: int, skill_id: str) -> list[dict[str, Any]]:
    """What the learner is told on the skill page about voided evidence (their own only)."""
    with ctx.db.begin() as tx:
        return [
            {"item_id": r.item_id, "reason": r.reason, "at": r.reopened_at}
            for r in store.reopenings(tx, user_id=user_id, skill_id=skill_id)
        ]
