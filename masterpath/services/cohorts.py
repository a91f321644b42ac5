"""Cohorts: an instructor's groups of learners, joined with an invite code that expires.

Ownership is the point. An instructor sees a learner only while the learner is a current member
of one of the instructor's cohorts; any other learner, cohort or task is simply not found, so
ids reveal nothing. Learners see their cohorts' names and instructors, never each other.

Invite codes are stored as they are, not hashed: a code only lets a learner in (sharing their
own progress with the instructor) and reads nothing, and the instructor must be able to see it
again to hand it out. It expires (14 days unless the instructor says otherwise) and can be
replaced or expired at any time; a replaced code stops working at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from masterpath.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from masterpath.services import Context
from masterpath.services.accounts import TEACHING_ROLES
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import cohorts as store
from masterpath.store.models import Cohort

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O or 1/I/L to misread
CODE_LENGTH = 8
DEFAULT_DAYS = 14
MAX_DAYS = 365
MAX_NAME = 100
NOT_AN_INSTRUCTOR = (
    "This is for instructors. An admin can make your account one with "
    "`masterpath user create-instructor EMAIL`."
)


@dataclass(frozen=True)
class CohortView:
    """A cohort as its instructor sees it."""

    id: int
    name: str
    invite_code: str
    code_expires_at: datetime
    code_expired: bool
    members: int
    created_at: datetime


@dataclass(frozen=True)
class MyCohort:
    """A cohort as one of its learners sees it: its name and instructor, nothing of the others."""

    id: int
    name: str
    instructor: str
    joined_at: datetime


def _bad(message: str, name: str) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, field=name)])


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What a person types: any case, spaces or dashes between groups."""
    return "".join(code.split()).replace("-", "").upper()


def view(row: Cohort, members: int, now: datetime) -> CohortView:
    return CohortView(
        row.id,
        row.name,
        row.invite_code,
        row.code_expires_at,
        row.code_expires_at <= now,
        members,
        row.created_at,
    )


def require_teacher(tx: Tx, user_id: int) -> None:
    """Instructor pages and API are refused (403) to anyone who is not an instructor: the
    routes are documented, so saying so leaks nothing, and it happens before any id is read."""
    user = account_store.user_by_id(tx, user_id)
    if user is None or user.role not in TEACHING_ROLES:
        raise Forbidden(NOT_AN_INSTRUCTOR)


def taught(tx: Tx, *, instructor_id: int, cohort_id: int) -> Cohort:
    require_teacher(tx, instructor_id)
    row = store.taught(tx, cohort_id, instructor_id=instructor_id)
    if row is None:
        raise NotFound(f"no cohort {cohort_id}")
    return row


def require_learner(tx: Tx, *, instructor_id: int, learner_id: int) -> list[Cohort]:
    """The instructor's cohorts the learner is in now; not found when there are none."""
    require_teacher(tx, instructor_id)
    found = store.shared(tx, instructor_id=instructor_id, learner_id=learner_id)
    if not found:
        raise NotFound(f"no learner {learner_id} in your cohorts")
    return found


def _days(expires_in_days: int) -> timedelta:
    if not 1 <= expires_in_days <= MAX_DAYS:
        raise _bad(f"an invite code lasts from 1 to {MAX_DAYS} days", "expires_in_days")
    return timedelta(days=expires_in_days)


def _unused_code(tx: Tx) -> str:
    for _ in range(10):
        code = new_code()
        if not store.code_taken(tx, code):
            return code
    raise Conflict("could not find an unused invite code; try again")  # 31^8 codes: never


def create(
    ctx: Context, *, instructor_id: int, name: str, expires_in_days: int = DEFAULT_DAYS
) -> CohortView:
    """A new cohort with a fresh invite code."""
    name = " ".join(name.split())
    if not name:
        raise _bad("give the cohort a name", "name")
    if len(name) > MAX_NAME:
        raise _bad(f"a cohort name is at most {MAX_NAME} characters", "name")
    lasts = _days(expires_in_days)
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        require_teacher(tx, instructor_id)
        row = store.add(
            tx,
            instructor_id=instructor_id,
            name=name,
            code=_unused_code(tx),
            expires_at=now + lasts,
            now=now,
        )
        return view(row, 0, now)


def of_instructor(ctx: Context, *, instructor_id: int) -> list[CohortView]:
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        require_teacher(tx, instructor_id)
        return [view(row, n, now) for row, n in store.of_instructor(tx, instructor_id)]


def get(ctx: Context, *, instructor_id: int, cohort_id: int) -> CohortView:
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        row = taught(tx, instructor_id=instructor_id, cohort_id=cohort_id)
        return view(row, len(store.members(tx, row.id)), now)


def replace_code(
    ctx: Context, *, instructor_id: int, cohort_id: int, expires_in_days: int = DEFAULT_DAYS
) -> CohortView:
    """A new invite code with a new expiry; the old code stops working. Members stay."""
    lasts = _days(expires_in_days)
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        row = taught(tx, instructor_id=instructor_id, cohort_id=cohort_id)
        row.invite_code, row.code_expires_at = _unused_code(tx), now + lasts
        return view(row, len(store.members(tx, row.id)), now)


def expire_code(ctx: Context, *, instructor_id: int, cohort_id: int) -> CohortView:
    """Close the cohort to new learners now. Members stay."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        row = taught(tx, instructor_id=instructor_id, cohort_id=cohort_id)
        row.code_expires_at = min(row.code_expires_at, now)
        return view(row, len(store.members(tx, row.id)), now)


def join(ctx: Context, *, learner_id: int, code: str) -> MyCohort:
    """Join the cohort with this invite code. Joining again while a member changes nothing."""
    wanted = normalise_code(code)
    if not wanted:
        raise _bad("enter the invite code your instructor gave you", "code")
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        row = store.by_code(tx, wanted)
        if row is None:
            raise _bad(
                f"no cohort has the invite code {wanted!r}; check it with your instructor", "code"
            )
        if row.instructor_id == learner_id:
            raise _bad("you teach this cohort, so you cannot join it as a learner", "code")
        member = store.current(tx, cohort_id=row.id, learner_id=learner_id)
        if member is None:
            if row.code_expires_at <= now:
                when = row.code_expires_at.strftime("%d %b %Y %H:%M UTC")
                raise _bad(
                    f"the invite code {wanted} expired on {when}; ask your instructor "
                    "for a new one",
                    "code",
                )
            member = store.join(tx, cohort_id=row.id, learner_id=learner_id, now=now)
        teacher = account_store.user_by_id(tx, row.instructor_id)
        name = teacher.display_name if teacher else ""
        return MyCohort(row.id, row.name, name, member.joined_at)


def leave(ctx: Context, *, learner_id: int, cohort_id: int) -> None:
    """Leave a cohort: its instructor no longer sees you. The membership is kept as history."""
    with ctx.db.begin() as tx:
        member = store.current(tx, cohort_id=cohort_id, learner_id=learner_id)
        if member is None:
            raise NotFound(f"you are not in cohort {cohort_id}")
        member.left_at = ctx.clock.now()


def of_learner(ctx: Context, *, learner_id: int) -> list[MyCohort]:
    with ctx.db.begin() as tx:
        return [
            MyCohort(cohort.id, cohort.name, teacher.display_name, member.joined_at)
            for cohort, teacher, member in store.of_learner(tx, learner_id)
        ]
