"""Instructor pages (cohorts, learners, scoring tasks) and a learner's join and leave.

Anyone who is not an instructor gets 403 on /instructor pages; an instructor asking for a
cohort, learner or task that is not theirs gets 404 (the services decide both).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from masterpath.errors import InvalidInput
from masterpath.services import Context, cohorts, instructor, invites
from masterpath.web import forms
from masterpath.web.deps import Ctx, Id, Me
from masterpath.web.forms import form_error
from masterpath.web.rendering import render

router = APIRouter(include_in_schema=False)
NOTICES = {
    "code": "A new invite code is ready; the old one no longer works.",
    "invited": "The invitations are on their way.",
    "expired": "The invite code has expired: nobody new can join until you make a new one.",
    "scored": "Scored. The learner sees the score and your note on their task page.",
    "joined": "You joined the cohort.",
    "left": "You left the cohort. Its instructor no longer sees your progress.",
}


def invite_link(request: Request, code: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/cohorts?code={code}"


# Instructor -----------------------------------------------------------------------------------


def _home(ctx: Context, user_id: int) -> dict[str, Any]:
    found = cohorts.of_instructor(ctx, instructor_id=user_id)
    return {"cohorts": found, "default_days": cohorts.DEFAULT_DAYS, "form": {}}


@router.get("/instructor")
def instructor_home(request: Request, ctx: Ctx, me: Me) -> Response:
    return render(request, "instructor.html", _home(ctx, me.id))


@router.post("/instructor/cohorts")
def create_cohort(
    request: Request, ctx: Ctx, me: Me, form: Annotated[forms.CohortForm, Form()]
) -> Response:
    try:
        made = cohorts.create(ctx, instructor_id=me.id, name=form.name, expires_in_days=form.days())
    except InvalidInput as exc:
        shown = {**_home(ctx, me.id), "form": form.model_dump()}
        return form_error(request, "instructor.html", exc, shown)
    return RedirectResponse(f"/instructor/cohorts/{made.id}", status_code=303)


def _cohort(request: Request, ctx: Context, user_id: int, cohort_id: int) -> dict[str, Any]:
    page = instructor.cohort_page(ctx, instructor_id=user_id, cohort_id=cohort_id)
    return {
        "page": page,
        "invite_link": invite_link(request, page.cohort.invite_code),
        "default_days": cohorts.DEFAULT_DAYS,
        "mail_configured": ctx.settings.mail_configured,
    }


@router.get("/instructor/cohorts/{cohort_id}")
def cohort_page(request: Request, ctx: Ctx, me: Me, cohort_id: Id, notice: str = "") -> Response:
    shown = {**_cohort(request, ctx, me.id, cohort_id), "notice": NOTICES.get(notice, "")}
    return render(request, "instructor_cohort.html", shown)


@router.post("/instructor/cohorts/{cohort_id}/code")
def replace_code(
    request: Request, ctx: Ctx, me: Me, cohort_id: Id, form: Annotated[forms.CodeForm, Form()]
) -> Response:
    try:
        cohorts.replace_code(
            ctx, instructor_id=me.id, cohort_id=cohort_id, expires_in_days=form.days()
        )
    except InvalidInput as exc:
        shown = _cohort(request, ctx, me.id, cohort_id)
        return form_error(request, "instructor_cohort.html", exc, shown)
    return RedirectResponse(f"/instructor/cohorts/{cohort_id}?notice=code", status_code=303)


@router.post("/instructor/cohorts/{cohort_id}/expire")
def expire_code(ctx: Ctx, me: Me, cohort_id: Id) -> Response:
    cohorts.expire_code(ctx, instructor_id=me.id, cohort_id=cohort_id)
    return RedirectResponse(f"/instructor/cohorts/{cohort_id}?notice=expired", status_code=303)


@router.post("/instructor/cohorts/{cohort_id}/invite")
def invite_by_mail(
    request: Request, ctx: Ctx, me: Me, cohort_id: Id, emails: Annotated[str, Form()]
) -> Response:
    addresses = emails.replace(",", "\n").splitlines()
    try:
        invites.invite(ctx, instructor_id=me.id, cohort_id=cohort_id, emails=addresses)
    except InvalidInput as exc:
        shown = _cohort(request, ctx, me.id, cohort_id)
        return form_error(request, "instructor_cohort.html", exc, shown)
    return RedirectResponse(f"/instructor/cohorts/{cohort_id}?notice=invited", status_code=303)


@router.get("/instructor/learners/{learner_id}")
def learner_page(request: Request, ctx: Ctx, me: Me, learner_id: Id) -> Response:
    page = instructor.learner_page(ctx, instructor_id=me.id, learner_id=learner_id)
    return render(request, "instructor_learner.html", {"page": page})


@router.get("/instructor/tasks/{submission_id}")
def task_page(request: Request, ctx: Ctx, me: Me, submission_id: Id, notice: str = "") -> Response:
    task = instructor.task(ctx, instructor_id=me.id, submission_id=submission_id)
    context = {"task": task, "form": {}, "notice": NOTICES.get(notice, "")}
    return render(request, "instructor_task.html", context)


@router.post("/instructor/tasks/{submission_id}")
def score_task(
    request: Request, ctx: Ctx, me: Me, submission_id: Id, form: Annotated[forms.ScoreForm, Form()]
) -> Response:
    try:
        instructor.score(
            ctx,
            instructor_id=me.id,
            submission_id=submission_id,
            points=form.points(),
            comment=form.comment,
        )
    except InvalidInput as exc:
        task = instructor.task(ctx, instructor_id=me.id, submission_id=submission_id)
        shown = {"task": task, "form": form.model_dump()}
        return form_error(request, "instructor_task.html", exc, shown)
    return RedirectResponse(f"/instructor/tasks/{submission_id}?notice=scored", status_code=303)


# Learner --------------------------------------------------------------------------------------


def _mine(ctx: Context, user_id: int, code: str) -> dict[str, Any]:
    return {"cohorts": cohorts.of_learner(ctx, learner_id=user_id), "code": code[:40]}


@router.get("/cohorts")
def my_cohorts(request: Request, ctx: Ctx, me: Me, code: str = "", notice: str = "") -> Response:
    shown = {**_mine(ctx, me.id, code), "notice": NOTICES.get(notice, "")}
    return render(request, "cohorts.html", shown)


@router.post("/cohorts")
def join(request: Request, ctx: Ctx, me: Me, form: Annotated[forms.JoinForm, Form()]) -> Response:
    try:
        cohorts.join(ctx, learner_id=me.id, code=form.code)
    except InvalidInput as exc:
        return form_error(request, "cohorts.html", exc, _mine(ctx, me.id, form.code))
    return RedirectResponse("/cohorts?notice=joined", status_code=303)


@router.post("/cohorts/{cohort_id}/leave")
def leave(ctx: Ctx, me: Me, cohort_id: Id) -> Response:
    cohorts.leave(ctx, learner_id=me.id, cohort_id=cohort_id)
    return RedirectResponse("/cohorts?notice=left", status_code=303)
