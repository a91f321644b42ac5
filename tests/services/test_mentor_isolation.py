"""Answer isolation on the built-in content: a sample of choice items × the developers' own
extraction attempts (the independent ones are for `bench isolation`) — no reply gives the answer
away, verbatim or to either reader, and neither does the context an LLM would be sent."""

from __future__ import annotations

import os

import pytest

from masterpath.benchmarks import isolation
from masterpath.services import Context

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
