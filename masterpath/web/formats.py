"""How pages write dates, times and percentages: a few named template filters.

    {{ check.result.retake_at|local_datetime('weekday') }}   Tue 03 Mar 14:05, the learner's zone
    {{ track.finish|local_date }}                             03 Mar 2026
    {{ s.submitted_at|utc_datetime }}                         03 Mar 2026 13:05, in UTC
    {{ task.score|pct }}                                      85%

`local_*` show an aware datetime in the viewer's time zone (their account setting; UTC for
visitors and for pages rendered outside a request); `utc_*` keep UTC, for the pages that say so.
A `date` has no zone and is only formatted; a naive datetime is formatted as it is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

DATES = {
    "date": "%d %b %Y",  # 03 Mar 2026
    "long": "%d %B %Y",  # 03 March 2026
    "day": "%d %b",  # 03 Mar
    "weekday": "%a %d %b",  # Tue 03 Mar
    "weekday_year": "%a %d %b %Y",  # Tue 03 Mar 2026
    "month": "%b",  # Mar
}
TIMES = {
    "datetime": "%d %b %Y %H:%M",  # 03 Mar 2026 14:05
    "short": "%d %b %H:%M",  # 03 Mar 14:05
    "weekday": "%a %d %b %H:%M",  # Tue 03 Mar 14:05
    "numeric": "%Y-%m-%d %H:%M",  # 2026-03-03 14:05
}


def zone_name(context: TemplateContext | dict[str, Any]) -> str:
    """The viewer's time zone, by its IANA name ("UTC" without a viewer)."""
    viewer = context.get("viewer")
    return str(viewer.account.timezone) if viewer is not None else "UTC"


def _in(value: date, zone: tzinfo) -> date:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(zone)
    return value


@pass_context
def local_date(context: TemplateContext, value: date, style: str = "date") -> str:
    return _in(value, ZoneInfo(zone_name(context))).strftime(DATES[style])


@pass_context
def local_datetime(context: TemplateContext, value: datetime, style: str = "datetime") -> str:
    return _in(value, ZoneInfo(zone_name(context))).strftime(TIMES[style])


def utc_date(value: date, style: str = "date") -> str:
    return _in(value, UTC).strftime(DATES[style])


def utc_datetime(value: datetime, style: str = "datetime") -> str:
    return _in(value, UTC).strftime(TIMES[style])


def pct(value: float) -> str:
    """A fraction as a whole percentage: 0.847 → "85%" (halves round to even, as before)."""
    return f"{round(value * 100)}%"


def duration(minutes: float) -> str:
    """Minutes of study as a reader says them: 45 → "45 min", 150 → "2 h 30 min", 0.4 → "1 min"."""
    whole = max(round(minutes), 1) if minutes > 0 else 0
    hours, rest = divmod(whole, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@pass_context
def local_zone(context: TemplateContext) -> str:
    return zone_name(context)


FILTERS = {
    "local_date": local_date,
    "local_datetime": local_datetime,
    "utc_date": utc_date,
    "utc_datetime": utc_datetime,
    "pct": pct,
    "duration": duration,
}
GLOBALS = {"local_zone": local_zone}
