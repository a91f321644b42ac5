"""Flashcard scheduling: a thin, deterministic wrapper over FSRS (py-fsrs 6). Pure.

Card state is stored as the dictionary `fsrs.Card.to_dict()` gives. Fuzzing is off so the same
reviews always give the same schedule (py-fsrs fuzzes with the global random generator).
Ratings are self-reports: they drive the memory model, never a mastery criterion.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from typing import Any

import fsrs
import numpy as np

from masterpath.errors import ConfigurationError, InvalidInput, Problem

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
RETENTION_RANGE = (0.70, 0.99)
PREVIEW_RETENTIONS = (0.80, 0.85, 0.90, 0.95, 0.97)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)  # fsrs accepts only datetime.timezone.utc


def check_rating(rating: object) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:
        message = f"rating {rating!r} is not one of 1 (Again), 2 (Hard), 3 (Good), 4 (Easy)"
        raise InvalidInput(message, problems=[Problem(message, field="rating")])
    return rating


def check_retention(value: float) -> float:
    low, high = RETENTION_RANGE
    if not low <= value <= high:
        message = f"desired retention {value} is outside {low}–{high}"
        raise InvalidInput(message, problems=[Problem(message, field="desired_retention")])
    return value


@cache
def scheduler(desired_retention: float, parameters: tuple[float, ...] | None = None) -> Any:
    if parameters is None:
        return fsrs.Scheduler(desired_retention=desired_retention, enable_fuzzing=False)
    return fsrs.Scheduler(
        parameters=parameters, desired_retention=desired_retention, enable_fuzzing=False
    )


def numeric_id(card_id: str) -> int:
    """fsrs wants an integer id (and sleeps to invent one if it gets none)."""
    return zlib.crc32(card_id.encode())


def new(card_id: str, now: datetime) -> dict[str, Any]:
    return dict(fsrs.Card(card_id=numeric_id(card_id), due=_utc(now)).to_dict())


def _card(state: dict[str, Any]) -> fsrs.Card:
    return fsrs.Card.from_dict(state)  # type: ignore[arg-type] # a stored Card.to_dict()


def review(
    state: dict[str, Any],
    rating: int,
    now: datetime,
    *,
    desired_retention: float = 0.9,
    parameters: Sequence[float] | None = None,
    seconds: float | None = None,
) -> tuple[dict[str, Any], datetime]:
    """The card's next state and due time after one rating."""
    chosen = scheduler(desired_retention, tuple(parameters) if parameters else None)
    duration = int(seconds * 1000) if seconds is not None else None
    card, _ = chosen.review_card(
        _card(state), fsrs.Rating(check_rating(rating)), _utc(now), duration
    )
    return dict(card.to_dict()), card.due


def retrievability(state: dict[str, Any], now: datetime, desired_retention: float = 0.9) -> float:
    card = _card(state)
    if card.last_review is None:
        return 0.0
    return float(scheduler(desired_retention).get_card_retrievability(card, _utc(now)))


def interval_days(stability: float, desired_retention: float) -> float:
    """FSRS-6's interval for a stability at a retention, before rounding and limits."""
    sched = scheduler(desired_retention)
    factor, decay = float(sched._FACTOR), float(sched._DECAY)  # the curve's own constants
    days = float(stability / factor * (desired_retention ** (1 / decay) - 1.0))
    return max(1.0, days)


def workload(
    stabilities: Iterable[float], new_per_day: int, retentions: Sequence[float] = PREVIEW_RETENTIONS
) -> dict[float, float]:
    """Reviews a day each retention implies for these cards at steady state.

    Each started card comes back once per interval; each new card costs about three reviews in
    its first days (learning steps and the first interval). A preview, not a promise.
    """
    known = [s for s in stabilities if s and s > 0]
    first = float(fsrs.Scheduler().parameters[2])  # initial stability after "Good"
    found = {}
    for r in retentions:
        started = sum(1 / interval_days(s, r) for s in known)
        fresh = new_per_day * (3 + 1 / interval_days(first, r))
        found[r] = round(started + fresh, 1)
    return found


@dataclass(frozen=True)
class ForecastDay:
    day: date
    due: int  # reviews scheduled for the day (overdue ones fall on today)
    recall: float | None  # mean forecast recall of reviewed cards that morning, none reviewed


def forecast(
    due: Iterable[tuple[date, int]],
    memory: Sequence[tuple[float | None, datetime | None]],
    *,
    now: datetime,
    zone: tzinfo,
    days: int = 30,
) -> list[ForecastDay]:
    """Reviews due per day and the recall the cards would keep if none were reviewed, for the
    next `days` days. `due` counts cards per due date on the learner's calendar (earlier dates
    are overdue: they fall on today); `memory` is each card's (stability, last review).
    O(cards × days) in numpy."""
    today = now.astimezone(zone).date()
    counts = [0] * days
    for day, count in due:
        offset = (day - today).days
        if offset < days:
            counts[max(offset, 0)] += count
    reviewed = [(s, last) for s, last in memory if s and last is not None]
    recall: list[float | None] = [None] * days
    if reviewed:
        sched = scheduler(0.9)  # the curve's constants do not depend on the retention
        stability = np.array([s for s, _ in reviewed], dtype=float)[:, None]
        elapsed = np.array([(now - last) / timedelta(days=1) for _, last in reviewed])[:, None]
        ahead = np.floor(np.maximum(elapsed + np.arange(days)[None, :], 0))  # whole days, as fsrs
        curve = (1 + float(sched._FACTOR) * ahead / stability) ** float(sched._DECAY)
        recall = [float(v) for v in curve.mean(axis=0)]
    return [ForecastDay(today + timedelta(days=n), counts[n], recall[n]) for n in range(days)]


def due_in_days(due: datetime, now: datetime) -> float:
    return (due - now) / timedelta(days=1)


def optimize(
    logs: Sequence[tuple[str, int, datetime, float | None]], *, verbose: bool = False
) -> list[float]:
    """FSRS parameters fitted to a review log of (card id, rating, when, seconds).

    Needs the optional `optimizer` extra (fsrs[optimizer], which brings torch).
    """
    reviews = [
        fsrs.ReviewLog(
            numeric_id(card),
            fsrs.Rating(rating),
            _utc(when),
            int(seconds * 1000) if seconds is not None else None,
        )
        for card, rating, when, seconds in logs
    ]
    try:
        optimizer = fsrs.Optimizer(reviews)
    except ImportError:
        raise ConfigurationError(
            "fitting FSRS parameters needs the optimizer extra: pip install 'masterpath[optimizer]'"
        ) from None
    return [float(w) for w in optimizer.compute_optimal_parameters(verbose=verbose)]


def replay(
    card_id: str,
    reviews: Sequence[tuple[int, datetime, float | None]],
    *,
    created: datetime,
    desired_retention: float = 0.9,
    parameters: Sequence[float] | None = None,
) -> tuple[dict[str, Any], datetime]:
    """A card's FSRS state and due time after replaying its review log of (rating, when,
    seconds), oldest first, through the scheduler; a card never reviewed is new, due `created`."""
    state = new(card_id, created)
    due = _utc(created)
    for rating, when, seconds in sorted(reviews, key=lambda review: review[1]):
        state, due = review(
            state,
            rating,
            when,
            desired_retention=desired_retention,
            parameters=parameters,
            seconds=seconds,
        )
    return state, due
