"""The flashcard forecast: reviews due per day and recall without reviews (FSRS curve)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import fsrs
import pytest

from masterpath.domain import cards

NOW = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)


def reviewed(days_ago: float, rating: int = 3) -> tuple[float, datetime]:
    state = cards.new("c", NOW - timedelta(days=days_ago + 30))
    for moment in (NOW - timedelta(days=days_ago + 30), NOW - timedelta(days=days_ago)):
        state, _ = cards.review(state, rating, moment)
    return float(state["stability"]), datetime.fromisoformat(state["last_review"])


def test_reviews_fall_on_their_day_and_overdue_ones_on_today() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")  # NOW is already 3 March there
    due = [
        (date(2026, 2, 27), 2),
        (date(2026, 3, 3), 1),
        (date(2026, 3, 4), 4),
        (date(2026, 5, 1), 9),
    ]
    found = cards.forecast(due, [], now=NOW, zone=tokyo, days=30)
    assert found[0].day == date(2026, 3, 3)
    assert [d.due for d in found[:3]] == [3, 4, 0] and sum(d.due for d in found) == 7
    assert all(d.recall is None for d in found)


def test_recall_follows_the_fsrs_curve_and_fades() -> None:
    card = reviewed(days_ago=2)
    found = cards.forecast([], [card], now=NOW, zone=UTC, days=30)
    fsrs_card = fsrs.Card(stability=card[0], difficulty=5.0, last_review=card[1])
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    for n in (0, 10, 29):
        expected = scheduler.get_card_retrievability(fsrs_card, NOW + timedelta(days=n))
        assert found[n].recall == pytest.approx(expected)
    values = [d.recall for d in found]
    assert values == sorted(values, reverse=True)  # type: ignore[type-var]


def test_recall_is_the_mean_over_reviewed_cards_and_new_ones_are_left_out() -> None:
    fresh, old = reviewed(days_ago=0), reviewed(days_ago=20)
    both = cards.forecast([], [fresh, old, (None, None)], now=NOW, zone=UTC, days=2)
    alone = [cards.forecast([], [c], now=NOW, zone=UTC, days=2)[0].recall for c in (fresh, old)]
    assert both[0].recall == pytest.approx(sum(alone) / 2)  # type: ignore[arg-type]
