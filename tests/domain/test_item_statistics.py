from __future__ import annotations

import math

import pytest

from masterpath.domain.item_stats import (
    Distractor,
    Flag,
    Moments,
    correlation,
    flags_of,
    item_stats,
    option_shares,
    picked,
)


def test_correlation_of_a_perfectly_aligned_item_is_one() -> None:
    # x = (1, 0, 1, 0), y = (1, 0, 1, 0)
    assert correlation(Moments(4, 2, 2, 2, 2, 2)) == pytest.approx(1.0)


def test_correlation_matches_the_textbook_formula() -> None:
    xs, ys = [1, 0, 1, 0], [1, 0.5, 0.5, 0]
    m = Moments(
        4,
        sum(xs),
        sum(ys),
        sum(x * x for x in xs),
        sum(y * y for y in ys),
        sum(x * y for x, y in zip(xs, ys, strict=True)),
    )
    assert correlation(m) == pytest.approx(1 / math.sqrt(2))


@pytest.mark.parametrize(
    "m",
    [Moments(), Moments(1, 1, 1, 1, 1, 1), Moments(3, 3, 1.5, 3, 1.25, 1.5)],  # constant x
)
def test_correlation_is_undefined_without_spread(m: Moments) -> None:
    assert correlation(m) is None


def test_option_shares_in_option_order() -> None:
    found = option_shares(4, {"b": 3, "a": 1}, [("a", False), ("b", True), ("c", False)])
    assert found == (
        Distractor("a", False, 0.25),
        Distractor("b", True, 0.75),
        Distractor("c", False, 0.0),
    )


def test_flags() -> None:
    unused = (Distractor("a", True, 0.97), Distractor("b", False, 0.0))
    easy = flags_of(
        answers=100, share_correct=0.97, discrimination=-0.1, options=unused, min_answers=20
    )
    assert easy == (Flag.TOO_EASY, Flag.NEGATIVE_DISCRIMINATION, Flag.UNUSED_DISTRACTOR)
    hard = flags_of(answers=20, share_correct=0.19, discrimination=0.3, options=(), min_answers=20)
    assert hard == (Flag.TOO_HARD,)
    few = flags_of(answers=19, share_correct=0.0, discrimination=-1, options=(), min_answers=20)
    assert few == ()
    edges = flags_of(answers=20, share_correct=0.95, discrimination=0, options=(), min_answers=20)
    assert edges == ()  # exactly 95% and r = 0 raise nothing
    assert (
        flags_of(answers=20, share_correct=0.2, discrimination=None, options=(), min_answers=20)
        == ()
    )


def test_item_stats_of_an_item_nobody_answered() -> None:
    found = item_stats(
        item_id="s:i",
        skill_id="s",
        answers=0,
        correct=0,
        moments=Moments(),
        picks={},
        options=[("a", True)],
        min_answers=1,
    )
    assert (found.share_correct, found.discrimination, found.flags) == (0.0, None, ())


def test_picked_reads_stored_responses() -> None:
    assert picked("b") == ["b"]
    assert picked(["a", "c"]) == ["a", "c"]
    assert picked(True) == [] and picked(3.0) == [] and picked(None) == []
