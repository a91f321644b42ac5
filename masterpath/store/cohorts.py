"""Cohorts and memberships. A membership is current while `left_at` is empty."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from masterpath.store.db import Tx
from masterpath.store.models import Cohort, Membership, TaskSubmission, User


def add(
    tx: Tx, *, instructor_id: int, name: str, code: str, expires_at: datetime, now: datetime
) -> Cohort:
    row = Cohort(
        instructor_id=instructor_id,
        name=name,
        invite_code=code,
        code_expires_at=expires_at,
        created_at=now,
    )
    tx.session.add(row)
    tx.session.flush()
    return row


def code_taken(tx: Tx, code: str) -> bool:
    return tx.session.scalar(select(Cohort.id).where(Cohort.invite_code == code)) is not None


def by_code(tx: Tx, code: str) -> Cohort | None:
    """The cohort with this invite code, locked so joins to it are serialised."""
    return tx.session.scalar(select(Cohort).where(Cohort.invite_code == code).with_for_update())


def taught(tx: Tx, cohort_id: int, *, instructor_id: int) -> Cohort | None:
    """One of this instructor's cohorts; anyone else's is not found."""
    query = select(Cohort).where(Cohort.id == cohort_id, Cohort.instructor_id == instructor_id)
    return tx.session.scalar(query)


def of_instructor(tx: Tx, instructor_id: int) -> list[tuple[Cohort, int]]:
    """The instructor's cohorts, newest first, each with its number of current members."""
    members = (
        select(func.count(Membership.id))
        .where(Membership.cohort_id == Cohort.id, Membership.left_at.is_(None))
        .scalar_subquery()
    )
    query = (
        select(Cohort, members)
        .where(Cohort.instructor_id == instructor_id)
        .order_by(Cohort.id.desc())
    )
    return [(row, int(count)) for row, count in tx.session.execute(query)]


def current(tx: Tx, *, cohort_id: int, learner_id: int) -> Membership | None:
    query = select(Membership).where(
        Membership.cohort_id == cohort_id,
        Membership.learner_id == learner_id,
        Membership.left_at.is_(None),
    )
    return tx.session.scalar(query.with_for_update())


def join(tx: Tx, *, cohort_id: int, learner_id: int, now: datetime) -> Membership:
    row = Membership(cohort_id=cohort_id, learner_id=learner_id, joined_at=now)
    tx.session.add(row)
    tx.session.flush()
    return row


def members(tx: Tx, cohort_id: int) -> list[tuple[User, Membership]]:
    """Current members of a cohort, in the order they joined."""
    query = (
        select(User, Membership)
        .join(Membership, Membership.learner_id == User.id)
        .where(Membership.cohort_id == cohort_id, Membership.left_at.is_(None))
        .order_by(Membership.joined_at, Membership.id)
    )
    return [(user, row) for user, row in tx.session.execute(query)]


def of_learner(tx: Tx, learner_id: int) -> list[tuple[Cohort, User, Membership]]:
    """The cohorts a learner is in now, with each one's instructor."""
    query = (
        select(Cohort, User, Membership)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .join(User, User.id == Cohort.instructor_id)
        .where(Membership.learner_id == learner_id, Membership.left_at.is_(None))
        .order_by(Membership.joined_at, Membership.id)
    )
    return [(cohort, user, row) for cohort, user, row in tx.session.execute(query)]


def shared(tx: Tx, *, instructor_id: int, learner_id: int) -> list[Cohort]:
    """The instructor's cohorts the learner is in now: empty means "not yours to see"."""
    query = (
        select(Cohort)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(
            Cohort.instructor_id == instructor_id,
            Membership.learner_id == learner_id,
            Membership.left_at.is_(None),
        )
        .order_by(Cohort.id)
    )
    return list(tx.session.scalars(query))


def pending_tasks(tx: Tx, learner_ids: list[int]) -> list[TaskSubmission]:
    """Submissions of these learners waiting for an instructor, oldest first."""
    if not learner_ids:
        return []
    query = select(TaskSubmission).where(
        TaskSubmission.user_id.in_(learner_ids), TaskSubmission.status == "pending"
    )
    return list(tx.session.scalars(query.order_by(TaskSubmission.id)))


def submission(tx: Tx, submission_id: int) -> TaskSubmission | None:
    """A task submission by id, locked for scoring (callers check who may see it)."""
    query = select(TaskSubmission).where(TaskSubmission.id == submission_id)
    return tx.session.scalar(query.with_for_update())
