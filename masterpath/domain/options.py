"""The order a learner sees an item's options in.

Choice options are shuffled per learner and attempt, so the authored position of a key is no
cue: the same learner, item and attempt always get the same order (a reload changes nothing),
and a new attempt gets a new one. The shuffle is a sort by a hash, so it needs no random state.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def shuffled(ids: Sequence[str], *, seed: str) -> list[str]:
    """`ids` in an order fixed by `seed` and looking random across seeds."""
    return sorted(ids, key=lambda one: hashlib.sha256(f"{seed}\x00{one}".encode()).digest())


def attempt_seed(user_id: int, item_id: str, attempt: str | int) -> str:
    """One learner's `attempt` at one item: a practice attempt's number, or the check or
    diagnostic the item is asked in."""
    return f"{user_id}:{item_id}:{attempt}"
