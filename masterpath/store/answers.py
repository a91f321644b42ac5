"""The hot paths' reads and writes: what a practice answer or a card review needs, read in one
or two statements, and what it changed, written in one statement per table.

The learner's write lock comes with the read (`FOR UPDATE` of the user's row on PostgreSQL;
`BEGIN IMMEDIATE` on SQLite), and the same read brings the stamps of the content and the
knowledge-tracing parameters, so the caches they key are checked without a statement more.
"""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Table, Text, and_, bindparam, cast, func, insert, null, or_, select, update

from masterpath.domain.answering import ASSESSED_MODES, Answered, Standing
from masterpath.store import content
from masterpath.store.accounts import write_lock
from masterpath.store.db import Tx
from masterpath.store.models import (
    Assessment,
    Evidence,
    HintReveal,
    KtParams,
    LearnerCard,
    LearnerState,
    SkillState,
    User,
)

STATES = typing.cast(Table, SkillState.__table__)
STATE = STATES.c
STANDING = tuple(f.name for f in fields(Standing))


@dataclass(frozen=True)
class Learner:
    """One learner's knowledge-tracing state, read for an answer."""

    counters: dict[str, Any] | None  # None: no answer yet (no row)
    seen: list[str]
    states: dict[str, Standing]  # every skill the learner has a state for
    hints_seen: int  # distinct hints of the item revealed since it was last answered
    open_items: frozenset[str]  # items of unfinished checks and diagnostics


def _stamps(tx: Tx) -> list[Any]:
    packs = content.stamp_column()
    params = select(func.max(KtParams.id)).scalar_subquery()
    return [packs.label("content_stamp"), params.label("params_id")]


def _remember(tx: Tx, row: Any) -> None:
    content.remember_stamp(tx, row.content_stamp)
    tx.memo["params_id"] = row.params_id


def _locking(tx: Tx, query: Any) -> Any:
    write_lock(tx)
    return query.with_for_update(of=User)


def learner_for_answer(tx: Tx, *, user_id: int, item_id: str, skill_id: str) -> Learner | None:
    """Lock the learner and read their state for answering `item_id` (None: no such learner)."""
    last = (
        select(func.max(Evidence.recorded_at))
        .where(
            Evidence.user_id == user_id,
            Evidence.skill_id == skill_id,
            Evidence.source_id == item_id,
        )
        .scalar_subquery()
    )
    hints = select(func.count(func.distinct(HintReveal.number))).where(
        HintReveal.user_id == user_id,
        HintReveal.item_id == item_id,
        or_(last.is_(None), HintReveal.revealed_at > last),
    )
    busy = select(func.aggregate_strings(cast(Assessment.items, Text), "\n")).where(
        Assessment.user_id == user_id, Assessment.finished_at.is_(None)
    )
    query = (
        select(
            User.id,
            LearnerState.counters.label("learner_counters"),
            LearnerState.skill_ids.label("learner_seen"),
            *[STATE[name] for name in STANDING],
            hints.scalar_subquery().label("hints_seen"),
            busy.scalar_subquery().label("open_items"),
            *_stamps(tx),
        )
        .select_from(User)
        .outerjoin(LearnerState, LearnerState.user_id == User.id)
        .outerjoin(SkillState, SkillState.user_id == User.id)
        .where(User.id == user_id)
    )
    rows = list(tx.session.execute(_locking(tx, query)))
    if not rows:
        return None
    first = rows[0]
    _remember(tx, first)
    states = {
        row.skill_id: Standing(**{name: getattr(row, name) for name in STANDING})
        for row in rows
        if row.skill_id is not None
    }
    open_items = frozenset(
        item for line in (first.open_items or "").splitlines() for item in json.loads(line)
    )
    return Learner(
        first.learner_counters,
        list(first.learner_seen or []),
        states,
        int(first.hints_seen or 0),
        open_items,
    )


def evidence_for_answer(
    tx: Tx, *, user_id: int, skill_ids: list[str], submission_id: str | None
) -> tuple[Evidence | None, dict[str, list[Evidence]]]:
    """The evidence a submission id already recorded, and the skills' check and task evidence
    (oldest first), in one statement."""
    assessed = and_(Evidence.skill_id.in_(skill_ids), Evidence.mode.in_(ASSESSED_MODES))
    wanted = or_(Evidence.submission_id == submission_id, assessed) if submission_id else assessed
    query = select(Evidence).where(Evidence.user_id == user_id, wanted).order_by(Evidence.id)
    earlier = None
    found: dict[str, list[Evidence]] = {}
    for row in tx.session.scalars(query):
        if submission_id is not None and row.submission_id == submission_id:
            earlier = row
        if row.mode in ASSESSED_MODES and row.skill_id in skill_ids:
            found.setdefault(row.skill_id, []).append(row)
    return earlier, found


def add_evidence(tx: Tx, values: dict[str, Any]) -> int:
    """Append one evidence record; its id."""
    new_id: int = tx.session.execute(
        insert(Evidence).values(**values).returning(Evidence.id)
    ).scalar_one()
    return new_id


