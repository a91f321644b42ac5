"""The hot paths' reads and writes: what a practice answer or a card review needs, read in one
or two statements, and what it changed, written as upserts: one statement on PostgreSQL, where
each statement is a network round trip, and one a table on SQLite, which runs in the process.

On SQLite the learner's write lock comes first (`BEGIN IMMEDIATE`, not a statement). On
PostgreSQL the unit is optimistic (`Database.hot`): the read takes no lock and runs outside a
transaction, and the write is one statement whose first step counts the write in the user's
row only if `users.writes` is still what the read saw; every other part inserts from that
step's row, so a write that another writer overtook changes nothing, and the unit runs again
in a locked transaction (`lock_learner`, which counts its write the same way). The read brings
the stamps of the content and the knowledge-tracing parameters, so the caches they key are
checked without a statement more.
Every statement is built once, with bound parameters: building and keying a statement costs
more than SQLite takes to run it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Executable,
    Text,
    and_,
    bindparam,
    cast,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from masterpath.domain.answering import ASSESSED_MODES, Answered, Standing
from masterpath.store import content
from masterpath.store.accounts import lock_learner
from masterpath.store.db import Overtaken, Tx
from masterpath.store.models import (
    Assessment,
    Evidence,
    HintReveal,
    KtParams,
    LearnerCard,
    LearnerState,
    PackRow,
    SkillState,
    User,
    table_of,
)

STANDING = tuple(f.name for f in fields(Standing))
CHANGED = (*(name for name in STANDING if name != "skill_id"), "updated_at")
CARD = ("card_id", "state", "due", "reviews")


USERS, STATES, LEARNERS, EVIDENCE = (
    table_of(m) for m in (User, SkillState, LearnerState, Evidence)
)
CARDS, HINTS, CHECKS = table_of(LearnerCard), table_of(HintReveal), table_of(Assessment)


def _stamps() -> list[Any]:
    packs = table_of(PackRow)
    pairs = packs.c.id + "=" + packs.c.content_hash
    return [
        select(func.aggregate_strings(pairs, ",")).scalar_subquery().label("content_stamp"),
        select(func.max(table_of(KtParams).c.id)).scalar_subquery().label("params_id"),
    ]


def learner_columns() -> list[Any]:
    """What every read of a learner for practice starts with: the user, their knowledge-tracing
    counters and every skill state (joined by the query that uses them)."""
    return [
        USERS.c.id,
        LEARNERS.c.counters.label("learner_counters"),
        LEARNERS.c.skill_ids.label("learner_seen"),
        *[STATES.c[name] for name in STANDING],
    ]


@cache
def _learner_query() -> Executable:
    user: Any = bindparam("user")
    item: Any = bindparam("item")
    skill: Any = bindparam("skill")
    e = EVIDENCE.c
    last = (
        select(func.max(e.recorded_at))
        .where(e.user_id == user, e.skill_id == skill, e.source_id == item)
        .scalar_subquery()
    )
    hints = select(func.count(func.distinct(HINTS.c.number))).where(
        HINTS.c.user_id == user,
        HINTS.c.item_id == item,
        or_(last.is_(None), HINTS.c.revealed_at > last),
    )
    busy = select(func.aggregate_strings(cast(CHECKS.c["items"], Text), "\n")).where(
        CHECKS.c.user_id == user, CHECKS.c.finished_at.is_(None)
    )
    assessed = (
        select(e.skill_id)
        .where(e.user_id == user, e.mode.in_(ASSESSED_MODES))
        .distinct()
        .subquery()
    )
    repeated = select(e.id).where(e.user_id == user, e.submission_id == bindparam("submission"))
    return (
        select(
            *learner_columns(),
            hints.scalar_subquery().label("hints_seen"),
            busy.scalar_subquery().label("open_items"),
            select(func.aggregate_strings(assessed.c.skill_id, ","))
            .scalar_subquery()
            .label("assessed_skills"),
            repeated.scalar_subquery().label("repeated"),
            USERS.c.writes,
            *_stamps(),
        )
        .select_from(USERS)
        .outerjoin(LEARNERS, LEARNERS.c.user_id == USERS.c.id)
        .outerjoin(STATES, STATES.c.user_id == USERS.c.id)
        .where(USERS.c.id == user)
    )


@dataclass(frozen=True)
class Learner:
    """One learner's knowledge-tracing state, read for an answer."""

    counters: dict[str, Any] | None  # None: no answer yet (no row)
    seen: list[str]
    states: dict[str, Standing]  # every skill the learner has a state for
    hints_seen: int  # distinct hints of the item revealed since it was last answered
    open_items: frozenset[str]  # items of unfinished checks and diagnostics
    assessed_skills: frozenset[str]  # the skills with check or task evidence of the learner's
    repeated: bool  # the submission id is already recorded

    def needs_evidence(self, skill_ids: list[str]) -> bool:
        """Whether `evidence_for_answer` has anything to find for these skills: most answers
        come before any check or task of their skill, and then it would be a statement for
        nothing."""
        return self.repeated or not self.assessed_skills.isdisjoint(skill_ids)


