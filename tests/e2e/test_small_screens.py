"""What a newcomer on a phone sees: a choice whose text holds inline code reads as one run of
text (not columns) at 390 px and on a desktop, and the top navigation is one line with a
"Menu" disclosure that reaches every link without a script. Screenshots: small-*.png."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.e2e.conftest import ARTIFACTS, axe_violations

pytestmark = pytest.mark.e2e
ITEM = "python-engineering:approx-float"
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)
ONE_LINE = 60  # px: the header's padding, border and one line of 1rem text with the "Menu" box

# The rectangles of the option's text before its <code>, the <code> and the text after it, the
# box around all of the label's text and of the radio button, in CSS pixels.
BOXES = """label => {
  const input = label.querySelector('input'), code = label.querySelector('code');
  const rects = node => { const r = document.createRange(); r.selectNodeContents(node);
    return [...r.getClientRects()].map(b => ({left: b.left, right: b.right, top: b.top,
                                              bottom: b.bottom})); };
  const box = b => ({left: b.left, right: b.right, top: b.top, bottom: b.bottom});
  const text = document.createRange();
  text.setStartAfter(input);
  text.setEndAfter(label.lastChild);
  return {before: rects(code.previousSibling), code: rects(code), after: rects(code.nextSibling),
          text: box(text.getBoundingClientRect()), radio: box(input.getBoundingClientRect())};
}"""


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"small-{name}.png"), full_page=True)
    found = axe_violations(page)
    assert found == [], f"{page.url}: {found}"


def register(page: Page, base: str, email: str) -> None:
    page.goto(base + "/register")
    page.get_by_label("Name").fill("Noor")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, Noor")


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url} scrolls sideways: {width} > {viewport} px"


def assert_runs_inline(boxes: dict[str, Any]) -> None:
    """The code continues the line its preceding text ends on (or, too long for what is left of
    it, starts the next line at the text column's left edge), the text after it continues the
    code's last line, and every line stays inside the text column, right of the radio. Columns
    fail this: a flex item's code sits beside the text, a gap away, on the text's first line."""
    before, code, after, text = boxes["before"][-1], boxes["code"], boxes["after"], boxes["text"]
    if abs(code[0]["top"] - before["top"]) <= 3:  # one line box
        assert abs(code[0]["left"] - before["right"]) <= 2, boxes  # no gap: not a column
    else:
        assert code[0]["top"] >= before["bottom"] - 3, boxes  # the next line down
        assert abs(code[0]["left"] - text["left"]) <= 2, boxes
    assert abs(after[0]["top"] - code[-1]["top"]) <= 3, boxes
    assert abs(after[0]["left"] - code[-1]["right"]) <= 2, boxes
    if len(after) > 1:  # a wrapped line starts again at the column's left edge
        assert abs(after[1]["left"] - text["left"]) <= 2, boxes
    every = [*boxes["before"], *code, *after]
    assert all(text["left"] - 1 <= r["left"] and r["right"] <= text["right"] + 1 for r in every)
    radio = boxes["radio"]
    assert radio["right"] < text["left"], boxes
    first = boxes["before"][0]  # the radio sits on the first line, not floating mid-label
    assert first["top"] - 4 <= radio["top"] and radio["bottom"] <= first["bottom"] + 4, boxes


def test_a_choice_with_inline_code_reads_as_one_line_of_text(server: str, page: Page) -> None:
    register(page, server, "noor.code@example.com")
    url = f"{server}/skills/python-engineering/practice?item={quote(ITEM)}"
    for name, size in (("390", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        page.goto(url)
        option = page.locator("label.choice", has=page.locator("code", has_text="pytest.approx"))
        expect(option).to_have_count(1)
        assert_runs_inline(option.evaluate(BOXES))
        no_sideways_scroll(page)
        shot(page, f"practice-code-{name}")
    page.set_viewport_size(PHONE)
    page.get_by_label("Mark the test").check()  # wrong: the feedback shows the answer in code
    page.get_by_role("button", name="Check my answer").click()
    answer = page.locator(".feedback p", has_text="The answer:")
    expect(answer.locator("code")).to_have_text("pytest.approx(0.15)")
    no_sideways_scroll(page)
    shot(page, "feedback-code-390")


def nav_links(page: Page) -> list[str]:
    found = page.locator("nav[aria-label=Main] details").locator("a, button")
    return [str(text).strip() for text in found.all_text_contents()]


def test_the_top_navigation_is_one_line_on_a_phone(server: str, page: Page) -> None:
    register(page, server, "noor.nav@example.com")
    page.goto(server + "/")
    every = nav_links(page)
    assert {"Careers", "Dashboard", "Review", "Mentor", "Noor", "Log out"} <= set(every)
    for link in every:  # a desktop shows them all in the bar, and no "Menu"
        expect(page.locator("nav details").get_by_text(link, exact=True)).to_be_visible()
    expect(page.locator("nav summary")).to_be_hidden()
    page.locator(".brand").focus()
    page.keyboard.press("Tab")  # straight from the brand to the first link: no hidden stop
    assert page.evaluate("document.activeElement.textContent.trim()") == every[0]

    page.set_viewport_size(PHONE)
    page.goto(server + "/")
    header = page.locator("header.site").bounding_box()
    assert header is not None and header["height"] <= ONE_LINE, header
    brand, menu = page.locator(".brand").bounding_box(), page.locator("nav summary").bounding_box()
    assert (
        brand
        and menu
        and abs(brand["y"] + brand["height"] / 2 - menu["y"] - menu["height"] / 2) < 4
    )
    expect(page.get_by_role("link", name="Dashboard")).to_be_hidden()
    no_sideways_scroll(page)
    shot(page, "nav-390-closed")

    # The keyboard alone: skip link, brand, "Menu", Enter, then every link in turn.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    reached = []
    for _ in every:
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        assert page.evaluate("document.activeElement.checkVisibility()"), reached
    assert reached == every
    header = page.locator("header.site").bounding_box()
    assert header is not None and header["height"] <= ONE_LINE  # the open menu overlays the page
    shot(page, "nav-390-open")
    page.get_by_role("link", name="Review").click()
    expect(page).to_have_url(server + "/review")
