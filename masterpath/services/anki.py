"""Anki, both ways: a learner's started cards out to an .apkg with their schedules and review
history, and an .apkg into the learner's personal deck.

Imported cards are the learner's own (`personal_cards`): scheduled by FSRS from their Anki review
log replayed through the scheduler, reviewable on the review page, and never evidence of
mastery. An import is one transaction: a bad file leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from masterpath.domain import cards as schedule
from masterpath.errors import InvalidInput, NotFound
from masterpath.interop import anki, html
from masterpath.services import Context
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import personal as personal_store
from masterpath.store import study as study_store
from masterpath.store import tracks as track_store
from masterpath.store.models import LearnerCard, User

DECK = "MasterPath"


@dataclass(frozen=True)
class Imported:
    cards: int
    notes: int
    reviews: int
    media_skipped: int
    notes_without_cards: int
    already: int = 0  # cards an earlier import of the same notes brought in (skipped)


def learner_id(ctx: Context, *, email: str) -> int:
    """The id of the learner with this email (the CLI names learners by email)."""
    with ctx.db.begin() as tx:
        user = account_store.user_by_email(tx, email.strip().lower())
        if user is None:
            raise NotFound(f"no learner with email {email!r}")
        return user.id


def _learner(tx: Tx, user_id: int) -> None:
    if account_store.user_by_id(tx, user_id) is None:
        raise NotFound(f"no learner {user_id}")


def _skills(tx: Tx, user_id: int, skill_id: str | None, track_id: int | None) -> set[str] | None:
    if skill_id is not None:
        if not content_store.skill_models(tx, [skill_id]):
            raise NotFound(f"no skill {skill_id!r}")
        return {skill_id}
    if track_id is not None:
        track = track_store.get(tx, track_id, user_id=user_id)
        if track is None:
            raise NotFound(f"no track {track_id}")
        return set(track.plan_order)
    return None


def export(
    ctx: Context,
    *,
    user_id: int,
    out: Path,
    skill_id: str | None = None,
    track_id: int | None = None,
) -> int:
    """Write the learner's started cards (of one skill, one track, or all) to `out`."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        _learner(tx, user_id)
        wanted = _skills(tx, user_id, skill_id, track_id)
        started = study_store.learner_cards(tx, user_id=user_id)
        chosen = [c for c in started if wanted is None or c.skill_id in wanted]
        logs: dict[str, list[tuple[int, datetime, float | None]]] = {}
        for row in study_store.card_reviews(tx, user_id=user_id):
            rating = int(row.detail.get("rating", 0))
            if rating in schedule.RATINGS:
                logs.setdefault(row.source_id, []).append((rating, row.answered_at, row.seconds))
        out_cards = [_out(tx, mine, logs.get(mine.card_id, [])) for mine in chosen]
    return anki.write_package(out, sorted(out_cards, key=lambda c: c.guid), now=now)


def _out(tx: Tx, mine: LearnerCard, log: list[tuple[int, datetime, float | None]]) -> anki.OutCard:
    row = content_store.card(tx, mine.card_id)
    if row is None:
        raise NotFound(f"no card {mine.card_id!r}")
    card = content_store.card_model(tx, row)
    state = mine.state
    last = state.get("last_review")
    return anki.OutCard(
        guid=f"masterpath:{mine.card_id}",
        deck=f"{DECK}::{mine.skill_id}",
        front=html.from_text(card.front),
        back=html.from_text(card.back),
        tags=(mine.skill_id,),
        due=mine.due,
        last_review=datetime.fromisoformat(last) if isinstance(last, str) else None,
        state=int(state.get("state") or 0) if mine.reviews else 0,
        stability=state.get("stability"),
        difficulty=state.get("difficulty"),
        reviews=tuple(_replayed(mine.card_id, log)),
        lapses=sum(1 for rating, _, _ in log if rating == 1),
    )


def _replayed(card_id: str, log: list[tuple[int, datetime, float | None]]) -> list[anki.Review]:
    """Each rating with the interval and the Anki review kind the replay gives it."""
    found: list[anki.Review] = []
    if not log:
        return found
    state = schedule.new(card_id, log[0][1])
    kinds = {1: 0, 2: 1, 3: 2}  # FSRS learning, review, relearning → Anki's revlog type
    for rating, when, seconds in log:
        kind = kinds.get(int(state.get("state") or 1), 0)
        state, due = schedule.review(state, rating, when, seconds=seconds)
        days = anki.interval_days(due, when) if state.get("state") == 2 else 0
        found.append(anki.Review(rating, when, seconds, days, kind))
    return found


def import_package(
    ctx: Context,
    *,
    user_id: int,
    path: Path,
    progress: Callable[[int, int], None] | None = None,
) -> Imported:
    """Read `path` and add its cards to the learner's personal deck, all or nothing."""
    package = anki.read_package(path)
    if not package.cards:
        raise InvalidInput(f"{path.name}: no cards to import")
    now = ctx.clock.now()
    reviews = added = 0
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)
        user = account_store.user_by_id(tx, user_id)
        if user is None:
            raise NotFound(f"no learner {user_id}")
        seen = personal_store.sources(tx, user_id=user_id)
        for done, card in enumerate(package.cards, start=1):
            if card.source[:120] not in seen:
                seen.add(card.source[:120])
                reviews += _add(tx, user, card, now)
                added += 1
            if progress is not None:
                progress(done, len(package.cards))
    return Imported(
        added,
        package.notes,
        reviews,
        package.media_skipped,
        package.notes_without_cards,
        len(package.cards) - added,
    )


def _add(tx: Tx, user: User, card: anki.InCard, now: datetime) -> int:
    """One imported card, its schedule replayed from its review log with the learner's own
    retention and FSRS parameters; returns the number of reviews."""
    log = [(r.rating, r.when, r.seconds) for r in card.reviews]
    state, due = schedule.replay(
        card.source,
        log,
        created=now,
        desired_retention=user.desired_retention,
        parameters=(user.fsrs_params or {}).get("parameters"),
    )
    row = personal_store.add_card(
        tx,
        user_id=user.id,
        deck=html.clean(card.deck)[:200] or "Imported",
        front=html.clean(card.front),
        back=html.clean(card.back),
        source=card.source[:120],
        state=state,
        due=due,
        now=now,
    )
    row.reviews = len(log)
    for rating, when, seconds in log:
        personal_store.add_review(tx, card_id=row.id, rating=rating, when=when, seconds=seconds)
    return len(log)
