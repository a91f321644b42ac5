"""Text the database cannot store, sent to every route the application has.

Routes are enumerated from the app itself (the HTML form routes are not in the OpenAPI
document), so a new route is covered without editing this test. Each gets a lone surrogate
and a NUL character in its JSON body, its form fields, its query and its path, and must
answer 400 naming the field, with nothing written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from masterpath.services import Context
from masterpath.store.models import Base
from masterpath.web import create_app
from tests.web.helpers import csrf, register

SURROGATE, NUL = "\ud800", "\x00"


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    app = create_app(ctx.settings, context=ctx)
    with TestClient(app, raise_server_exceptions=False) as c:
        c.app_routes = app.routes  # type: ignore[attr-defined]
        register(c, "ada@example.com")
        c.headers["X-CSRF-Token"] = csrf(c, "/account")
        yield c


def rows(ctx: Context) -> int:
    with ctx.db.begin() as tx:
        return sum(
            tx.session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        )


def api_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every APIRoute with its full path, through included routers (FastAPI keeps those as
    wrappers holding the original router)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            yield from api_routes(
                route.original_router.routes, prefix + route.include_context.prefix
            )


def routes(client: TestClient) -> list[tuple[str, str, list[str]]]:
    """(method, path template, JSON body fields) of every route."""
    found = []
    for path, route in api_routes(client.app_routes):  # type: ignore[attr-defined]
        body = route.body_field
        fields = list(getattr(body.field_info.annotation, "model_fields", {})) if body else []
        found += [(method, path, fields) for method in sorted(route.methods or ())]
    return found


def filled(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def test_every_route_refuses_text_the_database_cannot_store(
    client: TestClient, ctx: Context
) -> None:
    every = routes(client)
    assert len(every) > 60, "the app's routes were not enumerated"
    before = rows(ctx)
    problems = []
    for method, path, fields in every:
        plain = filled(path, "x")
        tries = [("query", client.build_request(method, plain, params={"q": NUL}))]
        if "{" in path:
            tries.append(("path", client.build_request(method, filled(path, "%00"))))
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            for bad in (SURROGATE, NUL):
                names = fields or ["text", "email", "item_id", "message"]
                payload = json.dumps({name: bad for name in names})
                headers = {"Content-Type": "application/json"}
                tries.append(
                    ("json", client.build_request(method, plain, content=payload, headers=headers))
                )
            # a form is UTF-8 on the wire: a surrogate cannot travel in it, a NUL can
            form = {"csrf_token": client.headers["X-CSRF-Token"], **dict.fromkeys(names, NUL)}
            tries.append(("form", client.build_request(method, plain, data=form)))
        for where, request in tries:
            response = client.send(request)
            text = response.text
            if not (response.status_code == 400 and ("NUL" in text or "surrogate" in text)):
                problems.append(f"{method} {path} ({where}): {response.status_code}")
    assert problems == []
    assert rows(ctx) == before


def test_the_field_is_named(client: TestClient) -> None:
    body = json.dumps({"skill_id": SURROGATE, "seconds": 5})
    response = client.post(
        "/api/v1/me/time", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "skill_id"
    response = client.get("/api/v1/me/evidence", params={"skill": NUL})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "skill"
