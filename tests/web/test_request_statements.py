"""Statements per request of the routes a learner's study round calls most, through the app:
the session lookup is one statement, and each route adds its service's (tests/services)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from masterpath.services import Context
from tests.services.test_hot_paths import SKILL, statements
from tests.web.test_dashboard import study
from tests.web.test_study_pages import learner  # noqa: F401 - the fixture

SESSION = 1  # the login session and its account, one statement


@contextmanager
def commits(ctx: Context) -> Iterator[list[Any]]:
    """The transactions committed inside the block (one entry each)."""
    seen: list[Any] = []

    def count(connection: Any) -> None:
        seen.append(connection)

    event.listen(ctx.db.engine, "commit", count)
    try:
        yield seen
    finally:
        event.remove(ctx.db.engine, "commit", count)


def test_a_request_commits_only_its_routes_transaction(
    learner: TestClient,  # noqa: F811
    ctx: Context,
) -> None:
    """The session lookup reads outside a transaction: no BEGIN and COMMIT of its own."""
    learner.get(f"/api/v1/me/skills/{SKILL}/next-item")  # fills the content caches
    with commits(ctx) as seen:
        response = learner.get("/api/v1/me/study-preferences")
    assert response.status_code == 200
    assert len(seen) == 1, seen


def test_a_request_looks_the_session_up_in_one_statement(
    learner: TestClient,  # noqa: F811
    ctx: Context,
) -> None:
    learner.get(f"/api/v1/me/skills/{SKILL}/next-item")  # fills the content caches
    with statements(ctx) as seen:
        response = learner.get("/api/v1/me/study-preferences")
    assert response.status_code == 200
    assert seen[0].startswith("SELECT sessions.id") and "JOIN users" in seen[0], seen
    assert sum("FROM sessions" in s for s in seen) == SESSION, seen


def test_the_next_item_over_http_takes_three_statements(
    learner: TestClient,  # noqa: F811
    ctx: Context,
) -> None:
    learner.get(f"/api/v1/me/skills/{SKILL}/next-item")  # fills the content caches
    with statements(ctx) as seen:
        response = learner.get(f"/api/v1/me/skills/{SKILL}/next-item")
    assert response.status_code == 200 and response.json()["item"] is not None
    assert len(seen) == SESSION + 2, seen


DASHBOARD_BUDGET = 18  # was 21 (of them 3 careers and tracks reads now kept per content)


def test_the_dashboard_overview_keeps_to_its_statements(
    learner: TestClient,  # noqa: F811
    ctx: Context,
) -> None:
    study(learner)
    learner.get("/api/v1/me/dashboard")  # fills the content caches
    with statements(ctx) as seen:
        response = learner.get("/api/v1/me/dashboard")
    assert response.status_code == 200 and response.json()["map"]["track_id"] is not None
    assert len(seen) <= SESSION + DASHBOARD_BUDGET, seen
    assert not any("FROM careers" in s for s in seen), seen
