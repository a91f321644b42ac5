"""The whole journey in the browser: register, a goal becomes a track, the diagnostic, then the
skill: read, practise with a hint and the mentor's feedback, review cards, pass the mastery check,
hand in the task and, with the development clock moved past the delay, pass the retention check.
The skill is mastered, the next stage opens and the dashboard shows it; an instructor's cohort
takes the learner in and the instructor sees her progress. Screenshots: journey-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ARTIFACTS, PASSWORD, Server, axe_violations
from tests.services.test_study import RIGHT, WRONG, local

pytestmark = pytest.mark.e2e
SKILL = "shell-basics"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)
    found = axe_violations(page)
    assert found == [], f"{page.url}: {found}"


def fill(page: Page, value: Any) -> None:
    """Answer the item on the page through its form controls."""
    form = page.locator("form.item-form")
    if form.locator("input[name^=rank-]").count():
        for position, option in enumerate(value, start=1):
            form.locator(f"input[name='rank-{option}']").fill(str(position))
    elif form.locator("input[type=checkbox]").count():
        for option in value:
            form.locator(f"input[type=checkbox][value='{option}']").check()
    elif form.locator("input[type=radio]").count():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        form.locator(f"input[type=radio][value='{text}']").check()
    else:
        form.locator("[name=response]").fill(str(value))


def estimate_met(page: Page, base: str) -> bool:
    body = page.request.get(f"{base}/api/v1/me/skills/{SKILL}/mastery").json()
    return bool(body["checklist"][0]["met"])


def test_a_learner_masters_a_skill_and_opens_the_next_stage(
    study_server: Server, page: Page, browser: Browser
) -> None:
    base = study_server.base
    page.goto(base + "/register")
    page.get_by_label("Name").fill("Ana")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()

    # Goal intake: a goal in the learner's words becomes a track over the Shell User career.
    page.goto(base + "/start")
    page.get_by_label("Your goal").fill("I want to get around a Unix shell and automate chores")
    page.get_by_label("Hours of study a week").fill("4")
    page.get_by_role("button", name="Build my track").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shell User")
    shot(page, "0a-track")

    # The diagnostic: a newcomer misses every question, so nothing is placed.
    page.get_by_role("button", name="Take the diagnostic").click()
    for _ in range(15):
        if page.locator("#placed-h").count():
            break
        item = page.locator("form.item-form input[name=item_id]").get_attribute("value")
        assert item is not None
        fill(page, {**WRONG, "exit-zero": 7, "set-e": False}[local(item)])
        page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#placed-h")).to_contain_text("0 skills placed")
    shot(page, "0b-diagnostic")
    page.get_by_role("link", name="See your track").click()
    page.goto(base + "/careers/shell-user")
    expect(page.locator("#stage-scripting")).to_contain_text("Stage locked")
    page.get_by_role("link", name="Shell basics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shell basics")
    expect(page.locator("#lesson")).to_contain_text("An absolute path starts at the root")
    assert page.title() != "unsafe" and page.locator("#lesson script").count() == 0
    shot(page, "1-skill")

    # Practice: a hint first, then answers until the estimate passes.
    page.get_by_role("link", name="Practise").click()
    page.goto(f"{base}/skills/{SKILL}/practice?item={SKILL}:abs-path")
    page.get_by_role("button", name="Show a hint (1 of 2)").click()
    expect(page.locator("ol.hints")).to_contain_text("Where does the path start?")
    fill(page, "b")
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#fb-h")).to_have_text("Correct")
    shot(page, "2-practice-feedback")

    # The mentor beside the lesson explains it, cites the section it used, streaming. The
    # question shares no word with the section's own ("absolute", "relative", "path"): it is
    # found by meaning.
    page.goto(f"{base}/skills/{SKILL}")
    page.get_by_role("link", name="Ask the mentor").click()
    panel = page.locator("aside.mentor-panel")
    panel.get_by_role("textbox").fill(
        "how do I write down where a file lives so it works no matter which folder I'm in?"
    )
    panel.get_by_role("button", name="Ask", exact=True).click()
    expect(panel.locator(".turn.mentor").last).to_contain_text("From “Paths” [1]")
    expect(panel.locator(".turn.mentor").last).to_contain_text("starts at the root")
    expect(panel.locator(".turn.mentor a").first).to_have_attribute(
        "href", f"/skills/{SKILL}#paths"
    )
    shot(page, "2b-mentor")

    # A wrong answer, then feedback from the mentor beside the item: it names the choice, never
    # the key; then the next rung of the hint ladder. The mentor tells the mode from the words.
    page.goto(f"{base}/skills/{SKILL}/practice?item={SKILL}:cd-home")
    fill(page, "a")
    page.get_by_role("button", name="Check my answer").click()
    page.get_by_role("link", name="Ask the mentor why").click()
    page.get_by_label("Your question").fill("why was my answer wrong?")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.locator(".turn.mentor").last).to_contain_text("You picked “cd /”")
    expect(page.locator(".turn.mentor").last).to_contain_text("A likely mix-up")
    page.get_by_label("Your question").fill("I'm stuck, a hint please")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.locator(".turn.mentor").last).to_contain_text("Hint")
    shot(page, "2c-mentor-feedback")
    page.get_by_role("link", name="Mentor", exact=True).click()  # every conversation, by skill
    expect(page.locator("tbody tr")).to_have_count(1)
    shot(page, "2d-mentor-index")
    page.goto(f"{base}/skills/{SKILL}/practice")
    for _ in range(30):
        if estimate_met(page, base):
            break
        if page.get_by_role("link", name="Next item").count():
            page.get_by_role("link", name="Next item").click()
        item = page.locator("form.item-form input[name=item_id]").get_attribute("value")
        assert item is not None
        fill(page, RIGHT[local(item)])
        page.get_by_role("button", name="Check my answer").click()
        expect(page.locator("#fb-h")).to_have_text("Correct")
    assert estimate_met(page, base)

    # Flashcards: space reveals, 3 rates Good.
    page.goto(f"{base}/review?skill={SKILL}")
    front = page.locator(".front").inner_text()
    page.keyboard.press(" ")
    expect(page.locator(".back")).to_be_visible()
    shot(page, "3-review")
    page.keyboard.press("3")
    expect(page.locator(".front")).not_to_have_text(front)

    # The mastery check: no feedback until the end.
    page.goto(f"{base}/skills/{SKILL}")
    page.get_by_role("button", name="Take the mastery check").click()
    for _ in range(4):
        expect(page.locator("form.item-form")).to_be_visible()
        item = page.locator("form.item-form input[name=item_id]").get_attribute("value")
        assert item is not None
        fill(page, RIGHT[local(item)])
        page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#result-h")).to_contain_text("Passed: 4 of 4 correct")
    shot(page, "4-mastery-check")

    # The lab, linked from the applied task: a hands-on exercise on the learner's own machine.
    page.goto(f"{base}/skills/{SKILL}/task")
    page.get_by_role("link", name="Lab: Find the largest files in a project folder").click()
    expect(page.locator("h1")).to_have_text("Find the largest files in a project folder")
    expect(page.locator("#how-to-check")).to_be_visible()
    shot(page, "4b-lab")

    # The applied task, scored by the rubric grader.
    page.goto(f"{base}/skills/{SKILL}/task")
    page.get_by_label("Your work").fill(
        "find . -type f -exec du -h {} + | sort -h | tail -3 shows the first three largest files"
    )
    page.get_by_role("button", name="Hand in").click()
    expect(page.locator("#latest")).to_contain_text("passed")
    shot(page, "5-task")
    page.goto(f"{base}/skills/{SKILL}")
    expect(page.locator(".checklist")).to_contain_text("Retention check — due from")

    # Two days later (development clock): the retention check is due and completes mastery.
    study_server.stop()
    study_server.start("+49h")
    page.goto(f"{base}/review")
    expect(page.locator("main")).to_contain_text("completes mastery")
    page.goto(f"{base}/skills/{SKILL}")
    page.get_by_role("button", name="Take the retention check").click()
    for _ in range(3):
        item = page.locator("form.item-form input[name=item_id]").get_attribute("value")
        assert item is not None
        fill(page, RIGHT[local(item)])
        page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#result-h")).to_contain_text("Passed: 3 of 3 correct")
    page.get_by_role("link", name="Back to the skill").last.click()
    expect(page.locator("#status-h")).to_contain_text("Mastered")
    shot(page, "6-mastered")
    page.goto(base + "/careers/shell-user")
    expect(page.locator("#stage-scripting")).to_contain_text("Stage unlocked")
    expect(page.locator("#stage-scripting")).to_contain_text("Available")
    shot(page, "7-next-stage")

    # The dashboard shows it: the skill mastered on the map, the next one open.
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("#map a[aria-label='Shell basics: Mastered']")).to_be_visible()
    expect(page.locator("#map a[aria-label='Shell scripting: Available']")).to_be_visible()
    expect(page.locator("#log table.log tbody tr").first).to_be_visible()
    shot(page, "8-dashboard")

    # An instructor opens a cohort; the learner joins with its code; the instructor sees her.
    teacher = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    tess = teacher.new_page()
    tess.goto(f"{base}/login")
    tess.get_by_label("Email").fill("tess@example.com")
    tess.get_by_label("Password").fill(PASSWORD)
    tess.get_by_role("button", name="Log in").click()
    tess.get_by_role("link", name="Instructor").click()
    tess.get_by_label("Name").fill("Evening shell class")
    tess.get_by_role("button", name="Create cohort").click()
    code = tess.locator("code.invite").inner_text()
    page.goto(f"{base}/cohorts")
    page.get_by_label("Invite code from your instructor").fill(code)
    page.get_by_role("button", name="Join").click()
    expect(page.locator("main")).to_contain_text("Evening shell class")
    tess.reload()
    row = tess.locator("tbody tr", has_text="Ana").first
    expect(row).to_contain_text("Shell User")
    expect(row).to_contain_text("1 of 2")
    expect(row).to_contain_text("Shell scripting")
    shot(tess, "9-instructor")
    teacher.close()
