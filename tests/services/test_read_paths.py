"""The read paths' statement budgets (the next item, the card queue, the dashboard): counted
with the engine's execute events as `test_hot_paths.py` counts the answer's, on whichever
database the tests run on, so that the counts cannot creep back."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from itertools import cycle

import pytest

from masterpath.clock import Clock
from masterpath.services import Context, accounts, cards, dashboard, mastery, packs, practice
from tests.services.test_dashboard import seed
from tests.services.test_hot_paths import SKILL, STUDY_PACK, answer_next, statements
from tests.services.test_mastery_walk import answer
from tests.services.test_study import practise_until_ready

NEXT_ITEM_BUDGET = 2
QUEUE_BUDGET = 6  # was 8, and one more for each card due (11 here)
OVERVIEW_BUDGET = 8  # was 18 in five units of work; one more for a daylight-saving change


@pytest.fixture
def user(ctx: Context) -> int:
    return accounts.register(ctx, email="ada@example.com", password="correct horse b").id


def test_the_next_item_takes_two_statements(ctx: Context, user: int) -> None:
    packs.install(ctx, [STUDY_PACK])
    practice.next_practice(ctx, user_id=user, skill_id=SKILL)  # fills the content caches
    for n in range(8):
        with statements(ctx) as seen:
            shown = practice.next_practice(ctx, user_id=user, skill_id=SKILL)
        assert shown.reason == "practice" and shown.item is not None
        assert len(seen) == NEXT_ITEM_BUDGET, seen
        assert all(s.startswith(("SELECT", "(SELECT")) for s in seen), seen
        answer_next(ctx, user, n)


def test_a_worked_example_takes_no_statement_more(ctx: Context, user: int) -> None:
    packs.install(ctx, [STUDY_PACK])
    practise_until_ready(ctx, user)
    mastery.place(ctx, user_id=user, skill_ids=[SKILL])
    for _ in range(10):
        practice.answer(ctx, user_id=user, item_id="shell-scripting:exit-zero", response=7)
    practice.next_practice(ctx, user_id=user, skill_id="shell-scripting")  # fills the item cache
    with statements(ctx) as seen:
        shown = practice.next_practice(ctx, user_id=user, skill_id="shell-scripting")
    assert shown.reason == "worked_example" and shown.worked_example is not None
    assert len(seen) == NEXT_ITEM_BUDGET, seen
    assert shown.item is not None and shown.item.skill_id == "shell-scripting"


def test_a_prerequisite_item_takes_one_statement_more(ctx: Context, user: int) -> None:
    mastery.place(ctx, user_id=user, skill_ids=["python-basics", "sql-basics"])
    items = cycle(["dedupe-ratio"])
    for _ in range(10):
        answer(ctx, user, "data-cleaning", next(items), 0.0)
    practice.next_practice(ctx, user_id=user, skill_id="data-cleaning")  # fills the caches
    with statements(ctx) as seen:
        shown = practice.next_practice(ctx, user_id=user, skill_id="data-cleaning")
    assert shown.reason == "prerequisite", shown
    assert shown.item is not None and shown.item.skill_id != "data-cleaning"
    assert len(seen) == NEXT_ITEM_BUDGET + 1, seen


def test_the_card_queue_keeps_to_its_statements(ctx: Context, user: int) -> None:
    packs.install(ctx, [STUDY_PACK])
    answer_next(ctx, user, 0)  # the skill is started: its new cards may be introduced
    queue = cards.queue(ctx, user_id=user, skill_id=SKILL)  # fills the content caches
    for card in queue.cards[:3]:
        cards.rate(ctx, user_id=user, card_id=card.id, rating=3)
    later = dataclasses.replace(ctx, clock=Clock(timedelta(days=30)))
    with statements(later) as seen:
        due = cards.queue(later, user_id=user, skill_id=SKILL)
    assert sum(not c.new for c in due.cards) == 3 and any(c.new for c in due.cards)
    assert len(seen) <= QUEUE_BUDGET, seen


def test_the_dashboard_reads_each_row_once(ctx: Context) -> None:
    learner = seed(ctx)
    dashboard.overview(ctx, user_id=learner)  # fills the content caches
    with statements(ctx) as seen:
        found = dashboard.overview(ctx, user_id=learner)
    assert found.map.nodes and found.forecast.cards and found.activity.answers
    assert len(seen) <= OVERVIEW_BUDGET, seen
    assert all(s.startswith(("SELECT", "WITH")) for s in seen), seen
    assert sum(" FROM users" in s for s in seen) == 1, seen
