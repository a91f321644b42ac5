from __future__ import annotations

from masterpath.domain.content import Item
from masterpath.domain.hints import ladder

WHERE = "the lesson section “Paths”"
CHOICE = Item.from_data(
    {
        "type": "single_choice",
        "hints": ["Think of the root."],
        "options": [
            {"id": "a", "text": "/home/ada", "correct": True},
            {"id": "b", "text": "home/ada"},
            {"id": "c", "text": "./ada"},
        ],
    },
    skill="shell",
)


def test_the_ladder_climbs_from_authored_hints_to_a_pointer_then_a_worked_step() -> None:
    rungs = ladder(CHOICE, where=WHERE, chosen=set())
    assert rungs == [
        "Think of the root.",
        f"The idea that decides this is in {WHERE}. Read it with the question in mind.",
        "One step worked for you: “home/ada” does not fit. Say why not, then test each "
        "remaining option the same way.",
    ]


def test_the_worked_step_never_leaves_only_the_key() -> None:
    rungs = ladder(CHOICE, where=WHERE, chosen={"b"})
    assert rungs[-1].startswith("Work it in steps: say briefly what the question asks")
    assert "/home/ada" not in rungs[-1]


def test_items_without_options_get_the_worked_method() -> None:
    item = Item.from_data({"type": "short_text"}, skill="s")
    rungs = ladder(item, where="the lesson", chosen=set())
    assert len(rungs) == 2
    assert "find the sentence in the lesson that decides it" in rungs[-1]
