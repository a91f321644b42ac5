"""Instructor pages (cohorts, learners, scoring tasks) and a learner's join and leave.

Anyone who is not an instructor gets 403 on /instructor pages; an instructor asking for a
cohort, learner or task that is not theirs gets 404 (the services decide both).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.responses import Response

from masterpath.errors import InvalidInput, MasterPathError, Problem
from masterpath.services import Context, cohorts, instructor
from masterpath.web.rendering import render
from masterpath.web.security import require_viewer

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
NOTICES = {
    "code": "A new invite code is ready; the old one no longer works.",
    "expired": "The invite code has expired: nobody new can join until you make a new one.",
    "scored": "Scored. The learner sees the score and your note on their task page.",
    "joined": "You joined the cohort.",
    "left": "You left the cohort. Its instructor no longer sees your progress.",
}


def _ctx(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


def _days(form: FormData) -> int:
    raw = str(form.get("expires_in_days") or cohorts.DEFAULT_DAYS).strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
        message = f"a whole number of days from 1 to {cohorts.MAX_DAYS}"
        raise InvalidInput(message, problems=[Problem(message, field="expires_in_days")])
    return int(raw)


def _failed(exc: MasterPathError) -> dict[str, Any]:
    return {"error": exc.message, "problems": exc.problems, "status": exc.status}


def invite_link(request: Request, code: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/cohorts?code={code}"


# Instructor -----------------------------------------------------------------------------------


def _home(request: Request, **extra: Any) -> Response:
    me = require_viewer(request)
    found = cohorts.of_instructor(_ctx(request), instructor_id=me.id)
    status = int(extra.pop("status", 200))
    context = {"cohorts": found, "default_days": cohorts.DEFAULT_DAYS, "form": {}, **extra}
    return render(request, "instructor.html", context, status=status)


@router.get("/instructor")
def instructor_home(request: Request) -> Response:
    return _home(request)


@router.post("/instructor/cohorts")
async def create_cohort(request: Request) -> Response:
    me = require_viewer(request)
    form = await request.form()
    try:
        made = cohorts.create(_ctx(request), instructor_id=me.id, name=str(form.get("name", "")),
                              expires_in_days=_days(form))  # fmt: skip
    except InvalidInput as exc:
        return _home(request, form=dict(form), **_failed(exc))
    return RedirectResponse(f"/instructor/cohorts/{made.id}", status_code=303)


def _cohort(request: Request, cohort_id: int, **extra: Any) -> Response:
    me = require_viewer(request)
    status = int(extra.pop("status", 200))
    page = instructor.cohort_page(_ctx(request), instructor_id=me.id, cohort_id=cohort_id)
    context = {"page": page, "invite_link": invite_link(request, page.cohort.invite_code),
               "default_days": cohorts.DEFAULT_DAYS, **extra}  # fmt: skip
    return render(request, "instructor_cohort.html", context, status=status)


@router.get("/instructor/cohorts/{cohort_id}")
def cohort_page(request: Request, cohort_id: Id, notice: str = "") -> Response:
    return _cohort(request, cohort_id, notice=NOTICES.get(notice, ""))


@router.post("/instructor/cohorts/{cohort_id}/code")
async def replace_code(request: Request, cohort_id: Id) -> Response:
    me = require_viewer(request)
    form = await request.form()
    try:
        cohorts.replace_code(_ctx(request), instructor_id=me.id, cohort_id=cohort_id,
                             expires_in_days=_days(form))  # fmt: skip
    except InvalidInput as exc:
        return _cohort(request, cohort_id, **_failed(exc))
    return RedirectResponse(f"/instructor/cohorts/{cohort_id}?notice=code", status_code=303)


@router.post("/instructor/cohorts/{cohort_id}/expire")
def expire_code(request: Request, cohort_id: Id) -> Response:
    me = require_viewer(request)
    cohorts.expire_code(_ctx(request), instructor_id=me.id, cohort_id=cohort_id)
    return RedirectResponse(f"/instructor/cohorts/{cohort_id}?notice=expired", status_code=303)


@router.get("/instructor/learners/{learner_id}")
def learner_page(request: Request, learner_id: Id) -> Response:
    me = require_viewer(request)
    page = instructor.learner_page(_ctx(request), instructor_id=me.id, learner_id=learner_id)
    return render(request, "instructor_learner.html", {"page": page})


@router.get("/instructor/tasks/{submission_id}")
def task_page(request: Request, submission_id: Id, notice: str = "") -> Response:
    me = require_viewer(request)
    task = instructor.task(_ctx(request), instructor_id=me.id, submission_id=submission_id)
    context = {"task": task, "form": {}, "notice": NOTICES.get(notice, "")}
    return render(request, "instructor_task.html", context)


@router.post("/instructor/tasks/{submission_id}")
async def score_task(request: Request, submission_id: Id) -> Response:
    me = require_viewer(request)
    ctx = _ctx(request)
    form = await request.form()
    points = {key.removeprefix("points."): value for key, value in form.items()
              if key.startswith("points.")}  # fmt: skip
    comment = str(form.get("comment", ""))
    try:
        instructor.score(ctx, instructor_id=me.id, submission_id=submission_id, points=points,
                         comment=comment)  # fmt: skip
    except InvalidInput as exc:
        task = instructor.task(ctx, instructor_id=me.id, submission_id=submission_id)
        context = {"task": task, "form": dict(form), **_failed(exc)}
        return render(request, "instructor_task.html", context, status=exc.status)
    return RedirectResponse(f"/instructor/tasks/{submission_id}?notice=scored", status_code=303)


# Learner --------------------------------------------------------------------------------------


def _mine(request: Request, **extra: Any) -> Response:
    me = require_viewer(request)
    status = int(extra.pop("status", 200))
    found = cohorts.of_learner(_ctx(request), learner_id=me.id)
    return render(request, "cohorts.html", {"cohorts": found, **extra}, status=status)


@router.get("/cohorts")
def my_cohorts(request: Request, code: str = "", notice: str = "") -> Response:
    return _mine(request, code=code[:40], notice=NOTICES.get(notice, ""))


@router.post("/cohorts")
async def join(request: Request) -> Response:
    me = require_viewer(request)
    code = str((await request.form()).get("code", ""))
    try:
        cohorts.join(_ctx(request), learner_id=me.id, code=code)
    except InvalidInput as exc:
        return _mine(request, code=code[:40], **_failed(exc))
    return RedirectResponse("/cohorts?notice=joined", status_code=303)


@router.post("/cohorts/{cohort_id}/leave")
def leave(request: Request, cohort_id: Id) -> Response:
    me = require_viewer(request)
    cohorts.leave(_ctx(request), learner_id=me.id, cohort_id=cohort_id)
    return RedirectResponse("/cohorts?notice=left", status_code=303)
