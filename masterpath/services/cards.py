"""Flashcards on FSRS: the daily queue, ratings, preferences and the workload they imply.

Ratings are self-reports: each is kept as evidence (grader "self", mode "flashcard", the
rating in its detail — this is the review log the FSRS optimizer reads) and never satisfies a
mastery criterion. New cards come from skills the learner has started and that are not locked,
at most `new_cards_per_day` a day, "day" being the learner's own calendar day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from masterpath.domain import answering, graph
from masterpath.domain import cards as schedule
from masterpath.domain.content import Mode
from masterpath.errors import Conflict, InvalidInput, NotFound, Problem
from masterpath.services import Context, evidence, personal_cards
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import answers as answer_store
from masterpath.store import content as content_store
from masterpath.store import mastery as mastery_store
from masterpath.store import study as store
from masterpath.store.models import SkillState, User

MIN_OPTIMIZE_REVIEWS = 400
MAX_NEW_PER_DAY = 200
# The learner's calendar day began within this (a day of 25 hours included).
DAY = timedelta(hours=26)


@dataclass(frozen=True)
class CardView:
    id: str
    skill_id: str
    front: str
    back: str  # sent with the card: a flashcard is a self-test, revealed on request
    new: bool
    due: datetime
    personal: bool = False  # the learner's own (imported): HTML sides, no skill, never evidence


@dataclass(frozen=True)
class Queue:
    cards: list[CardView]
    due_now: int
    new_left_today: int
    due_later_today: int


@dataclass(frozen=True)
class Preferences:
    desired_retention: float
    new_cards_per_day: int
    workload: dict[str, float]  # reviews a day at each retention, for the preview
    timezone: str


def _user(tx: Tx, user_id: int) -> User:
    user = account_store.user_by_id(tx, user_id)
    if user is None:
        raise NotFound(f"no learner {user_id}")
    return user


def _day_start(now: datetime, zone: str) -> datetime:
    local = now.astimezone(ZoneInfo(zone))
    return datetime.combine(local.date(), time(), tzinfo=local.tzinfo)


def _open_skills(tx: Tx, states: Mapping[str, SkillState], also: str | None) -> list[str]:
    """Skills whose new cards may be introduced: started (or asked for) and not locked (`states`:
    the learner's skill states, read once)."""
    started = set(states)
    if also:
        started.add(also)
    if not started:
        return []
    every = content_store.skill_models(tx)
    prereqs = {key: list(data.prerequisites) for key, data in every.items()}
    order = [s for s in graph.topological(prereqs) if s in started]
    return [s for s in order if answering.unlocked(every[s], states)]


def queue(ctx: Context, *, user_id: int, skill_id: str | None = None, limit: int = 100) -> Queue:
    """The cards to review now, then new ones up to the day's limit. It only reads: outside a
    transaction."""
    now = ctx.clock.now()
    with ctx.db.read() as tx:
        user = _user(tx, user_id)
        if skill_id is not None and not content_store.skill_models(tx, [skill_id]):
            raise NotFound(f"no skill {skill_id!r}")
        start = _day_start(now, user.timezone)
        tomorrow = start + timedelta(days=1)
        due = store.due_cards(tx, user_id=user_id, until=tomorrow, skill_id=skill_id, limit=10_000)
        now_due = [c for c in due if c.due <= now]
        later, due_now = len(due) - len(now_due), len(now_due)
        introduced = store.introduced_since(tx, user_id=user_id, since=start)
        if skill_id is None:
            introduced += personal_cards.introduced_since(tx, user_id=user_id, since=start)
        left = max(0, user.new_cards_per_day - introduced)
        shown = [_queued(tx, c.card_id, False, c.due) for c in now_due[:limit]]
        if skill_id is None:
            mine = personal_cards.due(tx, user_id=user_id, until=tomorrow, limit=10_000)
            mine_now = [_personal(c) for c in mine if c.due <= now]
            later += len(mine) - len(mine_now)
            due_now += len(mine_now)
            shown = sorted(shown + mine_now, key=lambda c: c.due)[:limit]
        started = store.started_card_ids(tx, user_id=user_id, skill_id=skill_id)
        room = min(left, max(0, limit - len(shown)))
        fresh: list[CardView] = []
        states = mastery_store.skill_states(tx, user_id)
        skills = [skill_id] if skill_id else _open_skills(tx, states, None)
        if skill_id and skill_id not in _open_skills(tx, states, skill_id):
            skills = []  # a locked skill's cards open with it
        for skill in skills:
            for card_id in content_store.live_deck(tx, skill):
                if len(fresh) < room and card_id not in started:
                    fresh.append(_queued(tx, card_id, True, now))
        if skill_id is None and len(fresh) < room:  # then the learner's own new cards
            mine = personal_cards.due(
                tx, user_id=user_id, until=now, limit=room - len(fresh), new=True
            )
            fresh += [_personal(c) for c in mine]
        return Queue(shown + fresh, due_now, left, later)


def _personal(card: personal_cards.Due) -> CardView:
    return CardView(card.id, "", card.front, card.back, card.new, card.due, personal=True)


def _queued(tx: Tx, card_id: str, new: bool, due: datetime) -> CardView:
    """A card of the queue, from the content read once per installed content."""
    card = content_store.any_card(tx, card_id)
    if card is None:
        raise NotFound(f"no card {card_id!r}")
    return CardView(str(card.id), card.id.skill, card.front, card.back, new, due)


def _view(tx: Tx, card_id: str, new: bool, due: datetime) -> CardView:
    row = content_store.card(tx, card_id)
    if row is None:
        raise NotFound(f"no card {card_id!r}")
    card = content_store.card_model(tx, row)
    return CardView(str(card.id), card.id.skill, card.front, card.back, new, due)


def rate(
    ctx: Context,
    *,
    user_id: int,
    card_id: str,
    rating: int,
    seconds: float | None = None,
    submission_id: str | None = None,
) -> CardView:
    """Rate one card (1 Again, 2 Hard, 3 Good, 4 Easy); returns it with its next due time.

    A review never moves mastery, so it touches only what it changes: one read (the learner,
    locked, with the card's state), then the card's new FSRS state and its evidence record.
    """
    schedule.check_rating(rating)
    if seconds is not None and not (math.isfinite(seconds) and seconds >= 0):
        message = "seconds must be a non-negative number"
        raise InvalidInput(message, problems=[Problem(message, field="seconds")])
    seconds = min(seconds, 3600.0) if seconds is not None else None
    evidence.check_submission_id(submission_id)
    now = ctx.clock.now()

    def work(tx: Tx) -> CardView:
        number = personal_cards.parse_id(card_id)
        if number is not None:  # the learner's own card: its own log, never evidence
            account_store.lock_learner(tx, user_id)
            return _personal(
                personal_cards.rate(
                    tx,
                    user=_user(tx, user_id),
                    card_id=number,
                    rating=rating,
                    seconds=seconds,
                    now=now,
                    submission_id=submission_id,
                )
            )
        found = answer_store.reviewer(
            tx, user_id=user_id, card_id=card_id, submission_id=submission_id, since=now - DAY
        )
        if found is None:
            raise NotFound(f"no learner {user_id}")
        if found.earlier is not None:
            return _after(tx, user_id, found.earlier[0])
        card = content_store.live_card(tx, card_id)
        if card is None:
            raise NotFound(f"no card {card_id!r}")
        mine = found.card
        if mine is None:
            skill = content_store.skill_models(tx)[card.id.skill]
            if not all(pre in found.holding for pre in skill.prerequisites):
                raise Conflict(f"skill {skill.id!r} is locked: its cards open with it")
            start = _day_start(now, found.timezone)
            if sum(at >= start for at in found.introduced) >= found.new_cards_per_day:
                raise Conflict("today's new-card limit is reached; raise it in your settings")
        state, due = schedule.review(
            mine.state if mine else schedule.new(card_id, now),
            rating,
            now,
            desired_retention=found.desired_retention,
            parameters=(found.fsrs_params or {}).get("parameters"),
            seconds=seconds,
        )
        record = evidence.values(
            user_id=user_id,
            skill_id=card.id.skill,
            also_skills=[],
            source_kind="card",
            source_id=card_id,
            pack_version=content_store.pack_versions(tx).get(card.id.skill, ""),
            mode=Mode.FLASHCARD.value,
            score=(rating - 1) / 3,
            grader="self",
            hints_used=0,
            seconds=seconds,
            answered_at=now,
            recorded_at=now,
            submission_id=submission_id,
            check_id=None,
            detail={"rating": rating},
        )
        answer_store.save_review(
            tx,
            card_id=card_id,
            evidence=record,
            state=state,
            due=due,
            reviews=(mine.reviews if mine else 0) + 1,
            now=now,
        )
        return CardView(str(card.id), card.id.skill, card.front, card.back, False, due)

    return ctx.db.hot(work)


def _after(tx: Tx, user_id: int, card_id: str) -> CardView:
    mine = store.learner_card(tx, user_id=user_id, card_id=card_id)
    view = _view(tx, card_id, False, mine.due if mine else datetime.min)
    return view


def preferences(ctx: Context, *, user_id: int) -> Preferences:
    with ctx.db.begin() as tx:
        user = _user(tx, user_id)
        stabilities = [
            float(c.state.get("stability") or 0) for c in store.learner_cards(tx, user_id=user_id)
        ]
        preview = schedule.workload(stabilities, user.new_cards_per_day)
        return Preferences(
            user.desired_retention,
            user.new_cards_per_day,
            {f"{r:.2f}": n for r, n in preview.items()},
            user.timezone,
        )


def set_preferences(
    ctx: Context, *, user_id: int, desired_retention: float, new_cards_per_day: int
) -> Preferences:
    schedule.check_retention(desired_retention)
    if not 0 <= new_cards_per_day <= MAX_NEW_PER_DAY:
        message = f"new cards per day must be between 0 and {MAX_NEW_PER_DAY}"
        raise InvalidInput(message, problems=[Problem(message, field="new_cards_per_day")])
    with ctx.db.begin() as tx:
        user = _user(tx, user_id)
        user.desired_retention, user.new_cards_per_day = desired_retention, new_cards_per_day
    return preferences(ctx, user_id=user_id)


def optimize(ctx: Context, *, user_id: int, verbose: bool = False) -> dict[str, Any]:
    """Fit this learner's FSRS parameters from their review log (needs `fsrs[optimizer]`)."""
    with ctx.db.begin() as tx:
        _user(tx, user_id)
        logs = [
            (e.source_id, int(e.detail.get("rating", 3)), e.answered_at, e.seconds)
            for e in store.card_reviews(tx, user_id=user_id)
        ]
    if len(logs) < MIN_OPTIMIZE_REVIEWS:
        raise Conflict(
            f"learner {user_id} has {len(logs)} card reviews; fitting FSRS needs at least "
            f"{MIN_OPTIMIZE_REVIEWS}. Keep reviewing with the default parameters until then."
        )
    parameters = schedule.optimize(logs, verbose=verbose)
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        user = _user(tx, user_id)
        user.fsrs_params = {
            "parameters": parameters,
            "reviews": len(logs),
            "fitted_at": now.isoformat(),
        }
    return {"learner": user_id, "reviews": len(logs), "parameters": parameters}


def learners_with_reviews(ctx: Context) -> list[int]:
    with ctx.db.begin() as tx:
        return store.reviewers(tx)
