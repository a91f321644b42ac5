"""The learner dashboard: the page and its exports (the JSON twins are in web/api/dashboard.py).

Every route serves the signed-in learner's own data; a track id from the query is looked up
among that learner's tracks only. Bad filters re-render the page with the error next to the
form (status 400) or come back as the canonical JSON error naming the field.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from markupsafe import Markup
from starlette.responses import Response

from masterpath.errors import InvalidInput, Problem
from masterpath.services import Context, badges, dashboard, evidence_log, portfolio
from masterpath.web.deps import Ctx, Me
from masterpath.web.forms import whole
from masterpath.web.rendering import HERE, render

router = APIRouter(include_in_schema=False)


def track_id(raw: str | None) -> int | None:
    value = (raw or "").strip()
    if not value:
        return None
    found = whole(value)
    if found is None or found < 1:
        message = f"track {value!r} is not a track id"
        raise InvalidInput(message, problems=[Problem(message, field="track")])
    return found


def _log(ctx: Context, user_id: int, raw: dict[str, Any]) -> dict[str, Any]:
    """The log section: a page, or the filter errors (shown beside the form)."""
    try:
        filters = evidence_log.parse(ctx, user_id=user_id, raw=raw)
    except InvalidInput as exc:
        empty = evidence_log.page(ctx, user_id=user_id, filters=evidence_log.Filters())
        return {
            "log": empty,
            "log_error": exc.message,
            "log_problems": exc.problems,
            "log_status": exc.status,
            "raw": raw,
        }
    return {"log": evidence_log.page(ctx, user_id=user_id, filters=filters), "raw": raw}


def _history(ctx: Context, user_id: int, skill: str) -> dict[str, Any]:
    try:
        return {"history": dashboard.mastery_history(ctx, user_id=user_id, skill_id=skill or None)}
    except InvalidInput as exc:
        found = dashboard.mastery_history(ctx, user_id=user_id)
        return {"history": found, "history_error": exc.message, "history_status": exc.status}


@router.get("/dashboard")
def page(request: Request, ctx: Ctx, me: Me) -> Response:
    raw = dict(request.query_params)
    found = dashboard.overview(ctx, user_id=me.id, track_id=track_id(raw.get("track")))
    sections = {
        "map": found.map,
        **_history(ctx, me.id, raw.get("mastery", "")),
        "forecast": found.forecast,
        "activity": found.activity,
        **_log(ctx, me.id, raw),
        "portfolio": portfolio.portfolio(ctx, user_id=me.id),
        "badges": badges.mine(ctx, user_id=me.id),
    }
    status = max(sections.get("log_status", 200), sections.get("history_status", 200))
    return render(request, "dashboard.html", sections, status=status)


def csv_export(ctx: Context, user_id: int, raw: dict[str, Any]) -> StreamingResponse:
    filters = evidence_log.parse(ctx, user_id=user_id, raw=raw)
    return StreamingResponse(
        evidence_log.export(ctx, user_id=user_id, filters=filters),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="evidence.csv"'},
    )


@router.get("/dashboard/evidence.csv")
def evidence_csv(request: Request, ctx: Ctx, me: Me) -> StreamingResponse:
    return csv_export(ctx, me.id, dict(request.query_params))


@cache
def _portfolio_style() -> tuple[Markup, str]:
    """The standalone page's stylesheet, inlined, and the CSP hash that allows exactly it."""
    css = (HERE / "static" / "portfolio.css").read_text()
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return Markup(css), f"'sha256-{digest}'"  # our own file, not user input


@router.get("/dashboard/portfolio")
def portfolio_page(request: Request, ctx: Ctx, me: Me, download: int = 0) -> Response:
    """The portfolio as one standalone HTML page, ready to print or save as PDF."""
    css, allowed = _portfolio_style()
    found = portfolio.portfolio(ctx, user_id=me.id)
    response = render(request, "portfolio.html", {"portfolio": found, "css": css})
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {allowed}; img-src 'self' data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )
    if download:
        response.headers["Content-Disposition"] = 'attachment; filename="portfolio.html"'
    return response


@router.get("/dashboard/portfolio.md")
def portfolio_markdown(request: Request, ctx: Ctx, me: Me) -> Response:
    found = portfolio.portfolio(ctx, user_id=me.id)
    text = request.app.state.templates.get_template("portfolio.md").render(portfolio=found)
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="portfolio.md"'},
    )
