"""Cohorts: /instructor/... for instructors, /me/cohorts for learners. Non-instructors get 403
on instructor routes; anything not theirs is 404."""

from __future__ import annotations

from pydantic import BaseModel, Field

from masterpath.services import cohorts, instructor
from masterpath.web.deps import Ctx, Id, Me, api_router

router = api_router(tag="cohorts")
Days = Field(cohorts.DEFAULT_DAYS, description="days the invite code works (1-365)")


class CohortIn(BaseModel):
    name: str
    expires_in_days: int = Days


class CodeIn(BaseModel):
    expires_in_days: int = Days


class JoinIn(BaseModel):
    code: str = Field(max_length=40, description="the invite code; case, spaces, dashes ignored")


class ScoreIn(BaseModel):
    points: dict[str, float] = Field(description="points earned per rubric criterion id")
    comment: str = ""


@router.get("/instructor/cohorts")
def my_cohorts_taught(ctx: Ctx, viewer: Me) -> list[cohorts.CohortView]:
    """Your cohorts, newest first, with their invite codes and current member counts."""
    return cohorts.of_instructor(ctx, instructor_id=viewer.id)


@router.post("/instructor/cohorts", status_code=201)
def create_cohort(ctx: Ctx, viewer: Me, body: CohortIn) -> cohorts.CohortView:
    """A new cohort with a fresh invite code."""
    return cohorts.create(ctx, instructor_id=viewer.id, **body.model_dump())


@router.get("/instructor/cohorts/{cohort_id}")
def cohort(ctx: Ctx, viewer: Me, cohort_id: Id) -> instructor.CohortPage:
    """Current learners: newest track's progress, stuck skills, tasks waiting for a score."""
    return instructor.cohort_page(ctx, instructor_id=viewer.id, cohort_id=cohort_id)


@router.post("/instructor/cohorts/{cohort_id}/code")
def replace_code(ctx: Ctx, viewer: Me, cohort_id: Id, body: CodeIn) -> cohorts.CohortView:
    """A new invite code; the old one stops working. Members stay."""
    return cohorts.replace_code(
        ctx, instructor_id=viewer.id, cohort_id=cohort_id, expires_in_days=body.expires_in_days
    )


@router.post("/instructor/cohorts/{cohort_id}/expire")
def expire_code(ctx: Ctx, viewer: Me, cohort_id: Id) -> cohorts.CohortView:
    """Expire the invite code now. Members stay."""
    return cohorts.expire_code(ctx, instructor_id=viewer.id, cohort_id=cohort_id)


@router.get("/instructor/learners/{learner_id}")
def learner(ctx: Ctx, viewer: Me, learner_id: Id) -> instructor.LearnerPage:
    """One learner of your cohorts: every track, stuck skills, applied tasks."""
    return instructor.learner_page(ctx, instructor_id=viewer.id, learner_id=learner_id)


@router.get("/instructor/tasks/{submission_id}")
def task(ctx: Ctx, viewer: Me, submission_id: Id) -> instructor.TaskPage:
    """A task one of your learners handed in, with its rubric."""
    return instructor.task(ctx, instructor_id=viewer.id, submission_id=submission_id)


@router.post("/instructor/tasks/{submission_id}/score")
def score_task(ctx: Ctx, viewer: Me, submission_id: Id, body: ScoreIn) -> instructor.TaskPage:
    """Score a pending task: points for every criterion (0 to its maximum) become graded
    evidence for the learner. A task is scored once (409 after)."""
    return instructor.score(
        ctx,
        instructor_id=viewer.id,
        submission_id=submission_id,
        points=body.points,
        comment=body.comment,
    )


@router.get("/me/cohorts")
def my_cohorts(ctx: Ctx, viewer: Me) -> list[cohorts.MyCohort]:
    """The cohorts you are in: each one's name and instructor."""
    return cohorts.of_learner(ctx, learner_id=viewer.id)


@router.post("/me/cohorts")
def join(ctx: Ctx, viewer: Me, body: JoinIn) -> cohorts.MyCohort:
    """Join with an invite code (joining again changes nothing). Unknown or expired: 400."""
    return cohorts.join(ctx, learner_id=viewer.id, code=body.code)


@router.delete("/me/cohorts/{cohort_id}", status_code=204)
def leave(ctx: Ctx, viewer: Me, cohort_id: Id) -> None:
    """Leave a cohort: its instructor no longer sees you."""
    cohorts.leave(ctx, learner_id=viewer.id, cohort_id=cohort_id)
