from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from masterpath.domain.mastery import Status
from masterpath.domain.retention import Dates, Due, due, recall, stability_days

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_stability_doubles_with_each_retention_pass_and_is_at_least_a_day() -> None:
    assert stability_days(retention_days=2, passes=0) == 2.0
    assert stability_days(retention_days=2, passes=3) == 16.0
    assert stability_days(retention_days=0, passes=0) == 1.0


def test_recall_follows_a_power_curve_from_the_last_graded_answer() -> None:
    assert recall(last_graded_at=None, retention_days=2, passes=0, now=NOW) is None
    assert recall(last_graded_at=NOW, retention_days=2, passes=0, now=NOW) == 1.0
    nine_days = recall(last_graded_at=NOW - 18 * DAY, retention_days=2, passes=0, now=NOW)
    assert nine_days == pytest.approx(0.5)


def test_the_check_completing_mastery_falls_due_days_after_ready() -> None:
    dates = Dates(ready_at=NOW - 2 * DAY)
    assert due(dates, status=Status.IN_PROGRESS, retention_days=2, now=NOW) == Due(
        NOW, "completes mastery"
    )
    assert due(dates, status=Status.IN_PROGRESS, retention_days=3, now=NOW) is None


def test_a_check_passed_after_it_fell_due_is_not_due_again() -> None:
    dates = Dates(ready_at=NOW - 3 * DAY, retention_passed_at=NOW - DAY)
    assert due(dates, status=Status.IN_PROGRESS, retention_days=2, now=NOW) is None


def test_a_placement_is_confirmed_days_after_it_was_made() -> None:
    dates = Dates(placed_at=NOW - 2 * DAY)
    found = due(dates, status=Status.PLACED, retention_days=2, now=NOW)
    assert found == Due(NOW, "confirms your placement")
    assert due(dates, status=Status.MASTERED, retention_days=2, now=NOW) is None


def test_a_fading_skill_is_due_now_unless_rechecked_within_a_day() -> None:
    mastered = Dates(ready_at=NOW - 30 * DAY, mastered_at=NOW - 28 * DAY)
    found = due(mastered, status=Status.DECAYING, retention_days=2, now=NOW)
    assert found == Due(NOW, "a re-check: your recall is forecast to be fading")
    rechecked = Dates(mastered_at=NOW - 28 * DAY, retention_passed_at=NOW - timedelta(hours=23))
    assert due(rechecked, status=Status.DECAYING, retention_days=2, now=NOW) is None
    assert due(mastered, status=Status.MASTERED, retention_days=2, now=NOW) is None
