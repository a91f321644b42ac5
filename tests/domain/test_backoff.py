from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from masterpath.domain import backoff


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [
        (0, timedelta(0)),
        (1, timedelta(seconds=30)),
        (2, timedelta(seconds=60)),
        (3, timedelta(seconds=120)),
        (10, timedelta(seconds=30 * 512)),
        (11, timedelta(hours=6)),  # 30 s x 1024 is past the ceiling
        (1_000, timedelta(hours=6)),
    ],
)
def test_each_failure_doubles_the_wait_up_to_the_ceiling(attempts: int, wait: timedelta) -> None:
    assert backoff.delay(attempts) == wait


def test_retry_time_is_now_plus_the_wait() -> None:
    now = datetime(2026, 12, 6, 5, 0, tzinfo=UTC)
    assert backoff.retry_at(attempts=3, now=now) == datetime(2026, 12, 6, 5, 2, tzinfo=UTC)
    small = backoff.retry_at(
        attempts=5, now=now, first=timedelta(seconds=1), ceiling=timedelta(seconds=10)
    )
    assert small == now + timedelta(seconds=10)
