"""Intake → diagnostic → track in Chromium, on the built-in careers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, axe_violations

pytestmark = pytest.mark.e2e


def check(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"track-{name}.png"), full_page=True)
    found = axe_violations(page)
    assert found == [], f"{page.url}: {found}"


def answer_anything(page: Page) -> None:
    """Answer the question on the page without knowing the topic: a beginner's attempt."""
    form = page.locator("form.item-form")
    if form.locator("input[name^=rank-]").count():
        ranks = form.locator("input[name^=rank-]")
        for n in range(ranks.count()):
            ranks.nth(n).fill(str(ranks.count() - n))
    elif form.locator("input[type=checkbox]").count():
        form.locator("input[type=checkbox]").first.check()
    elif form.locator("input[type=radio]").count():
        form.locator("input[type=radio]").last.check()
    else:
        form.locator("[name=response]").fill("1")


def test_intake_diagnostic_and_track(server: str, page: Page) -> None:
    page.goto(server + "/register")
    page.get_by_label("Name").fill("Lin")
    page.get_by_label("Email").fill("lin@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()

    page.goto(server + "/start")
    page.get_by_label("Your goal").fill("become a pastry chef")
    page.get_by_role("button", name="Build my track").click()
    expect(page.get_by_role("alert")).to_contain_text("None of the installed careers fits")
    check(page, "1-no-match")

    page.get_by_label("Your goal").fill("I'm a DevOps engineer and want to design ML platforms")
    page.get_by_label("Your background").fill("devops engineer, kubernetes and CI/CD")
    page.get_by_label("Hours of study a week").fill("6")
    page.get_by_role("button", name="Build my track").click()
    expect(page).to_have_url(re.compile(r"/tracks/\d+"))
    expect(page.get_by_role("heading", level=1)).to_have_text("AI Engineering Architect")
    expect(page.locator("main")).to_contain_text("Study finishes")
    check(page, "2-track")

    page.get_by_role("button", name="Take the diagnostic").click()
    for _ in range(15):
        if page.locator("#placed-h").count():
            break
        expect(page.locator("form.item-form")).to_be_visible()
        answer_anything(page)
        page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#placed-h")).to_contain_text("placed after")
    check(page, "3-diagnostic")
    page.get_by_role("link", name="See your track").click()
    expect(page.locator("#diag-h")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Done:")
