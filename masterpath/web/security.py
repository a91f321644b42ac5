"""Login cookies, CSRF protection and the security headers of every response."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from masterpath.errors import Forbidden, NotAuthenticated
from masterpath.services import Context, accounts
from masterpath.web import errors

log = logging.getLogger(__name__)

SESSION_COOKIE = "mp_session"
ANON_COOKIE = "mp_anon"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
UNSUBSCRIBE = "/unsubscribe/"  # one-click unsubscribe: its signed link is the authority
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@dataclass(frozen=True)
class Viewer:
    account: accounts.Account
    session_id: int

    @property
    def id(self) -> int:
        return self.account.id


def csrf_token(key: str, seed: str) -> str:
    return hmac.new(key.encode(), f"csrf|{seed}".encode(), hashlib.sha256).hexdigest()


def secure(request: Request) -> bool:
    forced = request.app.state.context.settings.cookie_secure
    return forced if forced is not None else request.url.scheme == "https"


def set_cookie(request: Request, response: Response, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name, value, max_age=age, httponly=True, samesite="lax", secure=secure(request), path="/"
    )


class Middleware:
    """Find the viewer, give anonymous visitors a CSRF seed, add security headers and the
    server's own time on the request (`Server-Timing`, read by `masterpath bench dashboard`).

    A plain ASGI middleware: it wraps `send` to add the headers to the response as it starts,
    where an `app.middleware("http")` function would copy every response through a stream and a
    task group of its own on each request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request = Request(scope)
        ctx: Context = request.app.state.context
        token = request.cookies.get(SESSION_COOKIE, "")
        static = request.url.path.startswith("/static/")
        # a database read: in the thread pool, never on the event loop every request shares
        found = (
            await run_in_threadpool(accounts.authenticate, ctx, token)
            if token and not static
            else None
        )
        request.state.viewer = Viewer(found[0], found[1]) if found else None
        anon = request.cookies.get(ANON_COOKIE) or secrets.token_urlsafe(24)
        seed = token if found else anon
        request.state.csrf_token = csrf_token(request.app.state.signing_key, seed)
        cookie = "" if ANON_COOKIE in request.cookies else _cookie(request, ANON_COOKIE, anon)
        begun = False

        async def send_with_headers(message: Message) -> None:
            nonlocal begun
            if message["type"] == "http.response.start":
                begun = True
                headers = MutableHeaders(scope=message)
                if cookie:
                    headers.append("set-cookie", cookie)
                headers.setdefault("Content-Security-Policy", CSP)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                headers["X-Frame-Options"] = "DENY"
                took = (time.perf_counter() - started) * 1000
                headers["Server-Timing"] = f"app;dur={took:.1f}"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:  # an unexpected error still gets a page, and the headers above
            if begun:
                raise
            log.exception("unhandled error on %s %s", request.method, request.url.path)
            message = "Something went wrong on our side. It has been logged; please try again."
            await errors.respond(request, 500, message, [])(scope, receive, send_with_headers)


def _cookie(request: Request, name: str, value: str) -> str:
    """The Set-Cookie value `set_cookie` would send for a year."""
    response = Response()
    set_cookie(request, response, name, value, 60 * 60 * 24 * 365)
    return response.headers["set-cookie"]


async def check_csrf(request: Request) -> None:
    """Every state-changing request must carry the token (form field or header)."""
    if request.method in SAFE_METHODS or request.url.path.startswith(UNSUBSCRIBE):
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and "form" in request.headers.get("content-type", ""):
        sent = str((await request.form()).get(CSRF_FIELD, ""))
    if not sent or not hmac.compare_digest(sent, request.state.csrf_token):
        raise Forbidden(
            "The form has expired or did not come from this site. Reload the page and try again."
        )


def viewer(request: Request) -> Viewer | None:
    found: Viewer | None = request.state.viewer
    return found


async def require_viewer(request: Request) -> Viewer:
    """The signed-in viewer, found by the middleware (async: run on the event loop, not in a
    thread of its own)."""
    found = viewer(request)
    if found is None:
        raise NotAuthenticated("log in to see this page")
    return found
