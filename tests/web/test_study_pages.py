"""The Learning Center over HTTP: pages, the JSON API, answer keys kept back, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bs4 import Tag
from fastapi.testclient import TestClient

from masterpath.services import Context, evidence, packs
from masterpath.web import create_app
from tests.services.test_study import RIGHT, SKILL, STUDY_PACK, WRONG, local
from tests.web.helpers import csrf, register, soup

KEY_WORDS = ("correct", "explanation", "model_answer", "concepts", '"answer"')


def hidden(tag: Tag, selector: str) -> dict[str, str]:
    """The hidden fields under `selector` in `tag`, as the browser posts them: name -> value."""
    found = tag.select(f"{selector} input[type=hidden]".strip())
    return {str(field["name"]): str(field.get("value", "")) for field in found}


@pytest.fixture
def learner(ctx: Context) -> Iterator[TestClient]:
    packs.install(ctx, [STUDY_PACK])
    with TestClient(create_app(ctx.settings, context=ctx)) as client:
        register(client, "ada@example.com")
        client.headers["X-CSRF-Token"] = csrf(client, "/account")
        yield client


def ready(client: TestClient) -> None:
    for _ in range(40):
        item = client.get(f"/api/v1/me/skills/{SKILL}/next-item").json()["item"]
        answered = client.post(
            "/api/v1/me/answers",
            json={"item_id": item["id"], "response": RIGHT[local(item["id"])]},
        )
        assert answered.status_code == 200, answered.text
        if client.get(f"/api/v1/me/skills/{SKILL}/mastery").json()["checklist"][0]["met"]:
            return
    raise AssertionError("never ready")


def test_skill_page_shows_lesson_checklist_and_entry_points(learner: TestClient) -> None:
    page = soup(learner.get(f"/skills/{SKILL}").text)
    assert page.h1 and page.h1.text == "Shell basics"
    assert "Mastery estimate" in page.text and "What moves you forward" in page.text
    links = {a["href"] for a in page.select("a")}
    assert {f"/skills/{SKILL}/practice", f"/review?skill={SKILL}", f"/skills/{SKILL}/task"} <= links
    assert "not evidence of mastery" in page.text


def test_locked_skill_page_offers_no_study(learner: TestClient) -> None:
    page = soup(learner.get("/skills/shell-scripting").text)
    assert "Locked" in page.text and page.select("a[href='/skills/shell-scripting/practice']") == []
    assert learner.get("/api/v1/me/skills/shell-scripting/next-item").status_code == 409


def test_practice_html_and_json_carry_no_answer_key(learner: TestClient, ctx: Context) -> None:
    seen = set()
    for _ in range(8):
        html = learner.get(f"/skills/{SKILL}/practice").text
        form = soup(html).select_one("form.item-form")
        assert form is not None
        item_id = str(form.select_one("input[name=item_id]")["value"])  # type: ignore[index]
        seen.add(item_id)
        with ctx.db.begin() as tx:
            from masterpath.store import content

            row = content.item(tx, item_id)
            assert row is not None
            data = row.data
        assert data["explanation"] not in html
        for hint in data.get("hints", []):
            assert hint not in html
        attributes = [f"{k}={v}" for el in form.find_all(True) for k, v in el.attrs.items()]
        assert not any("correct" in a or "answer=" in a for a in attributes)
        if data.get("model_answer"):
            assert data["model_answer"] not in html
        body = learner.get(f"/api/v1/me/skills/{SKILL}/next-item").text
        assert not any(word in body for word in KEY_WORDS)
        learner.post(
            "/api/v1/me/answers", json={"item_id": item_id, "response": WRONG[local(item_id)]}
        )
    assert len(seen) >= 5


def test_practice_form_answer_shows_feedback_and_records_evidence(
    learner: TestClient, ctx: Context
) -> None:
    linked = learner.get(f"/skills/{SKILL}/practice?item={SKILL}:abs-path&hints=1").text
    assert (
        "Where does the path start?" not in linked
    )  # a GET (a link from anywhere) reveals nothing
    shown = learner.post(
        f"/skills/{SKILL}/practice/hint",
        data={"item_id": f"{SKILL}:abs-path"},
        follow_redirects=False,
    )
    assert shown.status_code == 303
    page = soup(learner.get(shown.headers["location"]).text)
    assert (
        "Look for a leading slash." not in page.text and "Where does the path start?" in page.text
    )
    fields = hidden(page, "form.item-form")
    assert fields["hints_used"] == "1"
    response = learner.post(f"/skills/{SKILL}/practice", data={**fields, "response": "b"})
    assert response.status_code == 200
    assert "Correct" in response.text and "An absolute path starts at the root" in response.text
    again = learner.post(f"/skills/{SKILL}/practice", data={**fields, "response": "a"})
    assert "Correct" in again.text  # the same submission id: the first result, nothing new
    user = learner.get("/api/v1/me").json()["id"]
    (record,) = evidence.of_learner(ctx, user_id=user)
    assert record.hints_used == 1 and record.score == 1.0 and record.seconds is not None


def test_ordering_form_ranks_become_an_order(learner: TestClient) -> None:
    page = soup(learner.get(f"/skills/{SKILL}/practice?item={SKILL}:pipeline-order").text)
    fields = hidden(page, "form.item-form")
    ranks = {f"rank-{o}": str(n) for n, o in enumerate(RIGHT["pipeline-order"], start=1)}
    response = learner.post(f"/skills/{SKILL}/practice", data={**fields, **ranks})
    assert '<h2 id="fb-h">Correct</h2>' in response.text
    bad = learner.post(f"/skills/{SKILL}/practice", data={**fields, "rank-sort": "x"})
    assert bad.status_code == 400 and "give every step a position" in bad.text


def test_mastery_and_retention_checks_over_the_api(learner: TestClient, ctx: Context) -> None:
    ready(learner)
    check = learner.post("/api/v1/me/checks", json={"skill_id": SKILL}).json()
    assert not any(word in json.dumps(check["items"]) for word in KEY_WORDS)
    for item in check["items"]:
        view = learner.post(
            f"/api/v1/me/checks/{check['id']}/answers",
            json={"item_id": item["id"], "response": RIGHT[local(item["id"])]},
        ).json()
        if not view["finished"]:
            assert view["result"] is None
    assert view["result"]["passed"] and view["result"]["feedback"][0]["explanation"]
    task = learner.post(
        f"/api/v1/me/skills/{SKILL}/task",
        json={"text": "find . -type f, then sort -n by size and head -3 for the first three"},
    ).json()
    assert task["status"] == "graded" and task["score"] >= 0.7
    assert learner.get("/api/v1/me/checks/due").json() == []


def test_a_learner_sees_the_retake_time_in_their_time_zone(learner: TestClient) -> None:
    """The learner registered in Europe/Berlin (tests.web.helpers.register)."""
    ready(learner)
    check = learner.post("/api/v1/me/checks", json={"skill_id": SKILL}).json()
    for item in check["items"]:
        view = learner.post(
            f"/api/v1/me/checks/{check['id']}/answers",
            json={"item_id": item["id"], "response": WRONG[local(item["id"])]},
        ).json()
    retake = datetime.fromisoformat(view["result"]["retake_at"])
    page = " ".join(soup(learner.get(f"/checks/{check['id']}").text).get_text().split())
    berlin = retake.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"You can retake it from {berlin:%a %d %b %H:%M} Europe/Berlin," in page
    assert f"{retake.astimezone(UTC):%H:%M} UTC" not in page


def test_bad_input_is_refused_with_4xx_and_writes_nothing(
    learner: TestClient, ctx: Context
) -> None:
    cases: list[tuple[str, str, dict[str, Any], int, str]] = [
        (
            "post",
            "/api/v1/me/answers",
            {"item_id": f"{SKILL}:abs-path", "response": "zz"},
            400,
            "does not belong",
        ),
        (
            "post",
            "/api/v1/me/answers",
            {"item_id": f"{SKILL}:nope", "response": "a"},
            404,
            "no item",
        ),
        (
            "post",
            "/api/v1/me/answers",
            {"item_id": f"{SKILL}:root-path", "response": "a"},
            409,
            "not practice",
        ),
        (
            "post",
            "/api/v1/me/answers",
            {"item_id": "shell-scripting:exit-zero", "response": 0},
            409,
            "locked",
        ),
        ("post", "/api/v1/me/cards/shell-basics:abs/reviews", {"rating": 7}, 400, "rating 7"),
        ("post", "/api/v1/me/checks", {"skill_id": SKILL, "kind": "quiz"}, 400, "unknown check"),
        ("post", "/api/v1/me/checks", {"skill_id": SKILL}, 409, "practise first"),
        ("post", f"/api/v1/me/skills/{SKILL}/task", {"text": ""}, 400, "write your work"),
        ("post", f"/api/v1/me/skills/{SKILL}/task", {"text": "x" * 10_000_001}, 400, "at most"),
        (
            "put",
            "/api/v1/me/study-preferences",
            {"desired_retention": 1.5, "new_cards_per_day": 5},
            400,
            "outside",
        ),
        ("post", "/api/v1/me/time", {"skill_id": SKILL, "seconds": -3}, 400, "seconds"),
    ]
    for method, path, body, status, message in cases:
        response = learner.request(method, path, json=body)
        assert response.status_code == status, (path, body, response.text)
        assert message in response.json()["error"], (path, response.json())
    user = learner.get("/api/v1/me").json()["id"]
    assert evidence.of_learner(ctx, user_id=user) == []


def test_a_short_answer_too_long_is_refused(learner: TestClient) -> None:
    ready(learner)
    check = learner.post("/api/v1/me/checks", json={"skill_id": SKILL}).json()
    text_item = next((i for i in check["items"] if i["type"] == "short_text"), None)
    if text_item is None:
        pytest.skip("no short-text item drawn")
    response = learner.post(
        f"/api/v1/me/checks/{check['id']}/answers",
        json={"item_id": text_item["id"], "response": "x" * 10_000_000},
    )
    assert response.status_code == 400 and "at most 5,000 characters" in response.json()["error"]


def test_flashcard_review_page_rates_and_reschedules(learner: TestClient, ctx: Context) -> None:
    page = soup(learner.get(f"/review?skill={SKILL}").text)
    form = page.select_one("form.ratings")
    assert form is not None and page.select_one("details#reveal") is not None
    fields = hidden(form, "")
    response = learner.post("/review", data={**fields, "rating": "3"}, follow_redirects=False)
    assert response.status_code == 303
    user = learner.get("/api/v1/me").json()["id"]
    (record,) = evidence.of_learner(ctx, user_id=user)
    assert record.mode == "flashcard" and record.grader == "self" and record.detail == {"rating": 3}
    queue = learner.get(f"/api/v1/me/cards/due?skill={SKILL}").json()
    assert fields["card_id"] not in [c["id"] for c in queue["cards"] if not c["new"]]
    settings = learner.get("/review/settings").text
    assert "Reviews a day" in settings


def test_another_learner_cannot_see_a_check(learner: TestClient, ctx: Context) -> None:
    ready(learner)
    check = learner.post("/api/v1/me/checks", json={"skill_id": SKILL}).json()
    with TestClient(create_app(ctx.settings, context=ctx)) as other:
        register(other, "bo@example.com")
        assert other.get(f"/api/v1/me/checks/{check['id']}").status_code == 404
        assert other.get(f"/checks/{check['id']}").status_code == 404


def test_openapi_describes_the_study_loop(learner: TestClient) -> None:
    paths = learner.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/me/skills/{skill_id}/next-item",
        "/api/v1/me/answers",
        "/api/v1/me/checks",
        "/api/v1/me/checks/{check_id}/answers",
        "/api/v1/me/checks/due",
        "/api/v1/me/cards/due",
        "/api/v1/me/cards/{card_id}/reviews",
        "/api/v1/me/skills/{skill_id}/task",
    ):
        assert path in paths
