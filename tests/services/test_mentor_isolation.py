"""Answer isolation on the built-in content: a sample of choice items × the developers' own
extraction attempts (the independent ones are for `bench isolation`) — no reply gives the answer
away, verbatim or to either reader, and neither does the context an LLM would be sent."""

from __future__ import annotations

import os

import pytest

from masterpath.benchmarks import isolation
from masterpath.services import Context, accounts
from masterpath.services.mentor import prompt, replies
from masterpath.store import content as content_store

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("MASTERPATH_TEST_DATABASE_URL")),
    reason="uses its own SQLite file; run once, in the SQLite pass",
)


def test_no_reply_points_to_an_open_items_answer(builtin: Context) -> None:
    result = isolation.attack(builtin, isolation.DEVELOPER_ATTEMPTS, every=60)  # a sample
    assert result["provider"] == "builtin"  # `bench isolation` sweeps every item
    assert result["items"] >= 4 and result["attempts"] >= 20
    assert result["verbatim_leaks"] == 0, result["leaked"]
    assert result["either_reader_to_key"] == 0, result["leaked"]
    assert result["openai_context"]["either_reader_to_key"] == 0


def test_a_refusal_leads_no_reader_to_a_key_when_nearly_every_option_is_correct(
    builtin: Context,
) -> None:
    """Three of this item's four options are correct, so a fixed refusal lands a reader on one
    of them by chance: the mentor picks a content-free wording that leads nowhere new."""
    with builtin.db.begin() as tx:
        item = content_store.live_item(tx, "architecture-documentation:adr-sections")
    assert item is not None and sum(o.correct for o in item.options) == 3
    readers = isolation.Readers(builtin, item)
    user = accounts.register(builtin, email="nearly@example.invalid", password="correct horse b").id
    for attempt in isolation.DEVELOPER_ATTEMPTS:
        pending = prompt.prepare(
            builtin,
            user_id=user,
            skill_id=item.id.skill,
            message=attempt,
            mode="auto",
            item_id=str(item.id),
        )
        reply = "".join(replies.stream(builtin, pending)).strip()
        cited = [c["title"] for c in replies.citations(pending, reply)]
        seen = "\n".join([reply, *cited])  # as the learner sees it: the sources' titles too
        assert readers.points(seen) == (False, False), (attempt, seen)