def save_answered(
    tx: Tx, *, user_id: int, before: Learner, answered: Answered, now: datetime
) -> None:
    """Write the learner's counters and the answered skills' states (one statement a table;
    several skills' states go as one executemany)."""
    learner = {"counters": answered.learner, "skill_ids": list(answered.seen), "updated_at": now}
    if before.counters is None:
        tx.session.execute(insert(LearnerState).values(user_id=user_id, **learner))
    else:
        tx.session.execute(
            update(LearnerState).where(LearnerState.user_id == user_id).values(**learner)
        )
    rows = [
        {**{name: getattr(s, name) for name in STANDING}, "user_id": user_id, "updated_at": now}
        for s in answered.states
    ]
    new = [row for row in rows if row["skill_id"] not in before.states]
    old = [row for row in rows if row["skill_id"] in before.states]
    if new:
        tx.session.execute(insert(STATES), new)
    if old:
        changed = [name for name in STANDING if name != "skill_id"] + ["updated_at"]
        statement = (
            update(STATES)
            .where(STATE.user_id == bindparam("b_user"), STATE.skill_id == bindparam("b_skill"))
            .values({name: bindparam(name) for name in changed})
        )
        tx.session.execute(
            statement,
            [
                {
                    **{name: row[name] for name in changed},
                    "b_user": user_id,
                    "b_skill": row["skill_id"],
                }
                for row in old
            ],
        )


@dataclass(frozen=True)
class Reviewer:
    """A learner and one card, read for a review."""

    desired_retention: float
    fsrs_params: dict[str, Any] | None
    timezone: str
    new_cards_per_day: int
    card: LearnerCard | None  # None: not started
    earlier: tuple[str, int] | None  # a repeated submission: its card and evidence id
    holding: frozenset[str]  # the learner's skills that hold (mastered, or placed)
    introduced: list[datetime]  # when each card introduced in the last 24 hours was (new card)


def reviewer(
    tx: Tx,
    *,
    user_id: int,
    card_id: str,
    submission_id: str | None,
    since: datetime,
) -> Reviewer | None:
    """Lock the learner and read what rating `card_id` needs, in one statement (None: no such
    learner). `since`: 24 hours ago (the learner's day starts after it, whatever their zone)."""
    earlier = select(Evidence.source_id + "\n" + cast(Evidence.id, Text)).where(
        Evidence.user_id == user_id, Evidence.submission_id == submission_id
    )
    held = select(func.aggregate_strings(SkillState.skill_id, ",")).where(
        SkillState.user_id == user_id,
        or_(
            SkillState.mastered_at.is_not(None),
            and_(SkillState.placed_at.is_not(None), SkillState.placement_failed.is_(False)),
        ),
    )
    mine = LearnerCard.__table__.alias("mine")
    intro = LearnerCard.__table__.alias("intro")
    query = (
        select(
            User.desired_retention,
            User.fsrs_params,
            User.timezone,
            User.new_cards_per_day,
            *[
                mine.c[name].label(f"card_{name}")
                for name in ("card_id", "skill_id", "state", "due", "reviews", "introduced_at")
            ],
            (earlier.scalar_subquery() if submission_id else null()).label("earlier"),
            held.scalar_subquery().label("held"),
            intro.c.introduced_at.label("intro_at"),
            content.stamp_column().label("content_stamp"),
        )
        .select_from(User)
        .outerjoin(mine, and_(mine.c.user_id == User.id, mine.c.card_id == card_id))
        .outerjoin(
            intro,
            and_(
                intro.c.user_id == User.id, intro.c.introduced_at >= since, mine.c.card_id.is_(None)
            ),
        )
        .where(User.id == user_id)
    )
    rows = list(tx.session.execute(_locking(tx, query)))
    if not rows:
        return None
    first = rows[0]
    content.remember_stamp(tx, first.content_stamp)
    card = None
    if first.card_card_id is not None:
        card = LearnerCard(
            user_id=user_id,
            card_id=first.card_card_id,
            skill_id=first.card_skill_id,
            state=first.card_state,
            due=first.card_due,
            reviews=first.card_reviews,
            introduced_at=first.card_introduced_at,
        )
    found = None
    if first.earlier:
        source, evidence_id = first.earlier.rsplit("\n", 1)
        found = (source, int(evidence_id))
    return Reviewer(
        first.desired_retention,
        first.fsrs_params,
        first.timezone,
        first.new_cards_per_day,
        card,
        found,
        frozenset((first.held or "").split(",")) - {""},
        [row.intro_at for row in rows if row.intro_at is not None],
    )


def save_review(
    tx: Tx,
    *,
    user_id: int,
    card_id: str,
    skill_id: str,
    started: bool,
    state: dict[str, Any],
    due: datetime,
    reviews: int,
    now: datetime,
) -> None:
    """Write a card's new FSRS state: one INSERT for a new card, one UPDATE otherwise."""
    if started:
        tx.session.execute(
            update(LearnerCard)
            .where(LearnerCard.user_id == user_id, LearnerCard.card_id == card_id)
            .values(state=state, due=due, reviews=reviews)
        )
    else:
        tx.session.execute(
            insert(LearnerCard).values(
                user_id=user_id,
                card_id=card_id,
                skill_id=skill_id,
                state=state,
                due=due,
                reviews=reviews,
                introduced_at=now,
            )
        )
