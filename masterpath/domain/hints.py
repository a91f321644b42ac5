"""The mentor's hint ladder for an item: its authored nudges, a pointer to the idea that decides
it, then a worked sub-step that never leaves only the key."""

from __future__ import annotations

from collections.abc import Set

from masterpath.domain.content import Item


def ladder(item: Item, *, where: str, chosen: Set[str]) -> list[str]:
    """The item's hint ladder: its authored nudges, a pointer to the idea, a worked sub-step."""
    rungs = list(item.hints)
    rungs.append(f"The idea that decides this is in {where}. Read it with the question in mind.")
    wrong = [o for o in item.options if not o.correct and o.id not in chosen]
    if item.type.is_choice and len(wrong) >= 2:
        rungs.append(
            f"One step worked for you: “{wrong[0].text}” does not fit. Say why not, then "
            "test each remaining option the same way."
        )  # another wrong option stays among the rest, so what is left is never the key
    else:
        rungs.append(
            f"Work it in steps: say briefly what the question asks, find the sentence "
            f"in {where} that decides it, then check your answer against that sentence."
        )
    return rungs
