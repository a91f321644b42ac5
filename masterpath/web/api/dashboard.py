"""The dashboard's JSON twins under /me/dashboard: the same sections as the page, for the
signed-in learner only. A bad filter is the canonical JSON error naming the field."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from masterpath.services import dashboard, evidence_log, portfolio
from masterpath.web.dashboard import csv_export, track_id
from masterpath.web.deps import Ctx, Me, api_router

router = api_router(tag="dashboard", prefix="/me/dashboard")
Text = Annotated[str | None, Query()]


@router.get("")
async def overview(ctx: Ctx, viewer: Me, track: Text = None) -> dashboard.Overview:
    """The track map (the newest track, or `track`), the flashcard forecast for 30 days, and
    study per day (six months) and per week (twelve) against the plan."""
    chosen = track_id(track)
    return await run_in_threadpool(  # as web/api/practice.py
        lambda: dashboard.overview(ctx, user_id=viewer.id, track_id=chosen)
    )


@router.get("/mastery")
def mastery_over_time(ctx: Ctx, viewer: Me, skill: Text = None) -> dashboard.History:
    """One skill's estimate after each of its last 200 graded answers, the bar, and when it
    was placed, mastered or decaying (default: the skill answered last)."""
    return dashboard.mastery_history(ctx, user_id=viewer.id, skill_id=skill or None)


async def _filters(  # noqa: PLR0917 - FastAPI query parameters
    skill: Text = None,
    mode: Text = None,
    outcome: Text = None,
    grader: Text = None,
    date_from: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(alias="to", description="YYYY-MM-DD")] = None,
    page: Text = None,
) -> dict[str, Any]:
    found = {
        "skill": skill,
        "mode": mode,
        "outcome": outcome,
        "grader": grader,
        "from": date_from,
        "to": date_to,
        "page": page,
    }
    return {k: v for k, v in found.items() if v is not None}


Filters = Annotated[dict[str, Any], Depends(_filters)]


@router.get("/evidence")
def evidence_page(ctx: Ctx, viewer: Me, raw: Filters) -> evidence_log.LogPage:
    """Your evidence log, newest first, 50 a page; every filter is optional."""
    filters = evidence_log.parse(ctx, user_id=viewer.id, raw=raw)
    return evidence_log.page(ctx, user_id=viewer.id, filters=filters)


@router.get(
    "/evidence.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def evidence_export(ctx: Ctx, viewer: Me, raw: Filters) -> StreamingResponse:
    """The whole filtered log as CSV (streamed)."""
    return csv_export(ctx, viewer.id, raw)


@router.get("/portfolio")
def portfolio_json(ctx: Ctx, viewer: Me) -> portfolio.Portfolio:
    """Your graded applied tasks: the best per skill, with rubric criteria and your answer."""
    return portfolio.portfolio(ctx, user_id=viewer.id)
