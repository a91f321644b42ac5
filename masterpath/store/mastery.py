"""Knowledge-tracing counters, mastery dates and fitted parameters."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, func, select

from masterpath.domain.answering import Standing
from masterpath.store.db import Tx
from masterpath.store.evidence import counted
from masterpath.store.models import Evidence, KtParams, LearnerState, SkillState

STANDING_FIELDS = tuple(f.name for f in fields(Standing) if f.name != "skill_id")


def learner_state(tx: Tx, user_id: int) -> LearnerState | None:
    query = select(LearnerState).where(LearnerState.user_id == user_id).with_for_update()
    return tx.session.scalar(query)


def save_learner_state(
    tx: Tx, *, user_id: int, counters: dict[str, Any], skill_ids: list[str], now: datetime
) -> None:
    row = tx.session.get(LearnerState, user_id)
    if row is None:
        row = LearnerState(user_id=user_id)
        tx.session.add(row)
    row.counters, row.skill_ids, row.updated_at = counters, skill_ids, now


def skill_state(tx: Tx, *, user_id: int, skill_id: str, now: datetime) -> SkillState:
    """The row for this learner and skill, created empty when missing (locked for update)."""
    query = select(SkillState).where(SkillState.user_id == user_id, SkillState.skill_id == skill_id)
    row = tx.session.scalar(query.with_for_update())
    if row is None:
        row = SkillState(
            user_id=user_id,
            skill_id=skill_id,
            counters={},
            graded_attempts=0,
            retention_checks_passed=0,
            placement_failed=False,
            updated_at=now,
        )
        tx.session.add(row)
        tx.session.flush()
    return row


def save_standing(row: SkillState, standing: Standing, *, now: datetime) -> None:
    """Copy a skill's new standing onto its row (written when the unit of work flushes)."""
    for name in STANDING_FIELDS:
        setattr(row, name, getattr(standing, name))
    row.updated_at = now


def skill_states(tx: Tx, user_id: int) -> dict[str, SkillState]:
    rows = tx.session.scalars(select(SkillState).where(SkillState.user_id == user_id))
    return {row.skill_id: row for row in rows}


def latest_params_id(tx: Tx) -> int | None:
    if "params_id" not in tx.memo:
        tx.memo["params_id"] = tx.session.scalar(select(func.max(KtParams.id)))
    found: int | None = tx.memo["params_id"]
    return found


def learner_state_seen(tx: Tx, user_id: int) -> LearnerState | None:
    """The learner's counters for reading (from this unit of work when already loaded:
    `Tx.keep`)."""
    row = tx.session.get(LearnerState, user_id)
    tx.keep(row)
    return row


def params(tx: Tx, params_id: int) -> dict[str, Any]:
    row = tx.session.get(KtParams, params_id)
    return dict(row.params) if row else {}


def add_params(tx: Tx, *, fitted_at: datetime, answers: int, params: dict[str, Any]) -> int:
    row = KtParams(fitted_at=fitted_at, answers=answers, params=params)
    tx.session.add(row)
    tx.session.flush()
    tx.memo.pop("params_id", None)
    return row.id


def assessed(tx: Tx, *, user_id: int, skill_id: str) -> list[Evidence]:
    """Mastery-check, retention-check and task evidence of one learner and skill, oldest first."""
    query = select(Evidence).where(
        Evidence.user_id == user_id,
        Evidence.skill_id == skill_id,
        Evidence.mode.in_(("mastery_check", "retention_check", "task")),
        counted(),
    )
    return list(tx.session.scalars(query.order_by(Evidence.id)))


def assessed_by_skill(tx: Tx, *, user_id: int, skill_ids: list[str]) -> dict[str, list[Any]]:
    """`assessed` for many skills in one query, as light rows with the columns the criteria
    read (mode, check_id, source_id, score, grader, recorded_at)."""
    query = select(
        Evidence.skill_id,
        Evidence.mode,
        Evidence.check_id,
        Evidence.source_id,
        Evidence.score,
        Evidence.grader,
        Evidence.recorded_at,
    ).where(
        Evidence.user_id == user_id,
        Evidence.skill_id.in_(skill_ids),
        Evidence.mode.in_(("mastery_check", "retention_check", "task")),
        counted(),
    )
    found: dict[str, list[Any]] = {}
    for row in tx.session.execute(query.order_by(Evidence.id)):
        found.setdefault(row.skill_id, []).append(row)
    return found


def graded_answers_of(tx: Tx, *, first_user: int, last_user: int) -> list[Any]:
    """Graded item answers of learners `first_user` to `last_user` (ids), for fitting: light
    rows (user_id, skill_id, also_skills, source_id, score, hints_used), each learner's in the
    order recorded. `also_skills` comes as JSON text, for the caller to parse when it is not
    `[]` (decoding millions of empty lists costs more than the rest of the read)."""
    query = select(
        Evidence.user_id,
        Evidence.skill_id,
        cast(Evidence.also_skills, Text).label("also_skills"),
        Evidence.source_id,
        Evidence.score,
        Evidence.hints_used,
    ).where(
        Evidence.user_id.between(first_user, last_user),
        Evidence.grader != "self",
        Evidence.source_kind == "item",
        counted(),
    )
    return list(tx.session.execute(query.order_by(Evidence.user_id, Evidence.id)))


def learner_id_range(tx: Tx) -> tuple[int, int] | None:
    """The lowest and highest learner id with evidence (None: no evidence)."""
    low, high = tx.session.execute(
        select(func.min(Evidence.user_id), func.max(Evidence.user_id))
    ).one()
    return None if low is None else (int(low), int(high))


def count_graded_answers(tx: Tx) -> int:
    query = (
        select(func.count())
        .select_from(Evidence)
        .where(Evidence.grader != "self", Evidence.source_kind == "item", counted())
    )
    return tx.session.scalar(query) or 0
