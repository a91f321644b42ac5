"""A visitor reads the AI Engineering Architect guide, registers and logs in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, axe_violations

pytestmark = pytest.mark.e2e

GUIDE_FACTS = [
    "$120,000 – $180,000",
    "Extremely high",
    "6–12 months",
    "Advanced",
    "Job experience: 3–6 months",
    "Job experience: 1–2 years",
    "Job experience: 2–3 years",
    "Job experience: Ongoing",
    "AWS Certified Machine Learning - Specialty",
    "Amazon Web Services (AWS)",
    "Google Professional Machine Learning Engineer",
    "Google Cloud",
    "Microsoft Certified: Azure AI Engineer Associate",
    "Microsoft",
    "Kubernetes and Cloud Native Associate (KCNA)",
    "Cloud Native Computing Foundation (CNCF)",
]
SECTIONS = ["role", "learn", "highlights", "audience", "path", "certifications", "faq"]


def check_accessible(page: Page) -> None:
    found = axe_violations(page)
    assert found == [], f"{page.url}: {found}"


def test_catalogue_to_guide_with_every_section(server: str, page: Page) -> None:
    page.goto(server + "/")
    check_accessible(page)
    page.get_by_role("link", name="AI Engineering Architect").first.click()
    expect(page).to_have_url(re.compile(r"/careers/ai-engineering-architect$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("AI Engineering Architect")
    for section in SECTIONS:
        expect(page.locator(f"#{section}")).to_be_visible()
    text = page.locator("main").inner_text()
    for fact in GUIDE_FACTS:
        assert fact in text, fact
    expect(page.locator("ol.stages > li")).to_have_count(4)
    expect(page.locator("#highlights li")).to_have_count(5)
    expect(page.locator("#audience li")).to_have_count(4)
    expect(page.locator("#certifications li.card")).to_have_count(4)
    expect(page.locator("#faq details")).to_have_count(6)
    page.locator("#faq summary").first.click()
    expect(page.locator("#faq details").first.locator("p").first).to_be_visible()
    check_accessible(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "guide.png"), full_page=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "guide-top.png"))


def test_register_log_out_and_log_in_through_the_forms(server: str, page: Page) -> None:
    page.goto(server + "/register")
    check_accessible(page)
    page.get_by_label("Name").fill("Grace")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, Grace")
    expect(page.locator("dl.facts")).to_contain_text("Asia/Tokyo")  # the browser's time zone
    check_accessible(page)
    page.get_by_role("button", name="Log out").click()
    page.goto(server + "/login")
    check_accessible(page)
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password").fill("wrong password here")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Email or password is not right.")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Grace")).to_be_visible()


def test_narrow_screen_dark_mode_and_other_pages_stay_accessible(server: str, page: Page) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    page.emulate_media(color_scheme="dark")
    for path in ("/", "/careers/ai-engineering-architect", "/start", "/login", "/nowhere"):
        page.goto(server + path)
        check_accessible(page)
    page.goto(server + "/careers/ai-engineering-architect")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways at 360 px: {width}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "guide-360-dark.png"), full_page=False)
    page.get_by_role("button", name="Light mode").click()
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    check_accessible(page)
