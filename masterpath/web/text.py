"""Text the database cannot store is refused at the door.

A lone UTF-16 surrogate (JSON `"\\ud800"`) cannot be encoded for SQLite or PostgreSQL, and
PostgreSQL refuses a NUL character in text. Every request's path, query, form fields and JSON
body are checked before a route runs; the first bad value gets a 400 that names its field.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from fastapi import Request

from masterpath.errors import InvalidInput, Problem


def _bad(text: str) -> str:
    """What is wrong with this text, or "" when it can be stored."""
    if "\x00" in text:
        return "contains a NUL character"
    if any("\ud800" <= char <= "\udfff" for char in text):
        return "contains a lone surrogate, which is not valid Unicode"
    return ""


def _first(value: Any, where: str) -> tuple[str, str] | None:
    """(field, problem) for the first bad key or string inside a JSON value."""
    if isinstance(value, str):
        problem = _bad(value)
        return (where, problem) if problem else None
    if isinstance(value, dict):
        for key, inner in value.items():
            name = f"{where}.{key}" if where else str(key)
            found = _first(key, name) or _first(inner, name)
            if found:
                return found
    if isinstance(value, list):
        for index, inner in enumerate(value):
            found = _first(inner, f"{where}[{index}]")
            if found:
                return found
    return None


def _pairs(pairs: list[tuple[str, Any]]) -> tuple[str, str] | None:
    """The first bad name or text value among query or form fields (files are not text)."""
    for key, value in pairs:
        found = _first(key, key) or (_first(value, key) if isinstance(value, str) else None)
        if found:
            return found
    return None


async def check_text(request: Request) -> None:
    """Refuse a request carrying text the database cannot store (an app-wide dependency)."""
    found = _first(dict(request.path_params), "") or _pairs(request.query_params.multi_items())
    kind = request.headers.get("content-type", "")
    if found is None and kind.startswith("application/json"):
        with contextlib.suppress(ValueError):  # not JSON at all: the route's validation says so
            found = _first(json.loads(await request.body()), "")
    elif found is None and "form" in kind:
        found = _pairs((await request.form()).multi_items())
    if found is not None:
        field, problem = found
        message = f"{field or 'the request'} {problem}"
        raise InvalidInput(message, problems=[Problem(problem, field=field)])
