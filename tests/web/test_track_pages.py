"""Goal intake and the track page over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.helpers import csrf, register, soup


def intake(client: TestClient, **fields: str) -> object:
    data = {"goal": "orchestrate data pipelines", "hours_per_week": "5", **fields}
    return client.post(
        "/start", data={**data, "csrf_token": csrf(client, "/start")}, follow_redirects=False
    )


def test_intake_builds_a_track_page(client: TestClient) -> None:
    register(client, "ada@example.com")
    response = intake(client)
    assert response.status_code == 303  # type: ignore[attr-defined]
    page = soup(client.get(response.headers["location"]).text)  # type: ignore[attr-defined]
    assert page.h1 and page.h1.text == "Pipeline Builder"
    assert "Your track is ready." in page.text and "Study finishes" in page.text
    links = [a["href"] for a in page.select(".stages a")]
    assert links.index("/skills/python-basics") < links.index("/skills/pipeline-orchestration")


def test_no_match_says_so_and_lists_the_careers(client: TestClient) -> None:
    register(client, "ada@example.com")
    response = intake(client, goal="become a pastry chef")
    assert response.status_code == 200  # type: ignore[attr-defined]
    page = soup(response.text)  # type: ignore[attr-defined]
    assert "None of the installed careers fits" in page.text
    assert client.get("/api/v1/me/tracks").json() == []


def test_bad_intake_is_a_400_naming_the_field(client: TestClient) -> None:
    register(client, "ada@example.com")
    for fields, message in (
        ({"hours_per_week": "0"}, "hours per week"),
        ({"target_date": "2001-01-01"}, "not in the future"),
        ({"target_date": "someday"}, "is not a date"),
    ):
        response = intake(client, **fields)
        assert response.status_code == 400 and message in response.text  # type: ignore[attr-defined]
    assert client.get("/api/v1/me/tracks").json() == []


def test_replanning_over_the_api_reports_changes(client: TestClient) -> None:
    register(client, "ada@example.com")
    client.headers["X-CSRF-Token"] = csrf(client, "/account")
    made = client.post("/api/v1/tracks", json={"goal": "orchestrate data pipelines"}).json()
    track = made["track"]
    assert made["career"] == "pipeline-builder" and track["id"]
    again = client.put(
        f"/api/v1/me/tracks/{track['id']}",
        json={"goal": "clean messy tables as a data wrangler", "hours_per_week": 3},
    )
    assert again.status_code == 200
    body = again.json()
    assert (
        body["career"] == "data-wrangler" and "pipeline-orchestration" in body["changes"]["removed"]
    )
    assert client.get("/api/v1/me/tracks").json()[0]["career"] == "data-wrangler"
    assert client.post("/api/v1/tracks", json={"goal": ""}).status_code == 400


def test_the_start_page_asks_visitors_to_sign_in(client: TestClient) -> None:
    page = soup(client.get("/start").text)
    assert page.select("form[action='/start']") == [] and "Create an account" in page.text


def test_a_goal_in_another_language_is_told_which_languages_are_covered(
    client: TestClient,
) -> None:
    register(client, "ada@example.com")
    response = intake(client, goal="Quiero ser ingeniero de datos y orquestar pipelines")
    assert response.status_code == 200  # type: ignore[attr-defined]
    page = soup(response.text)  # type: ignore[attr-defined]
    assert "looks written in Spanish" in page.text and "in English only" in page.text
    client.headers["X-CSRF-Token"] = csrf(client, "/account")
    body = client.post("/api/v1/tracks", json={"goal": "Ich möchte Datenpipelines bauen"}).json()
    assert body["career"] is None and body["track"] is None
    assert "German" in body["message"] and "in English only" in body["message"]
    assert client.get("/api/v1/me/tracks").json() == []
