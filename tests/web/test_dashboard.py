"""The dashboard over HTTP: the page and its charts, filters, exports and isolation."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from masterpath.services import Context, packs
from masterpath.web import create_app
from tests.services.test_study import RIGHT, SKILL, STUDY_PACK, WRONG, local
from tests.web.helpers import csrf, register, soup

TASK_TEXT = "find . -type f, then `sort -n` by size and head -3 for the first three"


def study(client: TestClient, answers: int = 8) -> None:
    """A track, some practice (right and wrong), a card review and a graded task."""
    track = client.post("/api/v1/tracks", json={"goal": "become a shell user"})
    assert track.status_code == 200 and track.json()["career"] == "shell-user", track.text
    for n in range(answers):
        item = client.get(f"/api/v1/me/skills/{SKILL}/next-item").json()["item"]
        response = (WRONG if n == 1 and local(item["id"]) in WRONG else RIGHT)[local(item["id"])]
        answered = client.post(
            "/api/v1/me/answers", json={"item_id": item["id"], "response": response, "seconds": 40}
        )
        assert answered.status_code == 200, answered.text
    card = client.get(f"/api/v1/me/cards/due?skill={SKILL}").json()["cards"][0]
    client.post(f"/api/v1/me/cards/{card['id']}/reviews", json={"rating": 3, "seconds": 6})
    task = client.post(f"/api/v1/me/skills/{SKILL}/task", json={"text": TASK_TEXT})
    assert task.json()["status"] == "graded", task.text


@pytest.fixture
def learner(ctx: Context) -> Iterator[TestClient]:
    packs.install(ctx, [STUDY_PACK])
    with TestClient(create_app(ctx.settings, context=ctx)) as client:
        register(client, "ada@example.com")
        client.headers["X-CSRF-Token"] = csrf(client, "/account")
        yield client


def test_the_dashboard_draws_every_section_with_a_table_view(learner: TestClient) -> None:
    study(learner)
    response = learner.get("/dashboard")
    assert response.status_code == 200, response.text
    page = soup(response.text)
    for section in ("map", "mastery", "cards", "heatmap", "pace", "log", "portfolio"):
        assert page.select_one(f"section#{section}") is not None, section
    charts = page.select("svg.chart")
    assert len(charts) == 6
    for chart in charts:
        assert chart.select_one("title") and chart.select_one("desc")
        assert chart.get("aria-labelledby")
    assert len(page.select("details table")) >= 5
    nodes = {a["href"]: a["aria-label"] for a in page.select("svg.map a")}
    assert nodes == {
        "/skills/shell-basics": "Shell basics: In progress",
        "/skills/shell-scripting": "Shell scripting: Locked",
    }
    assert "bar 70%" in page.select_one("#mastery svg").text  # type: ignore[union-attr]
    assert page.select_one("nav a[href='/dashboard']") is not None


def test_a_learner_without_a_track_is_sent_to_start(client: TestClient) -> None:
    register(client, "bo@example.com")
    page = soup(client.get("/dashboard").text)
    assert page.select_one("#map a[href='/start']") is not None
    assert "No graded answers yet" in page.text and "No graded task yet" in page.text


def test_the_dashboard_needs_a_login(client: TestClient) -> None:
    response = client.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert client.get("/api/v1/me/dashboard").status_code == 401
    assert client.get("/dashboard/evidence.csv", follow_redirects=False).status_code == 303


def test_bad_filters_are_a_400_naming_each_field(learner: TestClient) -> None:
    study(learner)
    cases = {
        "skill=nope": "skill",
        "mode=cramming": "mode",
        "outcome=maybe": "outcome",
        "grader=robot": "grader",
        "from=yesterday": "from",
        "to=2026-02-30": "to",
        "from=1999-12-31": "from",
        "to=2999-01-01": "to",
        "page=0": "page",
        "page=x": "page",
        "from=2026-05-02&to=2026-05-01": "to",
    }
    for query, field in cases.items():
        api = learner.get(f"/api/v1/me/dashboard/evidence?{query}")
        assert api.status_code == 400, (query, api.text)
        assert [e["field"] for e in api.json()["errors"]] == [field], query
        assert learner.get(f"/api/v1/me/dashboard/evidence.csv?{query}").status_code == 400
        html = learner.get(f"/dashboard?{query}")
        assert html.status_code == 400, query
        alert = soup(html.text).select_one("#log [role=alert]")
        assert alert is not None and field.capitalize() in alert.text, (query, alert)
    both = learner.get("/api/v1/me/dashboard/evidence?mode=x&outcome=y").json()
    assert [e["field"] for e in both["errors"]] == ["mode", "outcome"]
    assert learner.get("/dashboard?mastery=nope").status_code == 400
    assert learner.get("/dashboard?track=abc").status_code == 400
    for odd in ("²", "9" * 5000):  # digits to str.isdigit, not to int(): a 400, never a 500
        assert learner.get(f"/dashboard?track={odd}").status_code == 400
        assert learner.get(f"/api/v1/me/dashboard/evidence?page={odd}").status_code in (400, 422)
    assert learner.get("/api/v1/me/dashboard/mastery?skill=nope").status_code == 400


def test_filters_narrow_the_log_and_page_it(learner: TestClient) -> None:
    study(learner)
    everything = learner.get("/api/v1/me/dashboard/evidence").json()
    assert everything["total"] == 10 and everything["pages"] == 1
    assert {e["mode"] for e in everything["entries"]} == {"practice", "flashcard", "task"}
    cards = learner.get("/api/v1/me/dashboard/evidence?mode=flashcard").json()
    assert [(e["mode"], e["rating"], e["grader"]) for e in cards["entries"]] == [
        ("flashcard", "Good", "self")
    ]
    wrong = learner.get("/api/v1/me/dashboard/evidence?outcome=wrong&mode=practice").json()
    assert wrong["total"] == 1 and wrong["entries"][0]["score"] == 0
    today = everything["entries"][0]["answered_at"][:10]
    assert (
        learner.get(f"/api/v1/me/dashboard/evidence?from={today}&to={today}").json()["total"] == 10
    )
    assert learner.get("/api/v1/me/dashboard/evidence?to=2020-01-01").json()["total"] == 0
    past = learner.get("/api/v1/me/dashboard/evidence?page=9").json()
    assert past["entries"] == [] and past["total"] == 10


def test_csv_export_holds_the_filtered_log(learner: TestClient) -> None:
    study(learner)
    response = learner.get("/dashboard/evidence.csv?mode=practice")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 8 and {r["mode"] for r in rows} == {"practice"}
    assert {r["skill"] for r in rows} == {"Shell basics"}
    assert sorted(r["outcome"] for r in rows).count("wrong") == 1
    assert rows[0]["answered_at"] >= rows[-1]["answered_at"]
    api = learner.get("/api/v1/me/dashboard/evidence.csv").text
    assert len(list(csv.DictReader(io.StringIO(api)))) == 10


def test_portfolio_shows_graded_tasks_as_markdown_and_printable_html(learner: TestClient) -> None:
    study(learner)
    learner.post(f"/api/v1/me/skills/{SKILL}/task", json={"text": "<script>alert(1)</script>"})
    found = learner.get("/api/v1/me/dashboard/portfolio").json()
    (task,) = found["tasks"]
    assert task["skill_id"] == SKILL and task["passed"] and task["grader"] == "rubric"
    assert task["text"] == TASK_TEXT  # the best graded submission, not the latest
    assert all(c["met"] for c in task["criteria"])
    markdown = learner.get("/dashboard/portfolio.md")
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "# Portfolio — ada" in markdown.text and "## Shell basics" in markdown.text
    assert "| Finds files recursively. |" in markdown.text
    assert "> find . -type f" in markdown.text
    page = learner.get("/dashboard/portfolio")
    assert "style-src 'sha256-" in page.headers["content-security-policy"]
    html = soup(page.text)
    assert html.h1 is not None and html.h1.text == "ada"
    assert html.select_one(".answer code") is not None and html.select("script") == []
    assert "@media print" in html.style.text  # type: ignore[union-attr]
    download = learner.get("/dashboard/portfolio?download=1")
    assert "attachment" in download.headers["content-disposition"]


def test_another_learner_sees_none_of_it(learner: TestClient, ctx: Context) -> None:
    study(learner)
    (track,) = learner.get("/api/v1/me/tracks").json()
    with TestClient(create_app(ctx.settings, context=ctx)) as other:
        register(other, "bo@example.com")
        assert other.get(f"/dashboard?track={track['id']}").status_code == 404
        assert other.get(f"/api/v1/me/dashboard?track={track['id']}").status_code == 404
        mine = other.get("/api/v1/me/dashboard").json()
        assert mine["map"]["track_id"] is None and mine["forecast"]["cards"] == 0
        assert mine["activity"]["answers"] == 0
        for query in ("", f"?skill={SKILL}", "?mode=practice", "?grader=rubric"):
            assert other.get(f"/api/v1/me/dashboard/evidence{query}").json()["total"] == 0
        assert other.get("/dashboard/evidence.csv").text.count("\n") == 1  # the header only
        assert other.get(f"/api/v1/me/dashboard/mastery?skill={SKILL}").json()["points"] == []
        assert other.get("/api/v1/me/dashboard/portfolio").json()["tasks"] == []
        assert TASK_TEXT not in other.get("/dashboard/portfolio.md").text
        assert TASK_TEXT not in other.get("/dashboard").text


def test_openapi_lists_the_dashboard(learner: TestClient) -> None:
    paths = learner.get("/api/v1/openapi.json").json()["paths"]
    for path in ("", "/mastery", "/evidence", "/evidence.csv", "/portfolio"):
        assert f"/api/v1/me/dashboard{path}" in paths
    parameters = paths["/api/v1/me/dashboard/evidence"]["get"]["parameters"]
    assert {p["name"] for p in parameters} == {
        "skill",
        "mode",
        "outcome",
        "grader",
        "from",
        "to",
        "page",
    }
