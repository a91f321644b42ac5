"""Single sign-on routes: `/login/sso` sends the browser to the OpenID provider and
`/login/sso/callback` signs it in. The callback is a GET (the provider's redirect); the state
parameter, bound to a short-lived cookie set at the start, is its CSRF protection."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from masterpath.errors import InvalidInput, NotFound
from masterpath.services import Context, sso
from masterpath.web.deps import Ctx
from masterpath.web.security import SESSION_COOKIE, secure, set_cookie

router = APIRouter(include_in_schema=False)
FLOW_COOKIE = "mp_sso"
CALLBACK = "/login/sso/callback"


def _callback_url(request: Request, ctx: Context) -> str:
    base = ctx.settings.base_url or str(request.base_url)
    return base.rstrip("/") + CALLBACK


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login/sso")
def begin(request: Request, ctx: Ctx, next: str = "/") -> Response:
    if not sso.enabled(ctx):
        raise NotFound("single sign-on is not configured here")
    started = sso.start(ctx, redirect_uri=_callback_url(request, ctx))
    response = RedirectResponse(started.url, status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        f"{started.sealed}|{_safe_next(next)}",
        max_age=sso.FLOW_MINUTES * 60,
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/login/sso",
    )
    return response


@router.get(CALLBACK)
def callback(
    request: Request, ctx: Ctx, state: str = "", code: str = "", error: str = ""
) -> Response:
    if not sso.enabled(ctx):
        raise NotFound("single sign-on is not configured here")
    if error:
        raise InvalidInput(f"single sign-on: the provider answered {error!r}")
    sealed, _, target = request.cookies.get(FLOW_COOKIE, "").partition("|")
    token, _ = sso.finish(
        ctx,
        sealed=sealed,
        state=state,
        code=code,
        redirect_uri=_callback_url(request, ctx),
        address=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""),
    )
    response = RedirectResponse(_safe_next(target), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, ctx.settings.session_days * 86400)
    response.delete_cookie(FLOW_COOKIE, path="/login/sso")
    return response
