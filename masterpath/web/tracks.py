"""Goal intake and the track page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.responses import Response

from masterpath.errors import InvalidInput, Problem
from masterpath.services import Context, catalogue, diagnostic, tracks
from masterpath.web.rendering import render
from masterpath.web.security import require_viewer, viewer
from masterpath.web.study import response_from, stamp, submitted_seconds

router = APIRouter(include_in_schema=False)


def _ctx(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


def intake_from(form: FormData | dict[str, Any]) -> tracks.Intake:
    """Read the intake form; a malformed number or date is refused by name."""
    try:
        hours = float(str(form.get("hours_per_week") or "0"))
    except ValueError:
        raise InvalidInput(
            "hours per week must be a number",
            problems=[Problem("not a number", field="hours_per_week")],
        ) from None
    raw_date = str(form.get("target_date") or "").strip()
    try:
        target = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        raise InvalidInput(
            f"{raw_date!r} is not a date (YYYY-MM-DD)",
            problems=[Problem("not a date", field="target_date")],
        ) from None
    many = form.getlist if isinstance(form, FormData) else lambda _: []
    return tracks.Intake(
        goal=str(form.get("goal", "")),
        background=str(form.get("background", "")),
        pinned=[str(s) for s in many("pin")],
        certifications=[str(c) for c in many("certification")],
        hours_per_week=hours,
        target_date=target,
    )


@router.get("/start")
def start(request: Request, career: str = "") -> Response:
    careers = catalogue.careers(_ctx(request))
    title = next((c.title for c in careers if c.slug == career), "")
    return render(
        request,
        "start.html",
        {"careers": careers, "chosen": career, "chosen_title": title, "form": {}},
    )


@router.post("/start")
async def submit(request: Request) -> Response:
    me = require_viewer(request)
    form = await request.form()
    careers = catalogue.careers(_ctx(request))
    page = {"careers": careers, "chosen": "", "form": dict(form)}
    try:
        result = tracks.create(_ctx(request), intake_from(form), user_id=me.id)
    except InvalidInput as exc:
        return render(
            request,
            "start.html",
            {**page, "error": exc.message, "problems": exc.problems},
            status=exc.status,
        )
    if result.track is None:
        return render(request, "start.html", {**page, "result": result}, status=200)
    return RedirectResponse(f"/tracks/{result.track.id}?new=1", status_code=303)


@router.get("/tracks/{track_id}")
def track_page(
    request: Request, track_id: Annotated[int, Path(ge=1, le=2**63 - 1)], new: int = 0
) -> Response:
    me = require_viewer(request)
    view = tracks.get(_ctx(request), user_id=me.id, track_id=track_id)
    found = diagnostic.view(_ctx(request), user_id=me.id, track_id=track_id)
    notice = "Your track is ready." if new else ""
    return render(request, "track.html", {"track": view, "notice": notice, "diagnostic": found})


@router.post("/tracks/{track_id}/diagnostic/start")
def start_diagnostic(
    request: Request, track_id: Annotated[int, Path(ge=1, le=2**63 - 1)]
) -> Response:
    me = require_viewer(request)
    diagnostic.start(_ctx(request), user_id=me.id, track_id=track_id)
    return RedirectResponse(f"/tracks/{track_id}/diagnostic", status_code=303)


@router.get("/tracks/{track_id}/diagnostic")
def diagnostic_page(
    request: Request, track_id: Annotated[int, Path(ge=1, le=2**63 - 1)]
) -> Response:
    me = require_viewer(request)
    found = diagnostic.view(_ctx(request), user_id=me.id, track_id=track_id)
    if found is None:
        return RedirectResponse(f"/tracks/{track_id}", status_code=303)
    return render(request, "diagnostic.html", {"diagnostic": found, "track_id": track_id,
                                               **stamp()})  # fmt: skip


@router.post("/tracks/{track_id}/diagnostic")
async def answer_diagnostic(
    request: Request, track_id: Annotated[int, Path(ge=1, le=2**63 - 1)]
) -> Response:
    me = require_viewer(request)
    ctx = _ctx(request)
    form = await request.form()
    found = diagnostic.view(ctx, user_id=me.id, track_id=track_id)
    if found is None or found.item is None or found.item.id != form.get("item_id"):
        return RedirectResponse(f"/tracks/{track_id}/diagnostic", status_code=303)
    try:
        diagnostic.answer(ctx, user_id=me.id, track_id=track_id, item_id=found.item.id,
                          response=response_from(form, found.item),
                          seconds=submitted_seconds(form),
                          submission_id=str(form.get("submission_id") or "") or None)  # fmt: skip
    except InvalidInput as exc:
        return render(request, "diagnostic.html", {"diagnostic": found, "track_id": track_id,
                      **stamp(), "error": exc.message, "problems": exc.problems},
                      status=exc.status)  # fmt: skip
    return RedirectResponse(f"/tracks/{track_id}/diagnostic", status_code=303)


@router.post("/tracks/{track_id}")
async def replan(request: Request, track_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> Response:
    me = require_viewer(request)
    form = await request.form()
    tracks.update(_ctx(request), user_id=me.id, track_id=track_id, intake=intake_from(form))
    return RedirectResponse(f"/tracks/{track_id}", status_code=303)


__all__ = ["router", "viewer"]
