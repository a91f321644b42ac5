from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.helpers import register


def test_mastery_checklist_needs_an_account(client: TestClient) -> None:
    assert client.get("/api/v1/me/skills/python-basics/mastery").status_code == 401


def test_mastery_checklist_lists_each_criterion_with_its_value(client: TestClient) -> None:
    register(client, "ada@example.com")
    body = client.get("/api/v1/me/skills/data-cleaning/mastery").json()
    assert body["status"] == "locked"
    assert body["next_steps"] == [
        "Master or place the prerequisites first: python-basics, sql-basics."
    ]
    body = client.get("/api/v1/me/skills/python-basics/mastery").json()
    assert body["status"] == "available"
    assert [c["key"] for c in body["checklist"]] == ["estimate", "check", "task", "retention"]
    assert set(body["why"]) == {"this skill", "overall record", "recent answers", "same question"}
    assert client.get("/api/v1/me/skills/astrology/mastery").status_code == 404
