"""When a failed delivery is tried again: exponential backoff with a ceiling. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

FIRST = timedelta(seconds=30)
CEILING = timedelta(hours=6)


def delay(attempts: int, *, first: timedelta = FIRST, ceiling: timedelta = CEILING) -> timedelta:
    """The wait after the `attempts`-th failure: first, 2x, 4x ... never more than the ceiling."""
    if attempts < 1:
        return timedelta(0)
    wait: timedelta = first * 2 ** min(attempts - 1, 40)
    return min(ceiling, wait)


def retry_at(
    *, attempts: int, now: datetime, first: timedelta = FIRST, ceiling: timedelta = CEILING
) -> datetime:
    return now + delay(attempts, first=first, ceiling=ceiling)
