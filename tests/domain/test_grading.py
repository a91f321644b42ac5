from typing import Any

import pytest

from masterpath.domain import grading
from masterpath.domain.content import Criterion, Item
from masterpath.errors import InvalidInput


def _item(data: dict[str, Any]) -> Item:
    return Item.from_data(data, skill="s")


SINGLE = _item(
    {
        "type": "single_choice",
        "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B", "correct": True}],
    }
)
MULTI = _item(
    {
        "type": "multiple_choice",
        "options": [
            {"id": "a", "text": "A", "correct": True},
            {"id": "b", "text": "B", "correct": True},
            {"id": "c", "text": "C"},
            {"id": "d", "text": "D"},
        ],
    }
)
ORDER = _item({"type": "ordering", "options": [{"id": x, "text": x} for x in "wxyz"]})
NUMERIC = _item({"type": "numeric", "answer": 80, "tolerance": 0.5})
SHORT = _item(
    {
        "type": "short_text",
        "concepts": [
            {"id": "publish", "phrasings": ["publish the port", "-p 8080:8080", "port mapping"]},
            {"id": "bind", "phrasings": ["0.0.0.0", "all interfaces"], "weight": 0.5},
        ],
    }
)


def test_single_choice_is_all_or_nothing() -> None:
    assert grading.grade(SINGLE, "b").correct
    wrong = grading.grade(SINGLE, "a")
    assert wrong.score == 0 and wrong.wrong == ("a",) and wrong.missed == ("b",)


def test_multiple_choice_gives_partial_credit_and_charges_wrong_picks() -> None:
    assert grading.grade(MULTI, ["b", "a"]).correct
    assert grading.grade(MULTI, ["a"]).score == 0.5
    assert grading.grade(MULTI, ["a", "c"]).score == 0.0
    half = grading.grade(MULTI, ["a", "b", "c"])
    assert half.score == 0.5 and half.wrong == ("c",) and not half.correct


def test_true_false_accepts_booleans_and_words() -> None:
    item = _item({"type": "true_false", "answer": False})
    assert grading.grade(item, False).correct
    assert grading.grade(item, "false").correct
    assert not grading.grade(item, True).correct


def test_numeric_within_tolerance_and_readable_numbers() -> None:
    assert grading.grade(NUMERIC, 80.4).correct
    assert grading.grade(NUMERIC, "80 %").correct
    assert not grading.grade(NUMERIC, 81).correct
    assert grading.grade(_item({"type": "numeric", "answer": 1912}), "$1,912").correct


def test_ordering_scores_pairs_in_order() -> None:
    assert grading.grade(ORDER, list("wxyz")).correct
    swapped = grading.grade(ORDER, list("wxzy"))
    assert swapped.score == pytest.approx(5 / 6, abs=1e-4) and not swapped.correct
    assert grading.grade(ORDER, list("zyxw")).score == 0


def test_short_text_finds_concepts_with_typos_and_word_forms() -> None:
    full = grading.grade(SHORT, "You forgot the port mappings; also bind to 0.0.0.0.")
    assert full.correct and full.found == ("publish", "bind")
    typo = grading.grade(SHORT, "you need to pubish the port")
    assert typo.found == ("publish",) and typo.score == pytest.approx(2 / 3, abs=1e-4)
    none = grading.grade(SHORT, "restart docker")
    assert none.score == 0 and none.missed == ("publish", "bind")


def test_short_text_does_not_match_a_flag_inside_a_word() -> None:
    item = _item({"type": "short_text", "concepts": [{"id": "p", "phrasings": ["-p"]}]})
    assert not grading.grade(item, "use a pre-built image").correct
    assert grading.grade(item, "run it with -p 80:80").correct


@pytest.mark.parametrize(
    ("item", "response", "message"),
    [
        (SINGLE, "zzz", "option 'zzz' does not belong to this item"),
        (SINGLE, ["a", "b"], "choose exactly one option"),
        (MULTI, ["a", "a"], "an option is chosen twice"),
        (ORDER, ["w", "x"], "order every option exactly once"),
        (NUMERIC, "eighty", "'eighty' is not a number"),
        (NUMERIC, True, "answer with a number"),
        (SHORT, "   ", "write an answer"),
        (SHORT, "x" * 10_000_000, "an answer is at most 5,000 characters"),
        (_item({"type": "true_false", "answer": True}), "maybe", "answer true or false"),
    ],
)
def test_malformed_responses_are_refused_by_name(
    item: Item, response: object, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        grading.grade(item, response)
    assert message in str(caught.value)
    assert caught.value.problems[0].field == "response"


def test_stop_words_in_the_answer_do_not_stretch_a_phrase_apart() -> None:
    item = _item(
        {"type": "short_text", "concepts": [{"id": "leak", "phrasings": ["send data attacker"]}]}
    )
    assert grading.grade(item, "it could send all of the data to the attacker").correct


def test_short_words_need_an_exact_match() -> None:
    item = _item({"type": "short_text", "concepts": [{"id": "s", "phrasings": ["stale results"]}]})
    assert not grading.grade(item, "scale results").correct
    assert grading.grade(item, "stale results").correct


def test_a_rubric_scores_points_per_criterion_and_waits_for_an_instructor_when_it_must() -> None:
    criteria = [
        Criterion.from_data(c)
        for c in [
            {
                "id": "find",
                "criterion": "Finds files",
                "points": 2,
                "concepts": [{"id": "find", "phrasings": ["find"]}],
            },
            {
                "id": "sort",
                "criterion": "Sorts them",
                "points": 2,
                "concepts": [{"id": "sort", "phrasings": ["sort -h"]}],
            },
        ]
    ]
    score, report = grading.rubric(criteria, "find . -type f")
    assert score == 0.5 and report[0]["earned"] == 2 and report[1]["missed"] == ["sort"]
    unjudged, _ = grading.rubric([*criteria, Criterion("x", "Taste", 1)], "x")
    assert unjudged is None


def test_the_answer_in_words_for_every_item_type() -> None:
    options = [
        {"id": "a", "text": "cd", "correct": True},
        {"id": "b", "text": "ls"},
        {"id": "c", "text": "pwd", "correct": True},
    ]
    assert grading.answer_text(_item({"type": "single_choice", "options": options[:2]})) == "cd"
    assert grading.answer_text(_item({"type": "multiple_choice", "options": options})) == "cd; pwd"
    assert grading.answer_text(_item({"type": "ordering", "options": options})) == "cd → ls → pwd"
    assert grading.answer_text(_item({"type": "true_false", "answer": False})) == "False"
    numeric = {"type": "numeric", "answer": 2.5, "unit": " s", "tolerance": 0.1}
    assert grading.answer_text(_item(numeric)) == "2.5 s (± 0.1)"
    assert grading.answer_text(_item({"type": "numeric", "answer": 3.0})) == "3"
    short = _item({"type": "short_text", "model_answer": "A copy."})
    assert grading.answer_text(short) == "A copy."
