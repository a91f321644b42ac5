"""Item statistics on a small evidence set worked out by hand (see the comments)."""

from __future__ import annotations

import math

import pytest

from masterpath.domain.item_stats import Flag, ItemStats
from masterpath.services import Context, accounts, evidence, item_reports, item_stats

PASSWORD = "correct horse battery"
SKILL = "python-basics"
MUTABLE, LEN, DEF = f"{SKILL}:mutable", f"{SKILL}:len-list", f"{SKILL}:def-keyword"
# learner: (mutable option, len-list score, def-keyword score or None); mutable's key is "b"
ANSWERS = {
    "l1": ("b", 1.0, 1.0),
    "l2": ("a", 0.0, 1.0),
    "l3": ("b", 1.0, 0.0),
    "l4": ("a", 0.0, None),
}


def _answer(ctx: Context, user: int, item: str, score: float, detail: object) -> None:
    evidence.record(
        ctx,
        user_id=user,
        skill_id=SKILL,
        source_kind="item",
        source_id=item,
        mode="practice",
        score=score,
        grader="auto",
        detail={"response": detail},
    )


@pytest.fixture
def answered(ctx: Context) -> dict[str, int]:
    users = {}
    for name, (option, length, keyword) in ANSWERS.items():
        user = accounts.register(ctx, email=f"{name}@example.com", password=PASSWORD).id
        users[name] = user
        _answer(ctx, user, MUTABLE, 1.0 if option == "b" else 0.0, option)
        _answer(ctx, user, LEN, length, 3)
        if keyword is not None:
            _answer(ctx, user, DEF, keyword, keyword == 1.0)
    return users


def _by_item(ctx: Context, min_answers: int = 1) -> dict[str, ItemStats]:
    return {s.item_id: s for s in item_stats.item_stats(ctx, min_answers=min_answers)}


def test_item_statistics_match_the_hand_computation(ctx: Context, answered: dict[str, int]) -> None:
    found = _by_item(ctx)
    mutable = found[MUTABLE]
    # x = item score, y = mean on the skill's other items:
    # l1 (1, 1), l2 (0, 0.5), l3 (1, 0.5), l4 (0, 0): r = 2 / sqrt(4 * 2) = 1 / sqrt 2
    assert (mutable.answers, mutable.share_correct, mutable.learners) == (4, 0.5, 4)
    assert mutable.discrimination == pytest.approx(1 / math.sqrt(2))
    assert [(o.option_id, o.share) for o in mutable.options] == [("a", 0.5), ("b", 0.5), ("c", 0)]
    assert mutable.flags == (Flag.UNUSED_DISTRACTOR,)
    # def-keyword: l1 (1, 1), l2 (1, 0), l3 (0, 1): r = (3 - 4) / sqrt(2 * 2) = -0.5
    keyword = found[DEF]
    assert (keyword.answers, keyword.learners) == (3, 3)
    assert keyword.share_correct == pytest.approx(2 / 3)
    assert keyword.discrimination == pytest.approx(-0.5)
    assert keyword.flags == (Flag.NEGATIVE_DISCRIMINATION,)
    assert keyword.options == ()
    # len-list: l1 (1, 1), l2 (0, 0.5), l3 (1, 0.5), l4 (0, 0)
    assert found[LEN].discrimination == pytest.approx(1 / math.sqrt(2))
    assert found[LEN].flags == ()
    assert list(found)[:2] == [MUTABLE, DEF] or list(found)[:2] == [DEF, MUTABLE]


def test_no_flags_below_the_minimum_number_of_answers(
    ctx: Context, answered: dict[str, int]
) -> None:
    found = _by_item(ctx, min_answers=5)
    assert all(s.flags == () for s in found.values())
    assert found[MUTABLE].discrimination == pytest.approx(1 / math.sqrt(2))


def test_voided_answers_leave_the_statistics(ctx: Context, answered: dict[str, int]) -> None:
    item_reports.void(ctx, admin_id=None, item_id=DEF, reason="key was wrong")
    found = _by_item(ctx)
    assert DEF not in found
    # mutable against len-list alone: l1 (1, 1), l2 (0, 0), l3 (1, 1), l4 (0, 0): r = 1
    assert found[MUTABLE].discrimination == pytest.approx(1.0)


def test_item_stats_json_shape(ctx: Context, answered: dict[str, int]) -> None:
    shown = item_stats.as_json(_by_item(ctx)[MUTABLE])
    assert shown == {
        "item": MUTABLE,
        "skill": SKILL,
        "answers": 4,
        "share_correct": 0.5,
        "discrimination": 0.7071,
        "learners": 4,
        "options": {"a": 0.5, "b": 0.5, "c": 0.0},
        "flags": ["unused_distractor"],
    }