def _execute(tx: Tx, statement: Executable, params: Any) -> Any:
    return tx.session.connection().execute(statement, params)


def _remember(tx: Tx, row: Any) -> None:
    content.remember_stamp(tx, row.content_stamp)
    tx.memo["params_id"] = row.params_id
    tx.memo["writes"] = row.writes


def _lock(tx: Tx, user_id: int) -> None:
    """The learner's lock, unless the unit is optimistic (its write checks `users.writes`)."""
    if not tx.optimistic:
        lock_learner(tx, user_id)


def learner_for_answer(
    tx: Tx, *, user_id: int, item_id: str, skill_id: str, submission_id: str | None
) -> Learner | None:
    """Lock the learner and read their state for answering `item_id` (None: no such learner)."""
    _lock(tx, user_id)
    params = {"user": user_id, "item": item_id, "skill": skill_id, "submission": submission_id}
    rows = list(_execute(tx, _learner_query(), params))
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
        frozenset((first.assessed_skills or "").split(",")) - {""},
        first.repeated is not None,
    )


@cache
def _evidence_query() -> Executable:
    e = EVIDENCE.c
    assessed = and_(e.skill_id.in_(bindparam("skills", expanding=True)), e.mode.in_(ASSESSED_MODES))
    wanted = or_(e.submission_id == bindparam("submission"), assessed)
    return select(EVIDENCE).where(e.user_id == bindparam("user"), wanted).order_by(e.id)


def evidence_for_answer(
    tx: Tx, learner: Learner, *, user_id: int, skill_ids: list[str], submission_id: str | None
) -> tuple[Any | None, dict[str, list[Any]]]:
    """The evidence a submission id already recorded (a row), and the skills' check and task
    evidence (oldest first), in one statement, or none when `learner` says there is none."""
    if not learner.needs_evidence(skill_ids):
        return None, {}
    params = {"user": user_id, "skills": skill_ids, "submission": submission_id}
    earlier = None
    found: dict[str, list[Any]] = {}
    for row in _execute(tx, _evidence_query(), params):
        if submission_id is not None and row.submission_id == submission_id:
            earlier = row
        if row.mode in ASSESSED_MODES and row.skill_id in skill_ids:
            found.setdefault(row.skill_id, []).append(row)
    return earlier, found


# An optimistic write's first step: count it in the user's row if no write came since the
# read (`writes` as read); every other part of the statement inserts from its row. One object,
# built at import: the statements that use it are built lazily by whichever request thread
# comes first, and two guards of one name in a statement do not compile.
GUARD = (
    USERS.update()
    .where(USERS.c.id == bindparam("g_user"), USERS.c.writes == bindparam("g_writes"))
    .values(writes=USERS.c.writes + 1)
    .returning(USERS.c.id)
    .cte("guard")
)


def _row(statement: Any, table: Any, row: dict[str, str], guarded: bool) -> Any:
    """`statement`, an INSERT into `table`, of one row of bound parameters (`row`: column to
    parameter name); `guarded`: INSERT … SELECT … FROM the guard, a row only if it passed."""
    if not guarded:
        return statement.values({column: bindparam(name) for column, name in row.items()})
    values = [bindparam(name, type_=table.c[column].type) for column, name in row.items()]
    return statement.from_select(list(row), select(*values).select_from(GUARD))


@cache
def _evidence_insert(fields: tuple[str, ...], guarded: bool = False) -> Any:
    row = {name: f"e_{name}" for name in fields}
    return _row(insert(EVIDENCE), EVIDENCE, row, guarded).returning(EVIDENCE.c.id)


