"""What serving the next practice item reads, in two statements: the learner (their counters,
every skill state, and the stamps of the installed content and of the fitted parameters), then
their answers in the skill (the last few item ids, answers per item, and the check and task
evidence).

Built once, with bound parameters, and run on the connection, as the answer's reads are
(`store/answers.py`): building and keying a statement per call costs more than running it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from sqlalchemy import (
    Executable,
    Integer,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal_column,
    null,
    select,
    union_all,
)

from masterpath.domain.answering import ASSESSED_MODES, Standing
from masterpath.domain.practice import RECENT_ROWS, Answers, Assessment
from masterpath.store import content
from masterpath.store.answers import STANDING, learner_columns
from masterpath.store.db import Tx
from masterpath.store.models import (
    Evidence,
    EvidenceVoid,
    KtParams,
    LearnerState,
    SkillState,
    User,
    table_of,
)

ASSESSMENT = tuple(f.name for f in fields(Assessment))


USERS, STATES, LEARNERS = table_of(User), table_of(SkillState), table_of(LearnerState)
EVIDENCE, VOIDS = table_of(Evidence), table_of(EvidenceVoid)


@dataclass(frozen=True)
class Learner:
    """One learner's knowledge-tracing state, read to choose their next item."""

    counters: dict[str, Any] | None  # None: no answer yet
    seen: list[str]
    states: dict[str, Standing]  # every skill the learner has a state for


@cache
def _learner_query() -> Executable:
    return (
        select(
            *learner_columns(),
            content.stamp_column().label("content_stamp"),
            select(func.max(table_of(KtParams).c.id)).scalar_subquery().label("params_id"),
        )
        .select_from(USERS)
        .outerjoin(LEARNERS, LEARNERS.c.user_id == USERS.c.id)
        .outerjoin(STATES, STATES.c.user_id == USERS.c.id)
        .where(USERS.c.id == bindparam("user"))
    )


def _execute(tx: Tx, statement: Executable, params: dict[str, Any]) -> Any:
    return tx.session.connection().execute(statement, params)


def learner(tx: Tx, *, user_id: int) -> Learner | None:
    """The learner's counters and skill states (None: no such learner), in one statement that
    also brings the stamps the content and parameter caches are keyed by."""
    rows = list(_execute(tx, _learner_query(), {"user": user_id}))
    if not rows:
        return None
    first = rows[0]
    content.remember_stamp(tx, first.content_stamp)
    tx.memo["params_id"] = first.params_id
    states = {
        row.skill_id: Standing(**{name: getattr(row, name) for name in STANDING})
        for row in rows
        if row.skill_id is not None
    }
    return Learner(first.learner_counters, list(first.learner_seen or []), states)


# The answers' statement is one UNION ALL of three parts, told apart by `part`; every column is
# typed in every part (PostgreSQL resolves a union's column types pair by pair).
ASSESSED, RECENT, PER_ITEM = 0, 1, 2


@cache
def _answers_query() -> Executable:
    e = EVIDENCE.c
    mine = (e.user_id == bindparam("user"), e.skill_id == bindparam("skill"))
    counted = ~exists().where(VOIDS.c.evidence_id == e.id)  # as store.evidence.counted

    def typed(column: Any) -> Any:
        return cast(null(), column.type)

    assessed = select(
        literal_column(str(ASSESSED), Integer).label("part"),
        e.source_id,
        e.id.label("n"),
        typed(e.id).label("m"),
        *[e[name] for name in ASSESSMENT if name != "source_id"],
    ).where(*mine, e.mode.in_(ASSESSED_MODES), counted)
    last = (
        select(e.source_id, e.id)
        .where(*mine, e.source_kind == "item")
        .order_by(e.id.desc())
        .limit(RECENT_ROWS)
        .subquery()
    )
    nothing = [typed(e[name]) for name in ASSESSMENT if name != "source_id"]
    recent = select(
        literal_column(str(RECENT), Integer), last.c.source_id, last.c.id, typed(e.id), *nothing
    )
    graded = case(((e.source_kind == "item") & (e.grader != "self"), 1), else_=0)
    practised = case((e.mode == "practice", 1), else_=0)
    per_item = (
        select(
            literal_column(str(PER_ITEM), Integer),
            e.source_id,
            func.sum(graded),
            func.sum(practised),
            *nothing,
        )
        .where(*mine)
        .group_by(e.source_id)
    )
    return union_all(assessed, recent, per_item)


def answers(tx: Tx, *, user_id: int, skill_id: str) -> Answers:
    """The learner's answers in one skill as choosing the next item reads them, in one
    statement: the item ids of the last `RECENT_ROWS` item answers (newest first), graded and
    practice answers per item, and the check and task evidence that counts (oldest first)."""
    recent: list[tuple[int, str]] = []
    assessed: list[tuple[int, Assessment]] = []
    graded: dict[str, int] = {}
    practised: dict[str, int] = {}
    for row in _execute(tx, _answers_query(), {"user": user_id, "skill": skill_id}):
        if row.part == ASSESSED:
            found = Assessment(**{name: getattr(row, name) for name in ASSESSMENT})
            assessed.append((row.n, found))
        elif row.part == RECENT:
            recent.append((row.n, row.source_id))
        else:
            if row.n:
                graded[row.source_id] = int(row.n)
            if row.m:
                practised[row.source_id] = int(row.m)
    return Answers(
        recent=tuple(source for _, source in sorted(recent, reverse=True)),
        graded=graded,
        practised=practised,
        assessed=tuple(one for _, one in sorted(assessed, key=lambda pair: pair[0])),
    )
