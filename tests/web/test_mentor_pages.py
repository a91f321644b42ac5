"""The mentor over HTTP: the page, the API, citations that link to lesson sections."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from masterpath.clock import Clock
from masterpath.services import Context, packs
from masterpath.settings import Settings
from masterpath.store import make_database
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
    assert "From “Paths” [1]" in "".join(data)
    end = json.loads(body.split("event: end\ndata: ")[1].split("\n")[0])
    assert end["citations"][0]["id"] == "shell-basics/lesson#paths"
    assert "<strong>absolute path</strong>" in end["html"] and "**" not in end["html"]
    history = learner.get(f"/api/v1/me/skills/{SKILL}/mentor").json()
    assert (
        history[-1]["role"] == "mentor"
        and history[-1]["citations"][0]["id"] == "shell-basics/lesson#paths"
    )
    refused = learner.post(f"/api/v1/me/skills/{SKILL}/mentor/stream", json={"message": ""})
    assert refused.status_code == 400 and refused.json()["error"]


def test_the_mentor_sits_beside_the_skill_the_item_and_the_task(learner: TestClient) -> None:
    skill = soup(learner.get(f"/skills/{SKILL}").text)
    panel = skill.select_one("aside.mentor-panel form[data-stream]")
    assert panel is not None and panel["action"] == f"/skills/{SKILL}/mentor"
    practice = soup(learner.get(f"/skills/{SKILL}/practice").text)
    item = practice.select_one("form.item-form input[name=item_id]")
    beside = practice.select_one("aside.mentor-panel input[name=item_id]")
    assert item is not None and beside is not None and beside["value"] == item["value"]
    task = soup(learner.get(f"/skills/{SKILL}/task").text)
    assert task.select_one("aside.mentor-panel form[data-stream]") is not None


def test_asking_from_the_panel_lets_the_mentor_choose_the_mode(learner: TestClient) -> None:
    response = learner.post(f"/skills/{SKILL}/mentor", data={"message": "Can I move on?"})
    assert response.status_code == 200
    reply = soup(response.text).select(".turn.mentor p")
    assert reply and reply[-1].get_text().startswith("Not yet.")


def test_the_mentor_page_lists_conversations_and_opens_any_skill(learner: TestClient) -> None:
    empty = soup(learner.get("/mentor").text)
    assert "None yet" in empty.get_text()
    learner.post(f"/skills/{SKILL}/mentor", data={"message": "absolute vs relative path?"})
    page = soup(learner.get("/mentor").text)
    row = page.select_one("tbody tr")
    link = row.select_one("a") if row is not None else None
    assert row is not None and link is not None and link["href"] == f"/skills/{SKILL}/mentor"
    assert row.select("td")[1].get_text() == "2"
    opened = learner.get(f"/mentor?skill={SKILL}", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"/skills/{SKILL}/mentor"


def test_without_the_model_the_mentor_answers_on_words_and_says_so(
    settings: Settings, tmp_path: Path
) -> None:
    """A missing or corrupt model file: BM25 alone, one visible notice, never a 500."""
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    changed = settings.model_copy(update={"embedding_model": str(broken)})
    context = Context(changed, make_database(changed.url), Clock())
    packs.install(context, [STUDY_PACK])
    with TestClient(create_app(changed, context=context)) as client:
        register(client, "bo@example.com")
        client.headers["X-CSRF-Token"] = csrf(client, "/account")
        page = client.get(f"/skills/{SKILL}")
        assert page.status_code == 200
        assert "Sentence embeddings are off (cannot read the model at" in page.text
        reply = client.post(
            f"/api/v1/me/skills/{SKILL}/mentor",
            json={"message": "whats the difference between absolute and relative paths"},
        )
        assert reply.status_code == 200, reply.text
        assert reply.json()["citations"][0]["id"] == f"{SKILL}/lesson#paths"
        for message, status in (("路径是什么？", 200), ("x" * 50_000, 400), ("", 400)):
            got = client.post(f"/api/v1/me/skills/{SKILL}/mentor", json={"message": message})
            assert got.status_code == status, (message[:10], got.text)
    context.db.dispose()
