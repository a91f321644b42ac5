"""The lab page, its links from the skill and task pages, and where a skill's hours come from."""

from __future__ import annotations

from fastapi.testclient import TestClient

from masterpath.services import Context, skills
from tests.services.test_study import SKILL
from tests.web.helpers import soup
from tests.web.test_study_pages import learner

__all__ = ["learner"]  # the fixture: a signed-in learner with the study pack installed
LINK = "Lab: Find the largest files in a project folder (about 45 min)"


def test_skill_page_links_the_lab_with_its_title_and_minutes(learner: TestClient) -> None:
    page = soup(learner.get(f"/skills/{SKILL}").text)
    links = {a.text.strip(): a["href"] for a in page.select("a")}
    assert links[LINK] == f"/skills/{SKILL}/lab"
    assert links["Lab"] == f"/skills/{SKILL}/lab"  # beside Practise and Applied task


def test_task_page_links_the_lab(learner: TestClient) -> None:
    page = soup(learner.get(f"/skills/{SKILL}/task").text)
    (link,) = [a for a in page.select("a") if a.text.startswith("Lab:")]
    assert (link.text, link["href"]) == (LINK, f"/skills/{SKILL}/lab")


def test_lab_page_renders_the_sections_sanitised(learner: TestClient) -> None:
    response = learner.get(f"/skills/{SKILL}/lab")
    assert response.status_code == 200
    page = soup(response.text)
    assert page.h1 and page.h1.text == "Find the largest files in a project folder"
    article = page.select_one("article.lab")
    assert article is not None
    sections = [(h.get("id"), h.text) for h in article.select("h2")]
    assert sections == [
        ("what-you-will-build", "What you will build"),
        ("starting-point", "Starting point"),
        ("steps", "Steps"),
        ("expected-result", "Expected result"),
        ("how-to-check", "How to check"),
        ("going-further", "Going further"),
    ]
    code = article.select_one("pre code")
    assert article.select("ol li") and code is not None and "## sizes" in code.text
    assert not article.select("script")  # raw HTML in the lab is shown as text, never run
    assert "&lt;script&gt;document.title" in response.text
    assert "about 45 min" in page.text
    assert f"/skills/{SKILL}/task" in {a["href"] for a in article.select("a")}


def test_a_skill_without_a_lab_has_no_link_and_its_lab_page_is_404(learner: TestClient) -> None:
    page = soup(learner.get("/skills/shell-scripting").text)
    assert not [a for a in page.select("a") if str(a["href"]).endswith("/lab")]
    missing = learner.get("/skills/shell-scripting/lab")
    assert missing.status_code == 404 and "has no lab yet" in missing.text
    assert learner.get("/skills/no-such-skill/lab").status_code == 404


def test_the_lab_needs_a_signed_in_learner(learner: TestClient) -> None:
    learner.cookies.clear()
    response = learner.get(f"/skills/{SKILL}/lab", follow_redirects=False)
    assert response.status_code in {303, 401}


def test_skill_page_shows_where_the_hours_come_from(learner: TestClient, ctx: Context) -> None:
    breakdown = skills.page(ctx, user_id=1, skill_id=SKILL).where_hours
    page = soup(learner.get(f"/skills/{SKILL}").text)
    section = page.select_one("section#hours")
    assert section is not None and section.h2 is not None
    assert section.h2.text == "Where the 3 hours come from"
    rows = [[td.text for td in tr.select("th, td")] for tr in section.select("tbody tr")]
    assert [row[0] for row in rows] == [
        "Lesson",
        "Lab",
        "Resources",
        "Practice",
        "Flashcards",
        "Applied task",
    ]
    assert rows[1][1:] == ["45 min", "the lab's own estimate"]
    assert rows[2][1:] == [
        "30 min",
        "the minutes listed on 1 resource; 1 without minutes, counted as 0",
    ]
    assert [part.minutes for part in breakdown.parts][1:3] == [45.0, 30.0]
    assert section.select_one("tfoot td") is not None


def test_the_skill_api_carries_the_lab_and_where_the_hours_come_from(learner: TestClient) -> None:
    body = learner.get(f"/api/v1/me/skills/{SKILL}").json()
    assert body["lab"]["title"] == "Find the largest files in a project folder"
    assert body["lab"]["minutes"] == 45
    parts = {part["name"]: part["minutes"] for part in body["where_hours"]["parts"]}
    assert (body["where_hours"]["stated_hours"], parts["lab"], parts["resources"]) == (3, 45, 30)
