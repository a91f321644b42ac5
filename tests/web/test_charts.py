"""The mastery chart's time axis, read from the SVG the dashboard template draws: round local
times, each label once, never two labels on top of each other (the axis once printed
"05 Dec" five times in one spot when every answer fell on one day)."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from masterpath.domain.history import Point
from masterpath.services.dashboard import History
from masterpath.web.charts import CHAR_WIDTH, time_plot, time_ticks
from masterpath.web.rendering import make_templates
from tests.web.helpers import soup

TOKYO = ZoneInfo("Asia/Tokyo")
AXIS_Y = "244.0"  # the plot's bottom (260 - 36) + 20: where the x-axis labels sit


def axis(*moments: datetime) -> list[tuple[float, str, str]]:
    """The x-axis labels of the mastery chart drawn for answers at these moments."""
    points = [Point(at, 0.3 + 0.05 * n, 1.0) for n, at in enumerate(moments)]
    skills = [{"id": "sql", "title": "SQL"}]
    found = History("sql", "SQL", skills, points, [], 0.7, False)
    template = make_templates().env.get_template("_dash_mastery.html")
    svg = soup(template.render(history=found, map={"nodes": [], "track_id": None})).svg
    assert svg is not None
    labels = svg.select(f"text.tick[y='{AXIS_Y}']")
    return [(float(str(t["x"])), t.get_text(), str(t["text-anchor"])) for t in labels]


def assert_apart(labels: list[tuple[float, str, str]]) -> None:
    """Each label once, left to right, inside the 720 px chart, and a gap between neighbours
    even if every glyph were as wide as the axis allows."""
    texts = [text for _, text, _ in labels]
    assert len(set(texts)) == len(texts)
    boxes = []
    for x, text, anchor in labels:
        width = len(text) * CHAR_WIDTH
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        boxes.append((left, left + width))
    assert boxes[0][0] >= 0 and boxes[-1][1] <= 720
    assert all(right + 12 <= left for (_, right), (left, _) in pairwise(boxes))


def test_answers_on_one_day_are_labelled_by_time_with_the_date_once() -> None:
    day = datetime(2026, 12, 5, 10, 0, tzinfo=TOKYO)
    labels = axis(day, day + timedelta(minutes=4), day + timedelta(minutes=20))
    assert [text for _, text, _ in labels] == ["05 Dec 09:45", "10:00", "10:15", "10:30"]
    assert_apart(labels)


def test_a_single_answer_gets_an_hour_of_axis() -> None:
    labels = axis(datetime(2026, 12, 5, 10, 7, tzinfo=TOKYO))
    assert [text for _, text, _ in labels] == ["05 Dec 09:45", "10:00", "10:15", "10:30"]
    assert_apart(labels)


def test_a_working_day_is_labelled_every_two_hours() -> None:
    labels = axis(
        datetime(2026, 12, 5, 9, 12, tzinfo=TOKYO), datetime(2026, 12, 5, 17, 40, tzinfo=TOKYO)
    )
    assert [text for _, text, _ in labels] == ["05 Dec 10:00", "12:00", "14:00", "16:00"]
    assert_apart(labels)


def test_a_few_days_are_labelled_by_their_midnights() -> None:
    labels = axis(
        datetime(2026, 12, 2, 9, 12, tzinfo=TOKYO), datetime(2026, 12, 5, 17, 40, tzinfo=TOKYO)
    )
    assert [text for _, text, _ in labels] == ["03 Dec", "04 Dec", "05 Dec"]
    assert_apart(labels)


def test_months_are_labelled_by_their_first_days_and_the_year_once() -> None:
    start, end = datetime(2026, 8, 20, 9, tzinfo=TOKYO), datetime(2026, 12, 5, 17, tzinfo=TOKYO)
    labels = axis(start, start + timedelta(days=30), end)
    assert [text for _, text, _ in labels] == ["Sep 2026", "Oct", "Nov", "Dec"]
    assert_apart(labels)


def test_the_year_is_named_where_the_axis_crosses_it() -> None:
    labels = axis(datetime(2026, 12, 20, 9, tzinfo=TOKYO), datetime(2027, 1, 8, 17, tzinfo=TOKYO))
    assert [text for _, text, _ in labels] == ["21 Dec 2026", "28 Dec", "04 Jan 2027"]
    assert_apart(labels)


def test_ticks_fall_on_local_midnights_in_the_learners_zone() -> None:
    start = datetime(2026, 12, 2, 10, tzinfo=TOKYO)
    plot = time_plot(start, start + timedelta(days=3), height=260, top=34)
    midnights = [datetime(2026, 12, d, tzinfo=TOKYO) for d in (3, 4, 5)]
    assert [t.x for t in time_ticks(plot, zone=TOKYO)] == [plot.x(m) for m in midnights]
    utc = [t.x for t in time_ticks(plot)]  # no zone: UTC midnights, 9 hours later
    assert utc == [plot.x(m + timedelta(hours=9)) for m in midnights]
