"""Public pages: the catalogue, the career guides, the start of a track."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from masterpath import __version__
from masterpath.services import catalogue, database, mastery
from masterpath.web.deps import Ctx
from masterpath.web.rendering import render
from masterpath.web.security import viewer

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(request: Request, ctx: Ctx) -> Response:
    careers = catalogue.careers(ctx)
    return render(request, "home.html", {"careers": careers})


@router.get("/careers/{slug}", include_in_schema=False)
def career(request: Request, ctx: Ctx, slug: str) -> Response:
    guide = catalogue.guide(ctx, slug)
    me = viewer(request)
    progress = None
    if me is not None:
        stages = [stage.skills for stage in guide.career.stages]
        progress = mastery.stage_progress(ctx, user_id=me.id, stages=stages)
        progress["stages"] = dict(
            zip([s.id for s in guide.career.stages], progress["stages"], strict=True)
        )
    return render(
        request, "career.html", {"guide": guide, "career": guide.career, "progress": progress}
    )


@router.get("/healthz", include_in_schema=False)
def healthz(ctx: Ctx) -> Response:
    """For load balancers and monitors: 200 when the database answers at the schema this
    version needs, 503 with the problem named otherwise."""
    found = database.health(ctx)
    current = found.revision == found.head
    schema = {"revision": found.revision, "head": found.head, "current": current}
    body = {"ok": found.ok, "database": found.dialect, "schema": schema, "version": __version__}
    if found.ok:
        return JSONResponse(body)
    failed = {**body, "error": found.problem, "errors": [], "status": 503}
    return JSONResponse(failed, status_code=503)
