"""The mentor over HTTP: the page, the API, citations that link to lesson sections."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from masterpath.services import Context, packs
from masterpath.web import create_app
from tests.services.test_study import SKILL, STUDY_PACK
from tests.web.helpers import csrf, register, soup


@pytest.fixture
def learner(ctx: Context) -> Iterator[TestClient]:
    packs.install(ctx, [STUDY_PACK])
    with TestClient(create_app(ctx.settings, context=ctx)) as client:
        register(client, "ada@example.com")
        client.headers["X-CSRF-Token"] = csrf(client, "/account")
        yield client


def test_the_page_asks_and_cites_a_section_the_lesson_has(learner: TestClient) -> None:
    response = learner.post(
        f"/skills/{SKILL}/mentor", data={"message": "absolute vs relative path?", "mode": "explain"}
    )
    page = soup(response.text)
    link = page.select_one(".turn.mentor a")
    assert link is not None and link["href"] == f"/skills/{SKILL}#paths"
    lesson = soup(learner.get(f"/skills/{SKILL}").text)
    assert lesson.select_one("#lesson h2#paths") is not None


def test_the_api_answers_refuses_and_clears(learner: TestClient) -> None:
    turn = learner.post(
        f"/api/v1/me/skills/{SKILL}/mentor",
        json={"message": "can I move on?", "mode": "gatekeeper"},
    ).json()
    assert turn["text"].startswith("Not yet")
    bad = learner.post(f"/api/v1/me/skills/{SKILL}/mentor", json={"message": "x" * 50_000})
    assert bad.status_code == 400
    assert len(learner.get(f"/api/v1/me/skills/{SKILL}/mentor").json()) == 2
    assert learner.delete(f"/api/v1/me/skills/{SKILL}/mentor").status_code == 204
    assert learner.get(f"/api/v1/me/skills/{SKILL}/mentor").json() == []


def test_the_reply_streams_as_server_sent_events(learner: TestClient) -> None:
    with learner.stream(
        "POST",
        f"/api/v1/me/skills/{SKILL}/mentor/stream",
        json={"message": "absolute vs relative path?"},
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    data = [line[6:] for line in body.splitlines() if line.startswith("data: ")]
    assert "The lesson covers this" in "".join(data)
    assert "event: end" in body and '"lesson#paths"' in body
    history = learner.get(f"/api/v1/me/skills/{SKILL}/mentor").json()
    assert history[-1]["role"] == "mentor" and history[-1]["citations"][0]["id"] == "lesson#paths"
    refused = learner.post(f"/api/v1/me/skills/{SKILL}/mentor/stream", json={"message": ""})
    assert refused.status_code == 400 and refused.json()["error"]
