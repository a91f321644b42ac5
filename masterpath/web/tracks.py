"""Goal intake and the track page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from masterpath.errors import InvalidInput
from masterpath.services import catalogue, diagnostic, tracks
from masterpath.web import forms
from masterpath.web.deps import Ctx, Id, Me
from masterpath.web.forms import form_error, stamp
from masterpath.web.rendering import render
from masterpath.web.security import viewer

router = APIRouter(include_in_schema=False)
Intake = Annotated[forms.IntakeForm, Form()]


@router.get("/start")
def start(request: Request, ctx: Ctx, career: str = "") -> Response:
    careers = catalogue.careers(ctx)
    title = next((c.title for c in careers if c.slug == career), "")
    return render(
        request,
        "start.html",
        {"careers": careers, "chosen": career, "chosen_title": title, "form": {}},
    )


@router.post("/start")
def submit(request: Request, ctx: Ctx, me: Me, form: Intake) -> Response:
    careers = catalogue.careers(ctx)
    page = {"careers": careers, "chosen": "", "form": form.model_dump()}
    try:
        result = tracks.create(ctx, form.intake(), user_id=me.id)
    except InvalidInput as exc:
        return form_error(request, "start.html", exc, page)
    if result.track is None:
        return render(request, "start.html", {**page, "result": result}, status=200)
    return RedirectResponse(f"/tracks/{result.track.id}?new=1", status_code=303)


@router.get("/tracks/{track_id}")
def track_page(request: Request, ctx: Ctx, me: Me, track_id: Id, new: int = 0) -> Response:
    view = tracks.get(ctx, user_id=me.id, track_id=track_id)
    found = diagnostic.view(ctx, user_id=me.id, track_id=track_id)
    notice = "Your track is ready." if new else ""
    return render(request, "track.html", {"track": view, "notice": notice, "diagnostic": found})


@router.post("/tracks/{track_id}/diagnostic/start")
def start_diagnostic(ctx: Ctx, me: Me, track_id: Id) -> Response:
    diagnostic.start(ctx, user_id=me.id, track_id=track_id)
    return RedirectResponse(f"/tracks/{track_id}/diagnostic", status_code=303)


@router.get("/tracks/{track_id}/diagnostic")
def diagnostic_page(request: Request, ctx: Ctx, me: Me, track_id: Id) -> Response:
    found = diagnostic.view(ctx, user_id=me.id, track_id=track_id)
    if found is None:
        return RedirectResponse(f"/tracks/{track_id}", status_code=303)
    return render(
        request, "diagnostic.html", {"diagnostic": found, "track_id": track_id, **stamp()}
    )


@router.post("/tracks/{track_id}/diagnostic")
def answer_diagnostic(
    request: Request, ctx: Ctx, me: Me, track_id: Id, form: Annotated[forms.AnswerForm, Form()]
) -> Response:
    found = diagnostic.view(ctx, user_id=me.id, track_id=track_id)
    if found is None or found.item is None or found.item.id != form.item_id:
        return RedirectResponse(f"/tracks/{track_id}/diagnostic", status_code=303)
    try:
        diagnostic.answer(
            ctx,
            user_id=me.id,
            track_id=track_id,
            item_id=found.item.id,
            response=form.response_for(found.item),
            seconds=form.seconds(),
            submission_id=form.submission_id,
        )
    except InvalidInput as exc:
        shown = {"diagnostic": found, "track_id": track_id, **stamp()}
        return form_error(request, "diagnostic.html", exc, shown)
    return RedirectResponse(f"/tracks/{track_id}/diagnostic", status_code=303)


@router.post("/tracks/{track_id}")
def replan(ctx: Ctx, me: Me, track_id: Id, form: Intake) -> Response:
    tracks.update(ctx, user_id=me.id, track_id=track_id, intake=form.intake())
    return RedirectResponse(f"/tracks/{track_id}", status_code=303)


__all__ = ["router", "viewer"]
