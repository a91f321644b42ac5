"""The learner dashboard: the page, its exports and its JSON twins under /api/v1/me/dashboard.

Every route serves the signed-in learner's own data; a track id from the query is looked up
among that learner's tracks only. Bad filters re-render the page with the error next to the
form (status 400) or come back as the canonical JSON error naming the field.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from markupsafe import Markup
from starlette.responses import Response

from masterpath.errors import InvalidInput, Problem
from masterpath.services import Context, dashboard, evidence_log, portfolio
from masterpath.web import errors
from masterpath.web.rendering import HERE, render
from masterpath.web.security import Viewer, require_viewer

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/me/dashboard", tags=["dashboard"], responses=errors.RESPONSES)
Me = Annotated[Viewer, Depends(require_viewer)]
Text = Annotated[str | None, Query()]


def _ctx(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


def _track(raw: str | None) -> int | None:
    value = (raw or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 19) or not 1 <= int(value) < 2**63:
        message = f"track {value!r} is not a track id"
        raise InvalidInput(message, problems=[Problem(message, field="track")])
    return int(value)


def _log(ctx: Context, user_id: int, raw: dict[str, Any]) -> dict[str, Any]:
    """The log section: a page, or the filter errors (shown beside the form)."""
    try:
        filters = evidence_log.parse(ctx, user_id=user_id, raw=raw)
    except InvalidInput as exc:
        empty = evidence_log.page(ctx, user_id=user_id, filters=evidence_log.Filters())
        return {"log": empty, "log_error": exc.message, "log_problems": exc.problems,
                "log_status": exc.status, "raw": raw}  # fmt: skip
    return {"log": evidence_log.page(ctx, user_id=user_id, filters=filters), "raw": raw}


def _history(ctx: Context, user_id: int, skill: str) -> dict[str, Any]:
    try:
        return {"history": dashboard.mastery_history(ctx, user_id=user_id, skill_id=skill or None)}
    except InvalidInput as exc:
        found = dashboard.mastery_history(ctx, user_id=user_id)
        return {"history": found, "history_error": exc.message, "history_status": exc.status}


def _activity(ctx: Context, user_id: int, found: dashboard.TrackMap) -> dashboard.Activity:
    plan = found.hours_per_week if found.track_id else None
    return dashboard.activity(ctx, user_id=user_id, plan_per_week=plan,
                              hours_left=found.hours_left, finish_planned=found.finish)  # fmt: skip


@router.get("/dashboard")
def page(request: Request) -> Response:
    me = require_viewer(request)
    ctx = _ctx(request)
    raw = dict(request.query_params)
    found = dashboard.track_map(ctx, user_id=me.id, track_id=_track(raw.get("track")))
    sections = {
        "map": found,
        **_history(ctx, me.id, raw.get("mastery", "")),
        "forecast": dashboard.card_forecast(ctx, user_id=me.id),
        "activity": _activity(ctx, me.id, found),
        **_log(ctx, me.id, raw),
        "portfolio": portfolio.portfolio(ctx, user_id=me.id),
    }
    status = max(sections.get("log_status", 200), sections.get("history_status", 200))
    return render(request, "dashboard.html", sections, status=status)


def _csv(ctx: Context, user_id: int, raw: dict[str, Any]) -> StreamingResponse:
    filters = evidence_log.parse(ctx, user_id=user_id, raw=raw)
    return StreamingResponse(
        evidence_log.export(ctx, user_id=user_id, filters=filters),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="evidence.csv"'},
    )


@router.get("/dashboard/evidence.csv")
def evidence_csv(request: Request) -> StreamingResponse:
    me = require_viewer(request)
    return _csv(_ctx(request), me.id, dict(request.query_params))


@cache
def _portfolio_style() -> tuple[Markup, str]:
    """The standalone page's stylesheet, inlined, and the CSP hash that allows exactly it."""
    css = (HERE / "static" / "portfolio.css").read_text()
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return Markup(css), f"'sha256-{digest}'"  # our own file, not user input


@router.get("/dashboard/portfolio")
def portfolio_page(request: Request, download: int = 0) -> Response:
    """The portfolio as one standalone HTML page, ready to print or save as PDF."""
    me = require_viewer(request)
    css, allowed = _portfolio_style()
    found = portfolio.portfolio(_ctx(request), user_id=me.id)
    response = render(request, "portfolio.html", {"portfolio": found, "css": css})
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {allowed}; img-src 'self' data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )
    if download:
        response.headers["Content-Disposition"] = 'attachment; filename="portfolio.html"'
    return response


@router.get("/dashboard/portfolio.md")
def portfolio_markdown(request: Request) -> Response:
    me = require_viewer(request)
    found = portfolio.portfolio(_ctx(request), user_id=me.id)
    text = request.app.state.templates.get_template("portfolio.md").render(portfolio=found)
    return Response(
        text, media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="portfolio.md"'},
    )  # fmt: skip


# JSON --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    map: dashboard.TrackMap
    forecast: dashboard.Forecast
    activity: dashboard.Activity


@api.get("")
def overview(request: Request, viewer: Me, track: Text = None) -> Overview:
    """The track map (the newest track, or `track`), the flashcard forecast for 30 days, and
    study per day (six months) and per week (twelve) against the plan."""
    ctx = _ctx(request)
    found = dashboard.track_map(ctx, user_id=viewer.id, track_id=_track(track))
    forecast = dashboard.card_forecast(ctx, user_id=viewer.id)
    return Overview(found, forecast, _activity(ctx, viewer.id, found))


@api.get("/mastery")
def mastery_over_time(request: Request, viewer: Me, skill: Text = None) -> dashboard.History:
    """One skill's estimate after each of its last 200 graded answers, the bar, and when it
    was placed, mastered or decaying (default: the skill answered last)."""
    return dashboard.mastery_history(_ctx(request), user_id=viewer.id, skill_id=skill or None)


def _filters(  # noqa: PLR0917 - FastAPI query parameters
    skill: Text = None, mode: Text = None, outcome: Text = None, grader: Text = None,
    date_from: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(alias="to", description="YYYY-MM-DD")] = None,
    page: Text = None,
) -> dict[str, Any]:  # fmt: skip
    found = {"skill": skill, "mode": mode, "outcome": outcome, "grader": grader,
             "from": date_from, "to": date_to, "page": page}  # fmt: skip
    return {k: v for k, v in found.items() if v is not None}


Filters = Annotated[dict[str, Any], Depends(_filters)]


@api.get("/evidence")
def evidence_page(request: Request, viewer: Me, raw: Filters) -> evidence_log.LogPage:
    """Your evidence log, newest first, 50 a page; every filter is optional."""
    ctx = _ctx(request)
    filters = evidence_log.parse(ctx, user_id=viewer.id, raw=raw)
    return evidence_log.page(ctx, user_id=viewer.id, filters=filters)


@api.get(
    "/evidence.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def evidence_export(request: Request, viewer: Me, raw: Filters) -> StreamingResponse:
    """The whole filtered log as CSV (streamed)."""
    return _csv(_ctx(request), viewer.id, raw)


@api.get("/portfolio")
def portfolio_json(request: Request, viewer: Me) -> portfolio.Portfolio:
    """Your graded applied tasks: the best per skill, with rubric criteria and your answer."""
    return portfolio.portfolio(_ctx(request), user_id=viewer.id)
