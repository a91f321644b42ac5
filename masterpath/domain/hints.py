"""The mentor's hint ladder for an item: its authored nudges, a pointer to the idea that decides
it, then a worked sub-step that never leaves only the key."""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any


def ladder(item: Mapping[str, Any], *, where: str, chosen: Set[str]) -> list[str]:
    """The item's hint ladder: its authored nudges, a pointer to the idea, a worked sub-step."""
    rungs = [str(h) for h in item.get("hints", [])]
    rungs.append(f"The idea that decides this is in {where}. Read it with the question in mind.")
    options = item.get("options", [])
    wrong = [o for o in options if not o.get("correct") and o["id"] not in chosen]
    if item["type"] in ("single_choice", "multiple_choice") and len(wrong) >= 2:
        rungs.append(
            f"One step worked for you: “{wrong[0]['text']}” does not fit. Say why not, then "
            "test each remaining option the same way."
        )  # another wrong option stays among the rest, so what is left is never the key
    else:
        rungs.append(
            f"Work it in steps: say in one sentence what the question asks, find the sentence "
            f"in {where} that decides it, then check your answer against that sentence."
        )
    return rungs
