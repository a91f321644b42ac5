"""Study per calendar day, heatmap cells, weeks and the projected finish."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from masterpath.domain import activity
from masterpath.domain.activity import Day

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_zone_without_daylight_saving_is_one_span() -> None:
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)
    assert activity.offset_spans(ZoneInfo("Asia/Tokyo"), start, end) == [(start, end, 540)]


def test_daylight_saving_splits_the_spans_at_the_exact_second() -> None:
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC)
    spring = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:00 CET becomes 03:00 CEST
    autumn = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    assert activity.offset_spans(BERLIN, start, end) == [
        (start, spring, 60),
        (spring, autumn, 120),
        (autumn, end, 60),
    ]


def test_days_add_up_parts_and_fill_the_gaps() -> None:
    daily = [(date(2026, 3, 2), 3, 600.0), (date(2026, 3, 2), 1, 60.0), (date(2026, 3, 4), 2, 0.0)]
    found = activity.days(daily, start=date(2026, 3, 1), end=date(2026, 3, 4))
    assert found == [
        Day(date(2026, 3, 1)),
        Day(date(2026, 3, 2), 4, 660.0),
        Day(date(2026, 3, 3)),
        Day(date(2026, 3, 4), 2, 0.0),
    ]
    assert found[1].minutes == 11


def test_heatmap_cells_are_weeks_of_days_from_monday() -> None:
    found = activity.days(
        [(date(2026, 3, 4), 5, 3600.0), (date(2026, 3, 9), 1, 600.0)],
        start=date(2026, 3, 4),
        end=date(2026, 3, 10),
    )
    cells = activity.heatmap(found)
    assert [(c.week, c.weekday) for c in cells][:2] == [(0, 2), (0, 3)]
    assert [(c.day.day, c.week, c.weekday) for c in cells if c.day.day == date(2026, 3, 9)] == [
        (date(2026, 3, 9), 1, 0)
    ]
    levels = {c.day.day: c.level for c in cells}
    assert levels[date(2026, 3, 4)] == 4 and levels[date(2026, 3, 9)] == 1
    assert levels[date(2026, 3, 5)] == 0


def test_answers_without_measured_time_still_show() -> None:
    assert activity.level(Day(date(2026, 3, 4), answers=3), peak_minutes=60) == 1
    assert activity.level(Day(date(2026, 3, 4)), peak_minutes=60) == 0
    assert activity.level(Day(date(2026, 3, 4), 1, 30 * 60), peak_minutes=60) == 2


def test_weeks_total_hours_monday_to_sunday() -> None:
    start = date(2026, 3, 2)  # a Monday
    daily = [(start + timedelta(days=n), 1, 1800.0) for n in range(14)]
    found = activity.days(daily, start=start, end=start + timedelta(days=15))
    weeks = activity.weeks(found, count=4)
    assert [w.starts for w in weeks] == [
        date(2026, 2, 23),
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
    ]
    assert [w.hours for w in weeks] == [0.0, 3.5, 3.5, 0.0]
    assert activity.measured_hours_per_week(weeks, recent=2) == 3.5


def test_the_projected_finish_follows_the_hours_studied() -> None:
    today = date(2026, 3, 2)
    assert activity.projected_finish(10, 5, today) == date(2026, 3, 16)
    assert activity.projected_finish(0, 0, today) == today
    assert activity.projected_finish(10, 0, today) is None
    assert activity.projected_finish(1e9, 0.01, today) == today + timedelta(days=36_500)
