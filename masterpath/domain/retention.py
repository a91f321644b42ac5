"""Retention: the forgetting curve after practice, and when a retention check falls due.

Pure: the learner's dates and the current time are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from masterpath.domain.mastery import Status

RECHECK_GAP = timedelta(days=1)  # a decaying skill re-checked within this is not due again


@dataclass(frozen=True)
class Dates:
    """What the learner's record says of one skill, as retention needs it."""

    ready_at: datetime | None = None
    mastered_at: datetime | None = None
    placed_at: datetime | None = None
    retention_passed_at: datetime | None = None


@dataclass(frozen=True)
class Due:
    due_at: datetime
    reason: str


def stability_days(*, retention_days: int, passes: int) -> float:
    """The forgetting curve's stability: the retention delay, doubled per retention pass."""
    return max(1.0, retention_days * 2.0**passes)


def recall(
    *, last_graded_at: datetime | None, retention_days: int, passes: int, now: datetime
) -> float | None:
    """Forecast recall: a power forgetting curve whose stability doubles per retention pass."""
    if last_graded_at is None:
        return None
    stability = stability_days(retention_days=retention_days, passes=passes)
    days = (now - last_graded_at).total_seconds() / 86400
    return float((1 + days / (9 * stability)) ** -1)


def due(dates: Dates, *, status: Status, retention_days: int, now: datetime) -> Due | None:
    """The retention check due now, if one is: completing mastery, confirming a placement, or
    re-checking a skill whose recall is fading."""
    found = _pending(dates, status=status, retention_days=retention_days, now=now)
    return found if found is not None and found.due_at <= now else None


def _pending(dates: Dates, *, status: Status, retention_days: int, now: datetime) -> Due | None:
    days = timedelta(days=retention_days)
    passed = dates.retention_passed_at
    if dates.mastered_at is None and dates.ready_at is not None:
        due_at = dates.ready_at + days
        return None if passed is not None and passed >= due_at else Due(due_at, "completes mastery")
    if dates.placed_at is not None and status == Status.PLACED:
        return Due(dates.placed_at + days, "confirms your placement")
    if status == Status.DECAYING:
        if passed is not None and now - passed < RECHECK_GAP:
            return None  # re-checked today: practice and reviews come next
        return Due(now, "a re-check: your recall is forecast to be fading")
    return None
