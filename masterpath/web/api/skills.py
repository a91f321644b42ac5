"""A skill as you see it: the page, your mastery checklist, resources, time and the task."""

from __future__ import annotations

from pydantic import BaseModel, Field

from masterpath.services import mastery, skills, tasks
from masterpath.web.deps import Ctx, Me, api_router

router = api_router(tag="api")


class MarkIn(BaseModel):
    url: str
    done: bool = True


class TaskIn(BaseModel):
    text: str = ""
    link: str = ""
    self_score: float | None = None
    seconds: float | None = None
    submission_id: str | None = Field(None, max_length=64)


class TimeIn(BaseModel):
    skill_id: str | None = None
    seconds: float


@router.get("/me/skills/{skill_id}/mastery")
def my_mastery(ctx: Ctx, viewer: Me, skill_id: str) -> mastery.Explanation:
    """Your checklist for one skill: each criterion's current value and what moves you forward."""
    return mastery.explain(ctx, user_id=viewer.id, skill_id=skill_id)


@router.get("/me/skills/{skill_id}")
def my_skill(ctx: Ctx, viewer: Me, skill_id: str) -> skills.Page:
    """The skill page: objectives, lesson, resources, task, and where you stand."""
    return skills.page(ctx, user_id=viewer.id, skill_id=skill_id)


@router.put("/me/skills/{skill_id}/resources")
def mark_resource(ctx: Ctx, viewer: Me, skill_id: str, body: MarkIn) -> dict[str, bool]:
    """Your own "done" mark on a resource (a note, never evidence)."""
    skills.mark_resource(ctx, user_id=viewer.id, skill_id=skill_id, url=body.url, done=body.done)
    return {"done": body.done}


@router.post("/me/skills/{skill_id}/task")
def submit_task(ctx: Ctx, viewer: Me, skill_id: str, body: TaskIn) -> tasks.Submission:
    """Hand in the applied task: text is scored against the rubric at once; a link waits for an
    instructor."""
    return tasks.submit(ctx, user_id=viewer.id, skill_id=skill_id, **body.model_dump())


@router.get("/me/skills/{skill_id}/task")
def my_task(ctx: Ctx, viewer: Me, skill_id: str) -> list[tasks.Submission]:
    return tasks.submissions(ctx, user_id=viewer.id, skill_id=skill_id)


@router.post("/me/time")
def add_time(ctx: Ctx, viewer: Me, body: TimeIn) -> dict[str, float]:
    """Active seconds on a lesson page (the page sends them while it is visible)."""
    total = skills.record_time(ctx, user_id=viewer.id, skill_id=body.skill_id, seconds=body.seconds)
    return {"seconds": total}