def _upsert(
    dialect: str,
    table: Any,
    row: dict[str, str],
    keys: tuple[str, ...],
    changed: tuple[str, ...],
    *,
    guarded: bool = False,
) -> Any:
    """INSERT … ON CONFLICT (`keys`) DO UPDATE SET `changed`: both databases spell it alike."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = _row(statement, table, row, guarded)
    return statement.on_conflict_do_update(
        index_elements=[table.c[key] for key in keys],
        set_={name: statement.excluded[name] for name in changed},
    )


def _together(evidence: Any, *upserts: Any) -> Any:
    """PostgreSQL: a hot path's writes as one statement, the upserts riding with the
    evidence's INSERT as data-modifying CTEs (each would be a network round trip of its own).
    SQLite allows no INSERT inside WITH, and runs in the process: there they go one by one."""
    return evidence.add_cte(*(u.cte(f"write_{n}") for n, u in enumerate(upserts)))


LEARNER_CHANGED = ("counters", "skill_ids", "updated_at")


@cache
def _learner_upsert(dialect: str, guarded: bool = False) -> Any:
    row = {name: f"l_{name}" for name in ("user_id", *LEARNER_CHANGED)}
    return _upsert(dialect, LEARNERS, row, ("user_id",), LEARNER_CHANGED, guarded=guarded)


@cache
def _state_upsert(dialect: str, suffix: str = "", guarded: bool = False) -> Any:
    """One skill's state (a multi-row VALUES is never cached by SQLAlchemy: one row each)."""
    row = {"user_id": "l_user_id", "updated_at": "l_updated_at"}
    row |= {name: f"{name}{suffix}" for name in STANDING}
    return _upsert(dialect, STATES, row, ("user_id", "skill_id"), CHANGED, guarded=guarded)


@cache
def _answer_statement(fields: tuple[str, ...], states: int, guarded: bool) -> Any:
    upserts = [_state_upsert("postgresql", f"_{n}", guarded) for n in range(states)]
    return _together(
        _evidence_insert(fields, guarded), _learner_upsert("postgresql", guarded), *upserts
    )


def _written(tx: Tx, statement: Any, params: dict[str, Any], user_id: int) -> int:
    """Run a PostgreSQL hot path's one write statement; the evidence's id. In an optimistic
    unit the statement checks `users.writes` first: `Overtaken` when another write came since
    the read (and nothing was written)."""
    if tx.optimistic:
        params |= {"g_user": user_id, "g_writes": tx.memo["writes"]}
    new_id: int | None = _execute(tx, statement, params).scalar_one_or_none()
    if new_id is None:
        raise Overtaken
    return new_id


def save_answer(
    tx: Tx, *, user_id: int, evidence: dict[str, Any], answered: Answered, now: datetime
) -> int:
    """Write an answer: its evidence, the learner's counters and the answered skills' states,
    in one statement on PostgreSQL and one a table on SQLite. The evidence's id."""
    params = {f"e_{name}": value for name, value in evidence.items()}
    params |= {
        "l_user_id": user_id,
        "l_counters": answered.learner,
        "l_skill_ids": list(answered.seen),
        "l_updated_at": now,
    }
    states = [{name: getattr(s, name) for name in STANDING} for s in answered.states]
    if _dialect(tx) == "postgresql":
        for n, state in enumerate(states):
            params |= {f"{name}_{n}": value for name, value in state.items()}
        statement = _answer_statement(tuple(evidence), len(states), tx.optimistic)
        return _written(tx, statement, params, user_id)
    new_id: int = _execute(tx, _evidence_insert(tuple(evidence)), params).scalar_one()
    _execute(tx, _learner_upsert("sqlite"), params)
    if states:
        keys = {"l_user_id": user_id, "l_updated_at": now}
        _execute(tx, _state_upsert("sqlite"), [state | keys for state in states])
    return new_id


def _dialect(tx: Tx) -> str:
    return str(tx.session.connection().dialect.name)


@dataclass(frozen=True)
class CardState:
    """A learner's card as a review reads it (a plain row, not a session-tracked object)."""

    state: dict[str, Any]
    due: datetime
    reviews: int


