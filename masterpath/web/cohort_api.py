"""Cohorts in the JSON API: /api/v1/instructor/... for instructors, /api/v1/me/cohorts for
learners. Non-instructors get 403 on instructor routes; anything not theirs is 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from masterpath.services import Context, cohorts, instructor
from masterpath.web import errors
from masterpath.web.security import Viewer, require_viewer

router = APIRouter(prefix="/api/v1", tags=["cohorts"], responses=errors.RESPONSES)
Me = Annotated[Viewer, Depends(require_viewer)]
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
Days = Field(cohorts.DEFAULT_DAYS, description="days the invite code works (1-365)")


def _ctx(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


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
def my_cohorts_taught(request: Request, viewer: Me) -> list[cohorts.CohortView]:
    """Your cohorts, newest first, with their invite codes and current member counts."""
    return cohorts.of_instructor(_ctx(request), instructor_id=viewer.id)


@router.post("/instructor/cohorts", status_code=201)
def create_cohort(request: Request, viewer: Me, body: CohortIn) -> cohorts.CohortView:
    """A new cohort with a fresh invite code."""
    return cohorts.create(_ctx(request), instructor_id=viewer.id, name=body.name,
                          expires_in_days=body.expires_in_days)  # fmt: skip


@router.get("/instructor/cohorts/{cohort_id}")
def cohort(request: Request, viewer: Me, cohort_id: Id) -> instructor.CohortPage:
    """Current learners: newest track's progress, stuck skills, tasks waiting for a score."""
    return instructor.cohort_page(_ctx(request), instructor_id=viewer.id, cohort_id=cohort_id)


@router.post("/instructor/cohorts/{cohort_id}/code")
def replace_code(request: Request, viewer: Me, cohort_id: Id, body: CodeIn) -> cohorts.CohortView:
    """A new invite code; the old one stops working. Members stay."""
    return cohorts.replace_code(_ctx(request), instructor_id=viewer.id, cohort_id=cohort_id,
                                expires_in_days=body.expires_in_days)  # fmt: skip


@router.post("/instructor/cohorts/{cohort_id}/expire")
def expire_code(request: Request, viewer: Me, cohort_id: Id) -> cohorts.CohortView:
    """Expire the invite code now. Members stay."""
    return cohorts.expire_code(_ctx(request), instructor_id=viewer.id, cohort_id=cohort_id)


@router.get("/instructor/learners/{learner_id}")
def learner(request: Request, viewer: Me, learner_id: Id) -> instructor.LearnerPage:
    """One learner of your cohorts: every track, stuck skills, applied tasks."""
    return instructor.learner_page(_ctx(request), instructor_id=viewer.id, learner_id=learner_id)


@router.get("/instructor/tasks/{submission_id}")
def task(request: Request, viewer: Me, submission_id: Id) -> instructor.TaskPage:
    """A task one of your learners handed in, with its rubric."""
    return instructor.task(_ctx(request), instructor_id=viewer.id, submission_id=submission_id)


@router.post("/instructor/tasks/{submission_id}/score")
def score_task(
    request: Request, viewer: Me, submission_id: Id, body: ScoreIn
) -> instructor.TaskPage:
    """Score a pending task: points for every criterion (0 to its maximum) become graded
    evidence for the learner. A task is scored once (409 after)."""
    return instructor.score(_ctx(request), instructor_id=viewer.id, submission_id=submission_id,
                            points=body.points, comment=body.comment)  # fmt: skip


@router.get("/me/cohorts")
def my_cohorts(request: Request, viewer: Me) -> list[cohorts.MyCohort]:
    """The cohorts you are in: each one's name and instructor."""
    return cohorts.of_learner(_ctx(request), learner_id=viewer.id)


@router.post("/me/cohorts")
def join(request: Request, viewer: Me, body: JoinIn) -> cohorts.MyCohort:
    """Join with an invite code (joining again changes nothing). Unknown or expired: 400."""
    return cohorts.join(_ctx(request), learner_id=viewer.id, code=body.code)


@router.delete("/me/cohorts/{cohort_id}", status_code=204)
def leave(request: Request, viewer: Me, cohort_id: Id) -> None:
    """Leave a cohort: its instructor no longer sees you."""
    cohorts.leave(_ctx(request), learner_id=viewer.id, cohort_id=cohort_id)
