"""Recording evidence: every graded answer, review and task, append-only and idempotent."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from masterpath.domain import kt
from masterpath.domain.content import Mode
from masterpath.errors import InvalidInput, NotFound, Problem
from masterpath.services import Context, mastery_state
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import evidence as store
from masterpath.store.models import Evidence, ItemRow

MODES = tuple(mode.value for mode in Mode)  # diagnostic, practice, mastery_check, ...
GRADERS = ("auto", "rubric", "instructor", "self")
SOURCES = ("item", "card", "task")
CLOCK_SKEW = timedelta(minutes=1)


@dataclass(frozen=True)
class Record:
    id: int
    skill_id: str
    also_skills: list[str]
    source_kind: str
    source_id: str
    pack_version: str
    mode: str
    score: float
    grader: str
    hints_used: int
    seconds: float | None
    answered_at: datetime
    submission_id: str | None
    check_id: int | None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def graded(self) -> bool:
        """Only graded evidence can satisfy a criterion; self-reports never do."""
        return self.grader != "self"


def record_of(row: Evidence) -> Record:
    return Record(
        row.id,
        row.skill_id,
        list(row.also_skills),
        row.source_kind,
        row.source_id,
        row.pack_version,
        row.mode,
        row.score,
        row.grader,
        row.hints_used,
        row.seconds,
        row.answered_at,
        row.submission_id,
        row.check_id,
        dict(row.detail),
    )


def _bad(message: str, field_name: str) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, field=field_name)])


def _check_values(
    *,
    mode: str,
    grader: str,
    source_kind: str,
    score: float,
    hints_used: int,
    seconds: float | None,
) -> None:
    if mode not in MODES:
        raise _bad(f"unknown mode {mode!r}; use one of {', '.join(MODES)}", "mode")
    if grader not in GRADERS:
        raise _bad(f"unknown grader {grader!r}; use one of {', '.join(GRADERS)}", "grader")
    if source_kind not in SOURCES:
        raise _bad(f"unknown source {source_kind!r}; use one of {', '.join(SOURCES)}", "source")
    if not (math.isfinite(score) and 0.0 <= score <= 1.0):
        raise _bad(f"score {score} is outside [0, 1]", "score")
    if hints_used < 0:
        raise _bad("hints_used cannot be negative", "hints_used")
    if seconds is not None and not (math.isfinite(seconds) and seconds >= 0):
        raise _bad("seconds must be a non-negative number", "seconds")
    if mode == Mode.FLASHCARD and grader != "self":
        raise _bad("flashcard ratings are self-reports (grader 'self')", "grader")


def check_submission_id(submission_id: str | None) -> None:
    if submission_id is not None and not 0 < len(submission_id) <= 64:
        raise _bad("submission ids are 1 to 64 characters", "submission_id")


def values(**fields: Any) -> dict[str, Any]:
    """An evidence record's columns, checked (for a caller that checked its source)."""
    _check_values(
        mode=fields["mode"],
        grader=fields["grader"],
        source_kind=fields["source_kind"],
        score=fields["score"],
        hints_used=fields["hints_used"],
        seconds=fields["seconds"],
    )
    return fields


def _check_source(
    tx: Tx, *, skill_id: str, source_kind: str, source_id: str
) -> tuple[list[str], str]:
    """The other skills this source is evidence for, and the item's difficulty.

    Raises NotFound for anything unknown.
    """
    if not content_store.skill_models(tx, [skill_id]):
        raise NotFound(f"no skill {skill_id!r}")
    if source_kind == "task":
        if source_id != skill_id:
            raise NotFound(f"skill {skill_id!r} has no task {source_id!r}")
        return [], "medium"
    row = (
        content_store.item(tx, source_id)
        if source_kind == "item"
        else content_store.card(tx, source_id)
    )
    if row is None or row.retired_at is not None:
        raise NotFound(f"no {source_kind} {source_id!r}")
    item = content_store.item_model(tx, row) if isinstance(row, ItemRow) else None
    also = list(item.also_skills) if item else []
    if skill_id != row.skill_id and skill_id not in also:
        raise NotFound(f"{source_kind} {source_id!r} does not belong to skill {skill_id!r}")
    others = [s for s in [row.skill_id, *also] if s != skill_id]
    return others, item.difficulty if item else "medium"


def record(ctx: Context, **fields: Any) -> tuple[Record, bool]:
    """Append one evidence record in its own transaction (see `add`)."""
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, fields["user_id"])
        return add(tx, now=ctx.clock.now(), **fields)


def add(
    tx: Tx,
    *,
    now: datetime,
    user_id: int,
    skill_id: str,
    source_kind: str,
    source_id: str,
    mode: str,
    score: float,
    grader: str,
    hints_used: int = 0,
    seconds: float | None = None,
    answered_at: datetime | None = None,
    submission_id: str | None = None,
    check_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> tuple[Record, bool]:
    """Append one evidence record and update mastery. A repeated submission id returns the
    first record, writing nothing (the flag says whether this call wrote)."""
    _check_values(
        mode=mode,
        grader=grader,
        source_kind=source_kind,
        score=score,
        hints_used=hints_used,
        seconds=seconds,
    )
    answered = answered_at or now
    if answered.tzinfo is None:
        raise _bad("answered_at needs a time zone", "answered_at")
    if answered > now + CLOCK_SKEW:
        raise _bad("answered_at is in the future", "answered_at")
    check_submission_id(submission_id)
    if submission_id is not None:
        earlier = store.by_submission(tx, user_id=user_id, submission_id=submission_id)
        if earlier is not None:
            return record_of(earlier), False
    also, difficulty = _check_source(
        tx, skill_id=skill_id, source_kind=source_kind, source_id=source_id
    )
    row = store.add(
        tx,
        user_id=user_id,
        skill_id=skill_id,
        also_skills=also,
        source_kind=source_kind,
        source_id=source_id,
        pack_version=store.pack_version(tx, skill_id),
        mode=mode,
        score=score,
        grader=grader,
        hints_used=hints_used,
        seconds=seconds,
        answered_at=answered,
        recorded_at=now,
        submission_id=submission_id,
        check_id=check_id,
        detail=detail or {},
    )
    if grader != "self" and source_kind == "item":
        mastery_state.apply(
            tx,
            user_id=user_id,
            skills=[skill_id, *also],
            weights=kt.credit(score, hints=hints_used, difficulty=difficulty),
            mode=mode,
            check_id=check_id,
            now=now,
        )
    elif grader in ("rubric", "instructor") and source_kind == "task":
        mastery_state.mark_ready(tx, user_id=user_id, skill_id=skill_id, now=now)
    return record_of(row), True


def by_submission_in(tx: Tx, *, user_id: int, submission_id: str) -> Record | None:
    row = store.by_submission(tx, user_id=user_id, submission_id=submission_id)
    return record_of(row) if row else None


def of_learner(
    ctx: Context,
    *,
    user_id: int,
    skill_id: str | None = None,
    mode: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[Record]:
    if mode is not None and mode not in MODES:
        raise _bad(f"unknown mode {mode!r}; use one of {', '.join(MODES)}", "mode")
    limit = max(1, min(limit, 500))
    with ctx.db.begin() as tx:
        rows = store.of_learner(
            tx, user_id=user_id, skill_id=skill_id, mode=mode, before_id=before_id, limit=limit
        )
        running = store.unfinished_checks(tx, user_id=user_id)
        # no feedback until a check ends: its answers are listed once it is finished
        return [record_of(row) for row in rows if row.check_id not in running]