@dataclass(frozen=True)
class Reviewer:
    """A learner and one card, read for a review."""

    desired_retention: float
    fsrs_params: dict[str, Any] | None
    timezone: str
    new_cards_per_day: int
    card: CardState | None  # None: not started
    earlier: tuple[str, int] | None  # a repeated submission: its card and evidence id
    holding: frozenset[str]  # the learner's skills that hold (mastered, or placed)
    introduced: list[datetime]  # when each card introduced in the last 24 hours was (new card)


@cache
def _reviewer_query() -> Executable:
    user: Any = bindparam("user")
    card: Any = bindparam("card")
    e, s = EVIDENCE.c, STATES.c
    earlier = select(e.source_id + "\n" + cast(e.id, Text)).where(
        e.user_id == user, e.submission_id == bindparam("submission")
    )
    held = select(func.aggregate_strings(s.skill_id, ",")).where(
        s.user_id == user,
        or_(  # as domain.mastery.holds
            s.mastered_at.is_not(None),
            s.reopened_at.is_not(None),
            and_(s.placed_at.is_not(None), s.placement_failed.is_(False)),
        ),
    )
    mine, intro = CARDS.alias("mine"), CARDS.alias("intro")
    return (
        select(
            USERS.c.desired_retention,
            USERS.c.fsrs_params,
            USERS.c.timezone,
            USERS.c.new_cards_per_day,
            *[mine.c[name].label(f"card_{name}") for name in CARD],
            earlier.scalar_subquery().label("earlier"),
            held.scalar_subquery().label("held"),
            intro.c.introduced_at.label("intro_at"),
            USERS.c.writes,
            _stamps()[0],
        )
        .select_from(USERS)
        .outerjoin(mine, and_(mine.c.user_id == USERS.c.id, mine.c.card_id == card))
        .outerjoin(
            intro,
            and_(
                intro.c.user_id == USERS.c.id,
                intro.c.introduced_at >= bindparam("since"),
                mine.c.card_id.is_(None),
            ),
        )
        .where(USERS.c.id == user)
    )


def reviewer(
    tx: Tx, *, user_id: int, card_id: str, submission_id: str | None, since: datetime
) -> Reviewer | None:
    """Lock the learner and read what rating `card_id` needs, in one statement (None: no such
    learner). `since`: when the learner's day began at the earliest, whatever their zone."""
    _lock(tx, user_id)
    params = {"user": user_id, "card": card_id, "submission": submission_id, "since": since}
    rows = list(_execute(tx, _reviewer_query(), params))
    if not rows:
        return None
    first = rows[0]
    content.remember_stamp(tx, first.content_stamp)
    tx.memo["writes"] = first.writes
    card = None
    if first.card_card_id is not None:
        card = CardState(first.card_state, first.card_due, first.card_reviews)
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


CARD_CHANGED = ("state", "due", "reviews")


@cache
def _card_upsert(dialect: str, guarded: bool = False) -> Any:
    names = ("user_id", "card_id", "skill_id", "introduced_at", *CARD_CHANGED)
    row = {name: f"c_{name}" for name in names}
    return _upsert(dialect, CARDS, row, ("user_id", "card_id"), CARD_CHANGED, guarded=guarded)


@cache
def _review_statement(fields: tuple[str, ...], guarded: bool) -> Any:
    return _together(_evidence_insert(fields, guarded), _card_upsert("postgresql", guarded))


def save_review(
    tx: Tx,
    *,
    card_id: str,
    evidence: dict[str, Any],
    state: dict[str, Any],
    due: datetime,
    reviews: int,
    now: datetime,
) -> int:
    """Write a review: the card's new FSRS state (introducing a new card now) and its
    evidence, one statement on PostgreSQL, two on SQLite. The evidence's id."""
    params = {f"e_{name}": value for name, value in evidence.items()}
    params |= {
        "c_user_id": evidence["user_id"],
        "c_card_id": card_id,
        "c_skill_id": evidence["skill_id"],
        "c_introduced_at": now,
        "c_state": state,
        "c_due": due,
        "c_reviews": reviews,
    }
    if _dialect(tx) == "postgresql":
        statement = _review_statement(tuple(evidence), tx.optimistic)
        return _written(tx, statement, params, evidence["user_id"])
    _execute(tx, _card_upsert("sqlite"), params)
    new_id: int = _execute(tx, _evidence_insert(tuple(evidence)), params).scalar_one()
    return new_id
