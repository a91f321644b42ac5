from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.helpers import soup


def test_catalogue_lists_installed_careers(client: TestClient) -> None:
    page = soup(client.get("/").text)
    links = {a["href"] for a in page.select(".cards a")}
    assert links == {"/careers/data-wrangler", "/careers/pipeline-builder"}


def test_guide_shows_every_section(client: TestClient) -> None:
    response = client.get("/careers/data-wrangler")
    assert response.status_code == 200
    page = soup(response.text)
    assert page.h1 is not None and page.h1.text == "Data Wrangler"
    for section in (
        "role",
        "learn",
        "highlights",
        "audience",
        "path",
        "certifications",
        "faq",
        "interview",
        "resources",
    ):
        assert page.find(id=section) is not None, section
    facts = page.select_one("dl.facts").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "$50,000 – $70,000" in facts and "3–6 months" in facts and "Beginner" in facts
    stages = page.select("ol.stages > li")
    assert [s.h3.get_text(" ", strip=True) for s in stages] == [  # type: ignore[union-attr]
        "1 Learn the basics",
        "2 Clean real data",
    ]
    assert "Job experience: Ongoing" in stages[1].text
    assert page.select_one('a[href="/start?career=data-wrangler"]') is not None


def test_unknown_career_is_a_404_page_and_a_json_error(client: TestClient) -> None:
    page = client.get("/careers/astronaut")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "no career called 'astronaut'" in soup(page.text).get_text()
    api = client.get("/api/v1/careers/astronaut")
    assert api.status_code == 404
    assert api.json() == {
        "ok": False,
        "error": "no career called 'astronaut'",
        "errors": [],
        "status": 404,
    }


def test_unknown_route_uses_the_same_error_shape(client: TestClient) -> None:
    assert client.get("/api/v1/nothing").json()["status"] == 404
    assert client.get("/nowhere").status_code == 404


def test_api_lists_careers_and_serves_a_guide(client: TestClient) -> None:
    careers = client.get("/api/v1/careers").json()
    assert [c["slug"] for c in careers] == ["data-wrangler", "pipeline-builder"]
    assert careers[0]["salary"]["min"] == 50000
    guide = client.get("/api/v1/careers/pipeline-builder").json()
    assert guide["stages"][1]["skills"] == ["pipeline-orchestration"]
    assert guide["skill_titles"]["pipeline-orchestration"] == "Pipeline orchestration"


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/careers/{slug}" in spec["paths"]


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["ok"] is True


def test_security_headers_are_set(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_start_page_names_the_chosen_career(client: TestClient) -> None:
    page = soup(client.get("/start?career=pipeline-builder").text)
    chosen = page.select_one(".card.chosen a")
    assert chosen is not None and chosen["href"] == "/careers/pipeline-builder"


def test_certification_shows_when_its_facts_were_checked_and_its_successor(
    client: TestClient,
) -> None:
    page = soup(client.get("/careers/data-wrangler").text)
    (card,) = page.select("#certifications li.card")
    assert card.select_one(".exam-code").get_text() == "FDC-01"  # type: ignore[union-attr]
    checked = card.select_one(".as-of")
    assert checked is not None and "checked 2026-05-01" in checked.get_text(" ", strip=True)
    assert checked.time is not None and checked.time["datetime"] == "2026-05-01"
    status = card.select_one(".cert-status.status-retiring")
    assert status is not None
    text = " ".join(status.get_text().split())
    assert text.startswith("Retiring on 2026-12-31; successor:")
    assert status.select_one(".successor").get_text() == "Fixture Data Certificate II"  # type: ignore[union-attr]
