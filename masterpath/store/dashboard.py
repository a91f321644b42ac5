"""The dashboard's reads: activity per hour, a skill's graded answers, the card schedule, the
evidence log and the portfolio. Every read is one learner's and bounded by a limit, by the
content (one row per card or skill) or by a date range aggregated in SQL."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, and_, cast, func, or_, select, text, true

from masterpath.store import content
from masterpath.store.db import Tx
from masterpath.store.evidence import counted
from masterpath.store.models import (
    Evidence,
    KtParams,
    LearnerCard,
    LearnerState,
    TaskSubmission,
    User,
)
from masterpath.store.study import ANSWER_KINDS, TIMED_MODES

OUTCOMES = {
    "correct": Evidence.score >= 0.999,
    "partial": and_(Evidence.score > 0.001, Evidence.score < 0.999),
    "wrong": Evidence.score <= 0.001,
}


@dataclass(frozen=True)
class LogFilter:
    """Which of one learner's evidence records the log shows (None: any)."""

    user_id: int
    skill_id: str | None = None
    mode: str | None = None
    outcome: str | None = None  # a key of OUTCOMES
    grader: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    hidden_checks: frozenset[int] = field(default_factory=frozenset)  # checks still running


def viewer(tx: Tx, user_id: int) -> User | None:
    """The learner, with their knowledge-tracing counters and the content and parameter stamps,
    in one statement: the unit keeps them (`Tx.keep`), so the dashboard's parts, which each look
    them up, find them without a query."""
    newest = select(func.max(KtParams.id)).scalar_subquery()
    query = (
        select(User, LearnerState, content.stamp_column(), newest)
        .outerjoin(LearnerState, LearnerState.user_id == User.id)
        .where(User.id == user_id)
    )
    row = tx.session.execute(query).first()
    if row is None:
        return None
    user: User = row[0]
    learner, stamp, params_id = row[1:]
    content.remember_stamp(tx, stamp)
    tx.memo["params_id"] = params_id
    tx.keep(user, learner)
    return user


def _day(tx: Tx, column: Any, offset_minutes: int) -> Any:
    """The calendar date of a UTC time shifted by a fixed offset, in SQL."""
    if tx.session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column) + timedelta(minutes=offset_minutes), Date)
    return func.date(column, f"{offset_minutes:+d} minutes")


def _date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy's DateTime is stored on SQLite
_KINDS = {  # the same kinds and modes as store.study.time_spent
    "answer_kinds": ", ".join(f"'{kind}'" for kind in ANSWER_KINDS),
    "timed_modes": ", ".join(f"'{mode}'" for mode in TIMED_MODES),
}
# SQLite: each day counted over its own range of the (user, time) indexes.
_PER_DAY_SQLITE = """
WITH bounds AS (SELECT CAST(key AS INTEGER) AS n, json_extract(value, '$[0]') AS lo,
  json_extract(value, '$[1]') AS hi FROM json_each(:days))
SELECT n,
  (SELECT count(*) FROM evidence
   WHERE user_id = :user AND answered_at >= lo AND answered_at < hi),
  (SELECT coalesce(sum(seconds), 0) FROM study_time
   WHERE user_id = :user AND recorded_at >= lo AND recorded_at < hi
   AND kind NOT IN ({answer_kinds}))
  + (SELECT coalesce(sum(seconds), 0) FROM evidence
   WHERE user_id = :user AND answered_at >= lo AND answered_at < hi AND seconds > 0
   AND mode IN ({timed_modes}))
FROM bounds ORDER BY n
""".format(**_KINDS)
# PostgreSQL: one pass over the whole range, each row put in its day by `width_bucket` (a
# binary search of the day edges). Per-day subqueries depend on the planner choosing the (user,
# time) index 182 times, and without fresh statistics it scanned all the learner's rows for each.
_PER_DAY_POSTGRESQL = """
SELECT width_bucket(at, CAST(:edges AS timestamptz[])), sum(answers), sum(seconds) FROM (
  SELECT answered_at AS at, 1 AS answers,
    CASE WHEN seconds > 0 AND mode IN ({timed_modes}) THEN seconds ELSE 0 END AS seconds
  FROM evidence WHERE user_id = :user AND answered_at >= :lo AND answered_at < :hi
  UNION ALL
  SELECT recorded_at, 0, seconds FROM study_time
  WHERE user_id = :user AND recorded_at >= :lo AND recorded_at < :hi
  AND kind NOT IN ({answer_kinds})
) AS spent GROUP BY 1
""".format(**_KINDS)


def per_day(tx: Tx, *, user_id: int, edges: list[datetime]) -> list[tuple[int, float]]:
    """(evidence records, study seconds) within each day [edges[n], edges[n + 1]), in order.

    No stored time is turned into a date row by row, so a day of any length (daylight saving)
    counts exactly, and the statement stays the same whatever the days (it is prepared once).
    """
    if len(edges) < 2:
        return []
    if tx.session.get_bind().dialect.name == "sqlite":  # SQLAlchemy's text of a UTC time
        utc = [moment.astimezone(UTC).strftime(_SQLITE_TIME) for moment in edges]
        days = json.dumps(list(pairwise(utc)))
        rows = tx.session.execute(text(_PER_DAY_SQLITE), {"user": user_id, "days": days})
        return [(int(count), float(seconds or 0)) for _, count, seconds in rows]
    found = [(0, 0.0)] * (len(edges) - 1)
    params = {"user": user_id, "edges": _array(edges), "lo": edges[0], "hi": edges[-1]}
    for day, count, seconds in tx.session.execute(text(_PER_DAY_POSTGRESQL), params):
        found[day - 1] = (int(count), float(seconds or 0))
    return found


