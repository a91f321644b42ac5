"""The template filters for dates, times and percentages (web/formats.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

from masterpath.web.rendering import make_templates

AT = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)


def render(source: str, *, timezone: str | None = None, **values: object) -> str:
    viewer = SimpleNamespace(account=SimpleNamespace(timezone=timezone)) if timezone else None
    template = make_templates().env.from_string(source)
    return template.render(viewer=viewer, **values)


def test_local_filters_show_the_viewers_time_zone() -> None:
    source = "{{ at|local_datetime }} | {{ at|local_date }} | {{ at|local_datetime('weekday') }}"
    shown = render(source, timezone="Asia/Tokyo", at=AT)
    assert shown == "04 Mar 2026 08:30 | 04 Mar 2026 | Wed 04 Mar 08:30"
    assert render("{{ local_zone() }}", timezone="Asia/Tokyo") == "Asia/Tokyo"


def test_without_a_viewer_local_means_utc() -> None:
    shown = render("{{ at|local_datetime('short') }} {{ local_zone() }}", at=AT)
    assert shown == "03 Mar 23:30 UTC"


def test_utc_filters_ignore_the_viewers_time_zone() -> None:
    shown = render("{{ at|utc_datetime('numeric') }}", timezone="Asia/Tokyo", at=AT)
    assert shown == "2026-03-03 23:30"


def test_a_date_is_formatted_without_a_zone() -> None:
    day = date(2026, 3, 3)
    shown = render(
        "{{ d|local_date('weekday_year') }} {{ d|local_date('long') }}",
        d=day,
        timezone="Pacific/Kiritimati",
    )
    assert shown == "Tue 03 Mar 2026 03 March 2026"


def test_pct_rounds_like_the_templates_did() -> None:
    assert render("{{ a|pct }} {{ b|pct }} {{ c|pct }}", a=0.847, b=0.125, c=1) == "85% 12% 100%"
