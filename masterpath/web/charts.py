"""Chart geometry for the server-drawn SVG charts: a plot area and its scales. The templates
in `_charts.html` draw with it; there is no chart library and no script."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime


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


def time_plot(start: datetime, end: datetime, **size: int) -> Plot:
    """A plot whose x axis is time (seconds since the epoch), padded when start == end."""
    low, high = start.timestamp(), end.timestamp()
    if high - low < 3600:
        low, high = low - 43200, high + 43200
    return Plot(x_min=low, x_max=high, **size)


def time_ticks(start: datetime, end: datetime, count: int = 4) -> list[datetime]:
    if end <= start:
        return [start]
    step = (end - start) / count
    return [start + n * step for n in range(count + 1)]
