"""The study loop's tables: checks, learner cards, tasks, study time and resource marks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Subquery, case, func, select, union_all

from masterpath.store.db import Tx
from masterpath.store.models import (
    Assessment,
    Evidence,
    HintReveal,
    LearnerCard,
    ResourceMark,
    StudyTime,
    TaskSubmission,
)


def add_assessment(
    tx: Tx, *, user_id: int, skill_id: str, kind: str, items: list[str], now: datetime
) -> Assessment:
    row = Assessment(user_id=user_id, skill_id=skill_id, kind=kind, items=items, started_at=now)
    tx.session.add(row)
    tx.session.flush()
    return row


def assessment(tx: Tx, assessment_id: int, *, user_id: int) -> Assessment | None:
    """One of this learner's checks (locked for update); another learner's is not found."""
    query = select(Assessment).where(Assessment.id == assessment_id, Assessment.user_id == user_id)
    return tx.session.scalar(query.with_for_update())


def assessments(tx: Tx, *, user_id: int, skill_id: str | None = None) -> list[Assessment]:
    query = select(Assessment).where(Assessment.user_id == user_id)
    if skill_id is not None:
        query = query.where(Assessment.skill_id == skill_id)
    return list(tx.session.scalars(query.order_by(Assessment.id)))


def open_assessments(tx: Tx, *, user_id: int) -> list[Assessment]:
    query = select(Assessment).where(
        Assessment.user_id == user_id, Assessment.finished_at.is_(None)
    )
    return list(tx.session.scalars(query.order_by(Assessment.id)))


def check_answers(tx: Tx, *, user_id: int, check_id: int) -> list[Evidence]:
    query = select(Evidence).where(Evidence.user_id == user_id, Evidence.check_id == check_id)
    return list(tx.session.scalars(query.order_by(Evidence.id)))


def recent_items(tx: Tx, *, user_id: int, skill_id: str, limit: int = 50) -> list[str]:
    """Item ids this learner answered for the skill, newest first."""
    query = (
        select(Evidence.source_id)
        .where(
            Evidence.user_id == user_id,
            Evidence.skill_id == skill_id,
            Evidence.source_kind == "item",
        )
        .order_by(Evidence.id.desc())
        .limit(limit)
    )
    return list(tx.session.scalars(query))


def item_counts(tx: Tx, *, user_id: int, skill_id: str) -> dict[str, int]:
    """How many graded answers each item of the skill has from this learner."""
    query = (
        select(Evidence.source_id, func.count())
        .where(
            Evidence.user_id == user_id,
            Evidence.skill_id == skill_id,
            Evidence.source_kind == "item",
            Evidence.grader != "self",
        )
        .group_by(Evidence.source_id)
    )
    return {source: int(n) for source, n in tx.session.execute(query)}


# Time on answers and reviews is read from their evidence records (`seconds`), so an answer is
# one write; `study_time` keeps the rest (lessons, tasks). Rows of these kinds written before
# that (they repeat their evidence's seconds) are not counted again.
ANSWER_KINDS = ("item", "card")
TIMED_MODES = ("practice", "mastery_check", "retention_check", "flashcard")


def add_time(
    tx: Tx, *, user_id: int, skill_id: str | None, kind: str, seconds: float, now: datetime
) -> None:
    if kind in ANSWER_KINDS:
        raise ValueError(f"time on {kind} answers is read from their evidence")
    tx.session.add(
        StudyTime(user_id=user_id, skill_id=skill_id, kind=kind, seconds=seconds, recorded_at=now)
    )


def time_spent(user_id: int | BindParameter[Any]) -> Subquery:
    """Every stretch of study time of one learner (an id, or a parameter for a statement built
    once): (skill_id, kind, seconds, at)."""
    logged = select(
        StudyTime.skill_id, StudyTime.kind, StudyTime.seconds, StudyTime.recorded_at.label("at")
    ).where(StudyTime.user_id == user_id, StudyTime.kind.not_in(ANSWER_KINDS))
    answered = select(
        Evidence.skill_id,
        case((Evidence.source_kind == "card", "card"), else_="item").label("kind"),
        Evidence.seconds,
        Evidence.answered_at.label("at"),
    ).where(Evidence.user_id == user_id, Evidence.mode.in_(TIMED_MODES), Evidence.seconds > 0)
    return union_all(logged, answered).subquery()


def seconds_by_kind(tx: Tx, *, user_id: int, skill_id: str | None = None) -> dict[str, float]:
    spent = time_spent(user_id)
    query = select(spent.c.kind, func.sum(spent.c.seconds))
    if skill_id is not None:
        query = query.where(spent.c.skill_id == skill_id)
    return {kind: float(total) for kind, total in tx.session.execute(query.group_by(spent.c.kind))}


def marks(tx: Tx, *, user_id: int, skill_id: str) -> dict[str, datetime]:
    query = select(ResourceMark).where(
        ResourceMark.user_id == user_id, ResourceMark.skill_id == skill_id
    )
    return {row.url: row.done_at for row in tx.session.scalars(query)}


def set_mark(tx: Tx, *, user_id: int, skill_id: str, url: str, done: bool, now: datetime) -> None:
    row = tx.session.get(ResourceMark, (user_id, skill_id, url))
    if done and row is None:
        tx.session.add(ResourceMark(user_id=user_id, skill_id=skill_id, url=url, done_at=now))
    elif not done and row is not None:
        tx.session.delete(row)


# Flashcards -----------------------------------------------------------------------------------


def learner_card(tx: Tx, *, user_id: int, card_id: str) -> LearnerCard | None:
    query = select(LearnerCard).where(
        LearnerCard.user_id == user_id, LearnerCard.card_id == card_id
    )
    return tx.session.scalar(query.with_for_update())


def add_learner_card(
    tx: Tx, *, user_id: int, card_id: str, skill_id: str, state: dict[str, Any], now: datetime
) -> LearnerCard:
    row = LearnerCard(
        user_id=user_id,
        card_id=card_id,
        skill_id=skill_id,
        state=state,
        due=now,
        reviews=0,
        introduced_at=now,
    )
    tx.session.add(row)
    tx.session.flush()
    return row


def due_cards(
    tx: Tx, *, user_id: int, until: datetime, limit: int, skill_id: str | None = None
) -> list[Any]:
    """(card_id, due) of the learner's cards due by `until`, soonest first: light rows, as a
    queue counts them all and shows a few."""
    query = select(LearnerCard.card_id, LearnerCard.due).where(
        LearnerCard.user_id == user_id, LearnerCard.due <= until
    )
    if skill_id is not None:
        query = query.where(LearnerCard.skill_id == skill_id)
    query = query.order_by(LearnerCard.due, LearnerCard.card_id).limit(limit)
    return list(tx.session.execute(query))


def learner_cards(tx: Tx, *, user_id: int) -> list[LearnerCard]:
    query = select(LearnerCard).where(LearnerCard.user_id == user_id)
    return list(tx.session.scalars(query))


def started_card_ids(tx: Tx, *, user_id: int, skill_id: str | None = None) -> set[str]:
    query = select(LearnerCard.card_id).where(LearnerCard.user_id == user_id)
    if skill_id is not None:
        query = query.where(LearnerCard.skill_id == skill_id)
    return set(tx.session.scalars(query))


def introduced_since(tx: Tx, *, user_id: int, since: datetime) -> int:
    query = select(func.count()).where(
        LearnerCard.user_id == user_id, LearnerCard.introduced_at >= since
    )
    return int(tx.session.scalar(query) or 0)


def card_reviews(tx: Tx, *, user_id: int) -> list[Evidence]:
    """Every flashcard rating of this learner, oldest first (the FSRS review log)."""
    query = select(Evidence).where(Evidence.user_id == user_id, Evidence.mode == "flashcard")
    return list(tx.session.scalars(query.order_by(Evidence.id)))


# Applied tasks ---------------------------------------------------------------------------------


def add_submission(tx: Tx, **fields: Any) -> TaskSubmission:
    row = TaskSubmission(**fields)
    tx.session.add(row)
    tx.session.flush()
    return row


def submission_by_client_id(tx: Tx, *, user_id: int, submission_id: str) -> TaskSubmission | None:
    query = select(TaskSubmission).where(
        TaskSubmission.user_id == user_id, TaskSubmission.submission_id == submission_id
    )
    return tx.session.scalar(query)


def submissions(tx: Tx, *, user_id: int, skill_id: str | None = None) -> list[TaskSubmission]:
    query = select(TaskSubmission).where(TaskSubmission.user_id == user_id)
    if skill_id is not None:
        query = query.where(TaskSubmission.skill_id == skill_id)
    return list(tx.session.scalars(query.order_by(TaskSubmission.id.desc())))


def reviewers(tx: Tx) -> list[int]:
    query = select(Evidence.user_id).where(Evidence.mode == "flashcard").distinct()
    return sorted(tx.session.scalars(query))


def reveal_hint(tx: Tx, *, user_id: int, item_id: str, number: int, now: datetime) -> None:
    tx.session.add(HintReveal(user_id=user_id, item_id=item_id, number=number, revealed_at=now))


def hints_seen(tx: Tx, *, user_id: int, item_id: str) -> int:
    """Distinct hints of the item seen since the learner last answered it."""
    last = select(func.max(Evidence.recorded_at)).where(
        Evidence.user_id == user_id, Evidence.source_id == item_id
    )
    query = select(func.count(func.distinct(HintReveal.number))).where(
        HintReveal.user_id == user_id, HintReveal.item_id == item_id
    )
    answered = tx.session.scalar(last)
    if answered is not None:
        query = query.where(HintReveal.revealed_at > answered)
    return int(tx.session.scalar(query) or 0)
