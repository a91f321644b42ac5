"""The one error handler: an HTML page for people, canonical JSON for programs."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.responses import Response

from masterpath.errors import MasterPathError, NotAuthenticated, Problem
from masterpath.web.rendering import render

TITLES = {
    400: "Bad request",
    401: "Log in needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Invalid input",
    429: "Too many requests",
    500: "Server error",
}


class ErrorItem(BaseModel):
    message: str
    field: str
    file: str
    line: int | None


class ErrorOut(BaseModel):
    """The body of every JSON error: what went wrong, and where."""

    ok: bool
    error: str
    errors: list[ErrorItem]
    status: int


# Documented on every JSON route, so clients (and schemathesis) know the error shape.
RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": TITLES[code]}
    for code in (400, 401, 403, 404, 409, 429)
}


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def respond(request: Request, status: int, message: str, problems: list[Problem]) -> Response:
    errors = [
        {"message": p.message, "field": p.field, "file": p.file, "line": p.line} for p in problems
    ]
    if wants_json(request):
        body: dict[str, Any] = {"ok": False, "error": message, "errors": errors, "status": status}
        return JSONResponse(body, status_code=status)
    if not hasattr(request.state, "viewer"):
        request.state.viewer, request.state.csrf_token = None, ""
    context = {
        "status": status,
        "title": TITLES.get(status, "Error"),
        "message": message,
        "problems": problems,
    }
    return render(request, "error.html", context, status=status)


async def on_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MasterPathError)
    if isinstance(exc, NotAuthenticated) and not wants_json(request):
        query = request.url.query
        target = quote(request.url.path + (f"?{query}" if query else ""))  # e.g. an invite link
        return RedirectResponse(f"/login?next={target}", status_code=303)
    return respond(request, exc.status, exc.message, exc.problems)


async def on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "")
    if exc.status_code == 404:
        message = f"Nothing here at {request.url.path}."
    response = respond(request, exc.status_code, message, [])
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:  # every method of the path, not only those of the first route
        allowed = _methods(request.app.routes, request.url.path)
        response.headers["Allow"] = ", ".join(sorted(allowed))
    return response


def _methods(routes: list[Any], path: str) -> set[str]:
    """The methods the app's routes (through included routers) accept at this path."""
    found: set[str] = set()
    for route in routes:
        if hasattr(route, "original_router"):
            found |= _methods(route.original_router.routes, path)
        elif getattr(route, "methods", None) and route.path_regex.match(path):
            found |= set(route.methods) - {"HEAD"}
    return found


async def on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        Problem(str(e["msg"]), field=".".join(str(p) for p in e["loc"] if p != "body"))
        for e in exc.errors()
    ]
    return respond(request, 400, "The request is not valid.", problems)


def install(app: FastAPI) -> None:
    app.add_exception_handler(MasterPathError, on_error)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
