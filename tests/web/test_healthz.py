"""/healthz: 200 when the database answers at the code's schema, 503 naming the problem."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from masterpath import __version__
from masterpath.clock import Clock
from masterpath.services import Context
from masterpath.store import make_database, migrate
from masterpath.web import create_app
from tests.conftest import make_settings


@pytest.fixture
def at_revision(ctx: Context) -> Iterator[Context]:
    """The test database; the test may move its alembic_version, put back afterwards."""
    yield ctx
    with ctx.db.engine.begin() as connection:
        connection.execute(
            text("UPDATE alembic_version SET version_num = :v"), {"v": migrate.head()}
        )


def move(ctx: Context, revision: str) -> None:
    with ctx.db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})


def test_healthz_reports_the_database_and_schema(client: TestClient, ctx: Context) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    head = migrate.head()
    assert response.json() == {
        "ok": True,
        "database": ctx.db.dialect,
        "schema": {"revision": head, "head": head, "current": True},
        "version": __version__,
    }


@pytest.mark.parametrize(
    ("revision", "problem"),
    [
        (
            "0001",
            "the schema is behind: revision 0001, this version needs {head}: "
            "run `masterpath db upgrade`",
        ),
        ("9999", "the schema is at revision 9999, which this version does not know"),
    ],
)
def test_a_schema_not_at_the_head_is_a_503(
    client: TestClient, at_revision: Context, revision: str, problem: str
) -> None:
    move(at_revision, revision)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False and body["status"] == 503
    assert body["error"] == problem.format(head=migrate.head())
    assert body["schema"] == {"revision": revision, "head": migrate.head(), "current": False}


def app_on(url: str, data_dir: Path) -> TestClient:
    settings = make_settings(data_dir, url)
    return TestClient(create_app(settings, context=Context(settings, make_database(url), Clock())))


def test_a_database_that_does_not_answer_is_a_503(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder-not-a-database"
    folder.mkdir()
    with app_on(f"sqlite:///{folder}", tmp_path) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "the database does not answer" and body["errors"] == []
    assert body["schema"]["revision"] is None and body["version"] == __version__


def test_a_database_without_a_schema_is_a_503(tmp_path: Path) -> None:
    with app_on(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["error"] == "the database has no schema: run `masterpath db upgrade`"
