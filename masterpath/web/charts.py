"""Chart geometry for the server-drawn SVG charts: a plot area and its scales. The templates
in `_charts.html` draw with it; there is no chart library and no script."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo


def nice(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above `value` (an axis top)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return float(next(step * power for step in (1, 2, 5, 10) if step * power >= value))


@dataclass(frozen=True)
class Plot:
    """A chart's plot area inside a width × height box, mapping values to pixels."""

    x_min: float = 0.0
    x_max: float = 1.0
    y_min: float = 0.0
    y_max: float = 1.0
    width: int = 720
    height: int = 240
    left: int = 48
    right: int = 20
    top: int = 24
    bottom: int = 36

    @property
    def x0(self) -> float:
        return float(self.left)

    @property
    def x1(self) -> float:
        return float(self.width - self.right)

    @property
    def y0(self) -> float:
        return float(self.height - self.bottom)

    @property
    def y1(self) -> float:
        return float(self.top)

    def x(self, value: float | datetime) -> float:
        """A value's pixel column (a time counts by its seconds since the epoch)."""
        if isinstance(value, datetime):
            value = value.timestamp()
        span = (self.x_max - self.x_min) or 1.0
        return round(self.x0 + (value - self.x_min) / span * (self.x1 - self.x0), 1)

    def y(self, value: float) -> float:
        span = (self.y_max - self.y_min) or 1.0
        return round(self.y0 - (value - self.y_min) / span * (self.y0 - self.y1), 1)

    def points(self, xs: list[float | datetime], ys: list[float]) -> list[tuple[float, float]]:
        """Pixel positions of many values at once (a line's vertices)."""
        return [(self.x(x), self.y(y)) for x, y in zip(xs, ys, strict=True)]

    def slot(self, count: int) -> float:
        """The width of one of `count` equal bars side by side."""
        return (self.x1 - self.x0) / max(count, 1)

    def y_ticks(self, count: int | None = None) -> list[float]:
        """Evenly spaced values up the axis: by default round steps for a `nice` top (a top of
        5 or 10 gets five steps, a top of 2 or 20 four)."""
        span = self.y_max - self.y_min
        if count is None:
            lead = round(span / 10 ** math.floor(math.log10(span))) if span > 0 else 1
            count = 4 if lead == 2 else 5
        step = span / count
        return [self.y_min + n * step for n in range(count + 1)]


MIN_SPAN = 3600.0  # seconds: a shorter history (one sitting, one answer) is drawn over an hour


def time_plot(start: datetime, end: datetime, **size: int) -> Plot:
    """A plot whose x axis is time (seconds since the epoch), widened around its middle to at
    least an hour, so answers of one sitting spread out and their axis can name times."""
    low, high = start.timestamp(), end.timestamp()
    pad = max(MIN_SPAN - (high - low), 0.0) / 2
    return Plot(x_min=low - pad, x_max=high + pad, **size)


@dataclass(frozen=True)
class Tick:
    """A labelled place on a time axis: its pixel column, its text and its SVG text-anchor."""

    x: float
    label: str
    anchor: str = "middle"


CHAR_WIDTH = 7.5  # px: a 12 px tick label's widest mean advance (digits, capitals, spaces)
LABEL_GAP = 16.0  # px: the least white space between two neighbouring labels
MAX_TICKS = 5
# Calendar steps, finest first: the axis takes the finest that gives at most MAX_TICKS labels
# with room between them.
STEPS: tuple[tuple[str, int], ...] = (
    ("minutes", 5),
    ("minutes", 10),
    ("minutes", 15),
    ("minutes", 30),
    ("hours", 1),
    ("hours", 2),
    ("hours", 3),
    ("hours", 6),
    ("hours", 12),
    ("days", 1),
    ("days", 2),
    ("weeks", 1),
    ("weeks", 2),
    ("months", 1),
    ("months", 2),
    ("months", 3),
    ("months", 6),
    ("months", 12),
    ("months", 24),
    ("months", 60),
    ("months", 120),
)
SECONDS = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800, "months": 2629746}


def time_ticks(plot: Plot, *, zone: tzinfo | None = None) -> list[Tick]:
    """Labels for a time plot's x axis at round local times (quarter hours, midnights, the
    first of a month), never overlapping: times within a day name the date once, then only
    when it changes. A span with no round moment in it gets one label, its middle's date."""
    low = datetime.fromtimestamp(plot.x_min, zone or UTC)
    high = datetime.fromtimestamp(plot.x_max, zone or UTC)
    for unit, count in STEPS:
        if (plot.x_max - plot.x_min) / (SECONDS[unit] * count) > MAX_TICKS + 1:
            continue  # far too many labels: skip them without listing them
        moments = _moments(low, high, unit=unit, count=count)
        if 0 < len(moments) <= MAX_TICKS:
            placed = _placed(plot, moments, _labels(moments, unit=unit))
            if placed:
                return placed
    middle = datetime.fromtimestamp((plot.x_min + plot.x_max) / 2, zone or UTC)
    return [Tick(plot.x(middle), middle.strftime("%d %b %Y"))]


def _moments(low: datetime, high: datetime, *, unit: str, count: int) -> list[datetime]:
    """The round moments between `low` and `high`, `count` units apart, in low's time zone."""
    if unit == "months":
        return _month_starts(low, high, count=count)
    midnight = low.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "weeks":
        midnight -= timedelta(days=midnight.weekday())  # weeks start on a Monday
    step = timedelta(**{unit: count})
    found: list[datetime] = []
    moment = midnight
    while moment.timestamp() <= high.timestamp():
        if moment.timestamp() >= low.timestamp():
            found.append(moment)
        moment += step
    return found


def _month_starts(low: datetime, high: datetime, *, count: int) -> list[datetime]:
    index = low.year * 12 + low.month - 1
    index -= index % count  # January and every count-th month after it
    found: list[datetime] = []
    while True:
        year, month = divmod(index, 12)
        moment = low.replace(
            year=year, month=month + 1, day=1, hour=0, minute=0, second=0, microsecond=0
        )
        if moment.timestamp() > high.timestamp():
            return found
        if moment.timestamp() >= low.timestamp():
            found.append(moment)
        index += count


def _labels(moments: list[datetime], *, unit: str) -> list[str]:
    """Times name their date on the first label and where the date changes (a midnight by its
    date alone); days and months name their year likewise when the axis crosses one."""
    if unit in ("minutes", "hours"):
        keys, short = [m.strftime("%Y%m%d") for m in moments], "%H:%M"
        fulls = ["%d %b" if (m.hour, m.minute) == (0, 0) else "%d %b %H:%M" for m in moments]
    else:
        keys, short = [str(m.year) for m in moments], "%b" if unit == "months" else "%d %b"
        year = len(set(keys)) > 1 or unit == "months"
        fulls = [f"{short} %Y" if year else short] * len(moments)
    return [
        m.strftime(short if n and keys[n - 1] == keys[n] else fulls[n])
        for n, m in enumerate(moments)
    ]


def _placed(plot: Plot, moments: list[datetime], labels: list[str]) -> list[Tick]:
    """The ticks, anchored to stay inside the chart, or [] when two labels would collide."""
    ticks, right = [], -math.inf
    for moment, label in zip(moments, labels, strict=True):
        x, width = plot.x(moment), len(label) * CHAR_WIDTH
        anchor, left = "middle", x - width / 2
        if left < 0:
            anchor, left = "start", x
        elif left + width > plot.width:
            anchor, left = "end", x - width
        if left < right + LABEL_GAP:
            return []
        ticks.append(Tick(x, label, anchor))
        right = left + width
    return ticks
