"""A learner reports an item's key in the browser; an admin sees the report and voids the
answers graded against it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ARTIFACTS, PASSWORD, Server, axe_violations

pytestmark = pytest.mark.e2e
ITEM = "shell-basics:abs-path"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"item-reports-{name}.png"), full_page=True)
    found = axe_violations(page)
    assert found == [], f"{page.url}: {found}"


def test_a_learner_reports_an_item_and_an_admin_voids_it(
    study_server: Server, page: Page, browser: Browser
) -> None:
    base = study_server.base
    make = ["user", "create-admin", "root@example.com", "--password", PASSWORD]
    run = [sys.executable, "-m", "masterpath", *make]
    subprocess.run(run, env=study_server.env(""), check=True, capture_output=True)

    page.goto(f"{base}/register")
    page.get_by_label("Name").fill("Ann")
    page.get_by_label("Email").fill("ann@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.goto(f"{base}/skills/shell-basics/practice?item={ITEM}")
    page.get_by_label("docs/notes.txt").check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_role("heading", name="Not this time")).to_be_visible()
    page.get_by_text("Report a problem with this item").click()
    page.get_by_label("The answer key is wrong").check()
    page.get_by_label("Note (optional, up to 2,000 characters)").fill("docs/ is absolute here")
    shot(page, "1-feedback")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    shot(page, "2-sent")

    admin = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    root = admin.new_page()
    root.goto(f"{base}/login")
    root.get_by_label("Email").fill("root@example.com")
    root.get_by_label("Password").fill(PASSWORD)
    root.get_by_role("button", name="Log in").click()
    root.goto(f"{base}/admin/reports")
    row = root.locator(f'tr[data-item="{ITEM}"]')
    expect(row.locator(".count")).to_have_text("1")
    expect(row).to_contain_text("docs/ is absolute here")
    shot(root, "3-reports")
    row.get_by_label("Reason learners will see").fill("the key named the wrong option")
    row.get_by_role("button", name="Void the graded answers").click()
    expect(root.get_by_role("status")).to_contain_text("Voided")
    expect(root.locator("main")).to_contain_text("No open reports.")
    root.goto(f"{base}/instructor/items?min_answers=1")
    expect(root.get_by_role("heading", level=1)).to_have_text("Item statistics")
    expect(root.locator(f'tr[data-item="{ITEM}"]')).to_have_count(0)
    shot(root, "4-stats")
    admin.close()
