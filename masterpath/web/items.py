"""Reporting a problem with an item, and the admin and instructor pages about items.

A learner may report only items they have answered; only an admin sees reports, resolves them
and voids evidence; instructors and admins see the item statistics (the services decide: 403
for anyone else, before any id is read).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from starlette.responses import Response

from masterpath.errors import InvalidInput, Problem
from masterpath.services import Context, item_reports, item_stats
from masterpath.web.deps import Ctx, Me
from masterpath.web.forms import form_error
from masterpath.web.rendering import render

router = APIRouter(include_in_schema=False)
SORTS = ("flags", "answers", "correct", "discrimination", "item")
NOTICES = {
    "resolved": "The open reports of the item are resolved.",
    "voided": "Voided. The affected learners' progress was replayed without those answers.",
}


class ReportForm(BaseModel):
    kind: str = ""
    note: str = ""


class VoidForm(BaseModel):
    reason: str = ""
    before: str = ""

    def when(self) -> datetime | None:
        if not self.before.strip():
            return None
        try:
            found = datetime.fromisoformat(self.before.strip())
        except ValueError:
            message = f"{self.before!r} is not a date and time (2026-12-01T00:00+00:00)"
            raise InvalidInput(message, problems=[Problem(message, field="before")]) from None
        return found


# Learner --------------------------------------------------------------------------------------


def _report_page(item_id: str, form: dict[str, Any], notice: str = "") -> dict[str, Any]:
    return {"item_id": item_id, "kinds": item_reports.KINDS, "form": form, "notice": notice}


@router.get("/items/{item_id}/report")
def report_page(request: Request, ctx: Ctx, me: Me, item_id: str, notice: str = "") -> Response:
    item_reports.reportable(ctx, user_id=me.id, item_id=item_id)
    shown = "Thank you: an admin will look at it." if notice == "sent" else ""
    return render(request, "item_report.html", _report_page(item_id[:130], {}, shown))


@router.post("/items/{item_id}/report")
def report(
    request: Request, ctx: Ctx, me: Me, item_id: str, form: Annotated[ReportForm, Form()]
) -> Response:
    try:
        item_reports.report(ctx, user_id=me.id, item_id=item_id, kind=form.kind, note=form.note)
    except InvalidInput as exc:
        shown = _report_page(item_id[:130], form.model_dump())
        return form_error(request, "item_report.html", exc, shown)
    return RedirectResponse(f"/items/{item_id}/report?notice=sent", status_code=303)


# Admin ----------------------------------------------------------------------------------------


def _reports(ctx: Context, admin_id: int, notice: str = "") -> dict[str, Any]:
    found = item_reports.open_reports(ctx, admin_id=admin_id)
    return {"items": found, "kinds": item_reports.KINDS, "notice": NOTICES.get(notice, "")}


@router.get("/admin/reports")
def reports_page(request: Request, ctx: Ctx, me: Me, notice: str = "") -> Response:
    return render(request, "admin_reports.html", _reports(ctx, me.id, notice))


@router.post("/admin/items/{item_id}/resolve")
def resolve(ctx: Ctx, me: Me, item_id: str) -> Response:
    item_reports.resolve(ctx, admin_id=me.id, item_id=item_id)
    return RedirectResponse("/admin/reports?notice=resolved", status_code=303)


@router.post("/admin/items/{item_id}/void")
def void(
    request: Request, ctx: Ctx, me: Me, item_id: str, form: Annotated[VoidForm, Form()]
) -> Response:
    try:
        item_reports.void(
            ctx, admin_id=me.id, item_id=item_id, reason=form.reason, before=form.when()
        )
    except InvalidInput as exc:
        return form_error(request, "admin_reports.html", exc, _reports(ctx, me.id))
    return RedirectResponse("/admin/reports?notice=voided", status_code=303)


# Instructor and admin -------------------------------------------------------------------------


def _sorted(found: list[Any], sort: str) -> list[Any]:
    keys = {
        "answers": lambda s: (-s.answers, s.item_id),
        "correct": lambda s: (s.share_correct, s.item_id),
        "discrimination": lambda s: (
            s.discrimination is None,
            s.discrimination or 0.0,
            s.item_id,
        ),
        "item": lambda s: s.item_id,
    }
    if sort in keys:
        return sorted(found, key=keys[sort])
    return found  # flags: the service's order, flagged first


@router.get("/instructor/items")
def stats_page(
    request: Request, ctx: Ctx, me: Me, sort: str = "flags", min_answers: int = 20
) -> Response:
    found = item_stats.for_teacher(ctx, user_id=me.id, min_answers=max(1, min_answers))
    sort = sort if sort in SORTS else "flags"
    shown = {"items": _sorted(found, sort), "sort": sort, "sorts": SORTS, "min": min_answers}
    return render(request, "item_stats.html", shown)