def _array(moments: list[datetime]) -> str:
    """A PostgreSQL array literal of aware times, cast by the statement (`timestamptz[]`)."""
    return "{" + ",".join(moment.isoformat() for moment in moments) + "}"


def _visible(hidden: frozenset[int]) -> ColumnElement[bool]:
    if not hidden:
        return true()
    return or_(Evidence.check_id.is_(None), Evidence.check_id.not_in(sorted(hidden)))


def graded_answers(
    tx: Tx,
    *,
    user_id: int,
    skill_id: str,
    also_items: list[str],
    hidden_checks: frozenset[int],
    limit: int,
) -> list[tuple[datetime, float, int, str]]:
    """The skill's last `limit` graded item answers (when, score, hints, item), newest first.

    `also_items` are other skills' items that also count for this one."""
    mine = Evidence.skill_id == skill_id
    if also_items:
        mine = or_(mine, Evidence.source_id.in_(also_items))
    query = (
        select(Evidence.answered_at, Evidence.score, Evidence.hints_used, Evidence.source_id)
        .where(
            Evidence.user_id == user_id,
            mine,
            Evidence.grader != "self",
            Evidence.source_kind == "item",
            _visible(hidden_checks),
            counted(),
        )
        .order_by(Evidence.id.desc())
        .limit(limit)
    )
    return [(a, float(s), int(h), str(i)) for a, s, h, i in tx.session.execute(query)]


def latest_graded_skill(tx: Tx, *, user_id: int) -> str | None:
    query = (
        select(Evidence.skill_id)
        .where(
            Evidence.user_id == user_id, Evidence.grader != "self", Evidence.source_kind == "item"
        )
        .order_by(Evidence.answered_at.desc(), Evidence.id.desc())
        .limit(1)
    )
    found = tx.session.scalar(query)
    return str(found) if found is not None else None


def card_memory(tx: Tx, *, user_id: int) -> list[tuple[float | None, str | None]]:
    """(stability, last review as ISO text) of each card the learner has started."""
    if tx.session.get_bind().dialect.name == "postgresql":
        fields = (
            LearnerCard.state["stability"].as_float(),
            LearnerCard.state["last_review"].as_string(),
        )
    else:  # plain json_extract: twice as fast as SQLAlchemy's typed casts on SQLite
        fields = (
            func.json_extract(LearnerCard.state, "$.stability"),
            func.json_extract(LearnerCard.state, "$.last_review"),
        )
    query = select(*fields).where(LearnerCard.user_id == user_id)
    return [(None if s is None else float(s), r) for s, r in tx.session.execute(query)]


def cards_due_by_day(
    tx: Tx, *, user_id: int, since: datetime | None, until: datetime, offset_minutes: int
) -> list[tuple[date, int]]:
    """Started cards falling due per calendar day, for due times in [since, until) (None: from
    the start) of a time zone that keeps one UTC offset over them."""
    day = _day(tx, LearnerCard.due, offset_minutes)
    query = select(day, func.count()).where(LearnerCard.user_id == user_id, LearnerCard.due < until)
    if since is not None:
        query = query.where(LearnerCard.due >= since)
    return [(_date(d), int(n)) for d, n in tx.session.execute(query.group_by(day))]


def _logged(f: LogFilter) -> Select[Any]:
    conditions = [Evidence.user_id == f.user_id, _visible(f.hidden_checks)]
    if f.skill_id is not None:
        conditions.append(Evidence.skill_id == f.skill_id)
    if f.mode is not None:
        conditions.append(Evidence.mode == f.mode)
    if f.grader is not None:
        conditions.append(Evidence.grader == f.grader)
    if f.outcome is not None:
        conditions.append(OUTCOMES[f.outcome])
    if f.since is not None:
        conditions.append(Evidence.answered_at >= f.since)
    if f.until is not None:
        conditions.append(Evidence.answered_at < f.until)
    return select(Evidence).where(*conditions)


def log_page(tx: Tx, f: LogFilter, *, limit: int, offset: int) -> list[Evidence]:
    """One page of the filtered log, newest first."""
    query = _logged(f).order_by(Evidence.answered_at.desc(), Evidence.id.desc())
    return list(tx.session.scalars(query.limit(limit).offset(offset)))


def log_count(tx: Tx, f: LogFilter) -> int:
    query = select(func.count()).select_from(_logged(f).subquery())
    return int(tx.session.scalar(query) or 0)


def log_batch(
    tx: Tx, f: LogFilter, *, before: tuple[datetime, int] | None, limit: int
) -> list[Evidence]:
    """The next `limit` records of the filtered log after `before` (newest first): for export."""
    query = _logged(f)
    if before is not None:
        at, last = before
        query = query.where(
            or_(Evidence.answered_at < at, and_(Evidence.answered_at == at, Evidence.id < last))
        )
    order = (Evidence.answered_at.desc(), Evidence.id.desc())
    return list(tx.session.scalars(query.order_by(*order).limit(limit)))


def best_graded_tasks(tx: Tx, *, user_id: int) -> list[TaskSubmission]:
    """Per skill, the learner's best graded task submission (the latest of equal scores)."""
    query = (
        select(TaskSubmission.id, TaskSubmission.skill_id)
        .where(
            TaskSubmission.user_id == user_id,
            TaskSubmission.status == "graded",
            TaskSubmission.score.is_not(None),
        )
        .order_by(TaskSubmission.skill_id, TaskSubmission.score.desc(), TaskSubmission.id.desc())
    )
    best: dict[str, int] = {}
    for row_id, skill_id in tx.session.execute(query):
        best.setdefault(str(skill_id), int(row_id))
    if not best:
        return []
    rows = select(TaskSubmission).where(TaskSubmission.id.in_(list(best.values())))
    return list(tx.session.scalars(rows.order_by(TaskSubmission.graded_at.desc())))
