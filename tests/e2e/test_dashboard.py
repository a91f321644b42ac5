"""The dashboard in Chromium: a learner with eight weeks of history (seeded through the
services) sees every chart, follows the map into a skill, filters the log and prints the
portfolio; axe finds no serious or critical violation, in light and dark mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from masterpath.clock import Clock
from masterpath.services import Context, packs
from masterpath.store import make_database
from tests.conftest import make_settings
from tests.e2e.conftest import ARTIFACTS, Server, axe_violations, from_loaded
from tests.services.test_dashboard import seed

pytestmark = pytest.mark.e2e
EMAIL, PASSWORD = "ada@example.com", "correct horse b"


@pytest.fixture
def seeded(tmp_path: Path, loaded: Path) -> Iterator[Server]:
    from_loaded(loaded, tmp_path)  # the content and its vectors, computed once a session
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'masterpath.db'}")
    ctx = Context(settings, make_database(settings.url), Clock())
    packs.prepare(ctx)
    seed(ctx, EMAIL)
    ctx.db.dispose()
    server = Server(tmp_path)
    server.start()
    yield server
    server.stop()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)
    found = axe_violations(page)
    assert found == [], f"{page.url}: {found}"


def test_the_dashboard_shows_a_learners_history(seeded: Server, page: Page) -> None:
    base = seeded.base
    page.goto(base + "/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your progress")
    expect(page.locator("#map svg a")).to_have_count(2)
    expect(page.locator("#mastery svg")).to_contain_text("bar 70%")
    expect(page.locator("#log table.log tbody tr")).to_have_count(50)
    shot(page, "1-overview")

    page.select_option("#mastery-skill", "shell-basics")
    page.locator("#mastery form button").click()
    expect(page.locator("#mastery svg")).to_contain_text("Mastered")
    expect(page.locator("#mastery svg")).to_contain_text("Decaying")
    page.locator("#mastery").screenshot(path=str(ARTIFACTS / "dashboard-2-mastery.png"))

    page.select_option("#f-mode", "flashcard")
    page.fill("#f-from", "2000-01-01")
    page.locator("#log form button").click()
    expect(page.locator("#log table.log tbody tr").first).to_contain_text("Flashcard")
    page.locator("#log").screenshot(path=str(ARTIFACTS / "dashboard-3-log.png"))
    page.goto(base + "/dashboard?from=1999-12-31&outcome=maybe#log")
    expect(page.locator("#log [role=alert]")).to_contain_text("Outcome")
    expect(page.locator("#log [role=alert]")).to_contain_text("From")
    shot(page, "4-bad-filter")

    page.emulate_media(color_scheme="dark")
    page.goto(base + "/dashboard")
    shot(page, "5-dark")
    page.emulate_media(color_scheme="light")

    page.goto(base + "/dashboard/portfolio")
    expect(page.get_by_role("heading", level=1)).to_have_text("ada")
    expect(page.locator("article")).to_contain_text("Rubric criteria")
    page.emulate_media(media="print")
    shot(page, "6-portfolio-print")

    page.emulate_media(media="screen")
    page.goto(base + "/dashboard")
    page.locator("#map svg a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shell basics")
