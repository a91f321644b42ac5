"""What routes declare instead of fetching by hand: the services context, the signed-in
viewer and a database id in the path.

    def page(request: Request, ctx: Ctx, me: Me, check_id: Id) -> Response: ...
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from masterpath.services import Context
from masterpath.web import errors
from masterpath.web.security import Viewer, require_viewer

MAX_ID = 2**63 - 1  # the largest id a BIGINT column holds
API_PREFIX = "/api/v1"


async def context(request: Request) -> Context:
    """The services context the app was built with (async: no I/O, so FastAPI runs it on the
    event loop instead of handing it to a thread)."""
    found: Context = request.app.state.context
    return found


Ctx = Annotated[Context, Depends(context)]
Me = Annotated[Viewer, Depends(require_viewer)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def api_router(*, tag: str, prefix: str = "") -> APIRouter:
    """A router of the JSON API: under /api/v1, every route documenting the error body.

    The prefix is the router's own (not added by an enclosing router) so that each route's
    path is complete, as the 405 handler's method lookup (web/errors.py) expects."""
    return APIRouter(prefix=API_PREFIX + prefix, tags=[tag], responses=errors.RESPONSES)
