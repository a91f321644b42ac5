from typing import Any

import numpy as np

from masterpath.domain import isolation
from masterpath.domain.content import Item, ItemId


def _item(data: dict[str, Any]) -> Item:
    found = ItemId.parse(data["id"])
    return Item.from_data({**data, "id": found.local}, skill=found.skill)


CHOICE = _item(
    {
        "id": "docker:tag-vs-digest",
        "type": "single_choice",
        "options": [
            {"id": "a", "text": "The image tag, such as v1.4"},
            {"id": "b", "text": "The image digest (sha256)", "correct": True},
            {"id": "c", "text": "The build date"},
        ],
    }
)
NUMERIC = _item({"id": "docker:shrink", "type": "numeric", "answer": 80})
SHORT = _item(
    {
        "id": "docker:publish",
        "type": "short_text",
        "concepts": [{"id": "p", "phrasings": ["publish the port", "-p 8080:8080"]}],
    }
)
TRUE_FALSE = _item({"id": "shell:dotdot", "type": "true_false", "answer": True})


def test_the_correct_option_text_is_a_leak_and_a_socratic_reply_is_not() -> None:
    assert isolation.leaks("Record the image digest (sha256) in the deployment.", [CHOICE])
    assert not isolation.leaks(
        "Think about what changes when a new build is pushed under the same name.", [CHOICE]
    )


def test_naming_an_option_is_a_leak() -> None:
    for text in ("The answer is B.", "b is correct", "Option (c)", "the second one is right"):
        assert isolation.leaks(text, [CHOICE]), text


def test_numbers_phrases_and_truth_values_leak() -> None:
    assert isolation.leaks("It shrank by 80 percent.", [NUMERIC])
    assert not isolation.leaks("Compare the two sizes as a share of the first.", [NUMERIC])
    assert isolation.leaks("You forgot to publish the port.", [SHORT])
    assert isolation.leaks("The statement is true.", [TRUE_FALSE])


def test_passages_with_the_key_are_withheld() -> None:
    passages = [
        ("lesson#tags", "Pin the image digest (sha256) to know exactly what ran."),
        ("lesson#layers", "Layers are cached between builds."),
    ]
    assert isolation.withheld(passages, [CHOICE]) == {"lesson#tags"}


def test_the_word_reader_picks_the_option_sharing_most_words_and_ties_pick_nothing() -> None:
    choice = isolation.choice(CHOICE)
    assert choice is not None and choice.correct == frozenset({1})
    assert isolation.word_reader("pin the digest, the sha256 of the image", choice) == 1
    assert isolation.word_reader("the image", choice) is None  # a tie: no pick
    assert isolation.word_reader("nothing in common here", choice) is None


def test_the_meaning_reader_picks_the_closest_option() -> None:
    vectors = np.asarray([[1, 0], [0, 1], [0.6, 0.8]], dtype=np.float32)
    choice = isolation.choice(CHOICE, vectors)
    assert choice is not None
    assert isolation.meaning_reader(np.asarray([0.1, 1.0], dtype=np.float32), choice) == 1
    assert isolation.favours_key("unrelated words", np.asarray([0.1, 1.0], np.float32), choice)
    assert not isolation.favours_key("the build date", np.asarray([1, 0], np.float32), choice)
    assert isolation.meaning_reader(None, choice) is None
    assert isolation.choice(NUMERIC) is None


def test_the_meaning_reader_picks_nothing_between_options_it_cannot_tell_apart() -> None:
    vectors = np.asarray([[1, 0], [0, 1], [0.6, 0.8]], dtype=np.float32)
    choice = isolation.choice(CHOICE, vectors)
    assert choice is not None
    # about 0.1 from the first and last options alike: a text about neither
    nearly_tied = np.asarray([0.1, 0.052], dtype=np.float32)
    assert isolation.meaning_reader(nearly_tied, choice) is None
    assert not isolation.favours_key("unrelated words", nearly_tied, choice)
    clear = np.asarray([0.0, 1.0], dtype=np.float32)  # 1.0 against 0.8 and 0.0
    assert isolation.meaning_reader(clear, choice) == 1


def test_an_empty_text_favours_no_key() -> None:
    vectors = np.asarray([[1, 0], [0, 1], [0.6, 0.8]], dtype=np.float32)
    choice = isolation.choice(CHOICE, vectors)
    assert choice is not None
    assert not isolation.favours_key("", np.asarray([0.1, 1.0], np.float32), choice)
    assert not isolation.favours_key(" \n ", np.asarray([0.1, 1.0], np.float32), choice)
