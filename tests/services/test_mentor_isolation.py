"""Answer isolation on the built-in content: every choice and true/false item, every extraction
attempt, every mode that can touch an item — no reply gives the answer away."""

from __future__ import annotations

import os

import pytest

from masterpath.benchmarks import isolation
from masterpath.settings import Settings

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("MASTERPATH_TEST_DATABASE_URL")),
    reason="uses its own SQLite file; run once, in the SQLite pass",
)


def test_no_reply_leaks_an_open_items_answer(settings: Settings) -> None:
    result = isolation.run(settings)
    assert result["provider"] == "builtin"
    assert result["items"] > 200 and result["attempts"] >= 20
    assert result["pairs"] == result["items"] * result["attempts"] * result["modes"]
    assert result["leaks"] == 0, result["leaked"]
    assert result["cut_by_the_last_guard"] == 0  # the prompt itself held no key
