"""Study activity by calendar day and week, and the pace it implies. Pure.

The database sums evidence and study seconds per day of the learner's own calendar: over each
span of time in which the learner's time zone keeps one UTC offset (`offset_spans`), a day is
the date of the UTC time plus that offset. These functions lay the days out as a heatmap of
weeks starting on Monday and total the weeks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

LEVELS = 4  # heatmap shades above "nothing"
MAX_DAYS = 36_500  # a projection is never drawn past a hundred years


@dataclass(frozen=True)
class Day:
    day: date
    answers: int = 0  # evidence records: answers, reviews, tasks
    seconds: float = 0.0  # measured time on task

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)


@dataclass(frozen=True)
class Cell:
    day: Day
    week: int  # column, 0 = the oldest week
    weekday: int  # row, 0 = Monday
    level: int  # 0 (nothing) to LEVELS


@dataclass(frozen=True)
class Week:
    starts: date
    hours: float


def offset_spans(
    zone: tzinfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, int]]:
    """[from, to) intervals between `start` and `end` over which `zone` keeps one UTC offset,
    with that offset in minutes (daylight saving adds a span at each change)."""
    spans: list[tuple[datetime, datetime, int]] = []
    low = start
    while low < end:
        offset = _offset(zone, low)
        high = low
        while high < end and _offset(zone, min(high + timedelta(days=1), end)) == offset:
            high = min(high + timedelta(days=1), end)
        if high < end:  # the offset changes within the next day: find the second
            lo = math.floor(high.timestamp())
            hi = math.ceil(min(high + timedelta(days=1), end).timestamp())
            while hi - lo > 1:
                middle = (lo + hi) // 2
                same = _offset(zone, datetime.fromtimestamp(middle, UTC)) == offset
                lo, hi = (middle, hi) if same else (lo, middle)
            high = datetime.fromtimestamp(hi, UTC)
        spans.append((low, high, offset))
        low = high
    return spans


def _offset(zone: tzinfo, moment: datetime) -> int:
    shift = moment.astimezone(zone).utcoffset()
    return int(shift.total_seconds() // 60) if shift is not None else 0


def days(daily: Iterable[tuple[date, int, float]], *, start: date, end: date) -> list[Day]:
    """Every calendar day from `start` to `end` (inclusive) with the totals given for it
    (a day may come in several parts: they are added up)."""
    answers: dict[date, int] = {}
    seconds: dict[date, float] = {}
    for day, count, secs in daily:
        answers[day] = answers.get(day, 0) + count
        seconds[day] = seconds.get(day, 0.0) + secs
    span = (end - start).days + 1
    found = [start + timedelta(days=n) for n in range(max(span, 0))]
    return [Day(d, answers.get(d, 0), seconds.get(d, 0.0)) for d in found]


def level(day: Day, peak_minutes: float) -> int:
    """Shade by minutes studied relative to the busiest day; any evidence shows at least 1."""
    if day.seconds <= 0:
        return 1 if day.answers else 0
    return max(1, min(LEVELS, math.ceil(LEVELS * day.minutes / max(peak_minutes, 1))))


def heatmap(found: list[Day]) -> list[Cell]:
    """Days as cells of a calendar: one column per week (Monday first)."""
    if not found:
        return []
    first_monday = found[0].day - timedelta(days=found[0].day.weekday())
    peak = max(d.minutes for d in found)
    return [
        Cell(d, (d.day - first_monday).days // 7, d.day.weekday(), level(d, peak)) for d in found
    ]


def weeks(found: list[Day], *, count: int) -> list[Week]:
    """Hours of study in each of the last `count` weeks (Monday to Sunday), oldest first."""
    if not found:
        return []
    last_monday = found[-1].day - timedelta(days=found[-1].day.weekday())
    starts = [last_monday - timedelta(weeks=n) for n in reversed(range(count))]
    totals = dict.fromkeys(starts, 0.0)
    for d in found:
        monday = d.day - timedelta(days=d.day.weekday())
        if monday in totals:
            totals[monday] += d.seconds / 3600
    return [Week(s, round(totals[s], 2)) for s in starts]


def measured_hours_per_week(found: list[Week], *, recent: int = 4) -> float:
    """Mean hours a week over the last `recent` full weeks (the current week is partial)."""
    full = found[:-1][-recent:]
    return round(sum(w.hours for w in full) / len(full), 2) if full else 0.0


def projected_finish(hours_left: float, hours_per_week: float, today: date) -> date | None:
    """When the remaining study ends at this many hours a week (None when nothing is studied)."""
    if hours_left <= 0:
        return today
    if hours_per_week <= 0:
        return None
    return today + timedelta(days=min(math.ceil(7 * hours_left / hours_per_week), MAX_DAYS))
