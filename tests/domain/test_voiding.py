from __future__ import annotations

from datetime import UTC, datetime, timedelta

from masterpath.domain import kt
from masterpath.domain.mastery import Item
from masterpath.domain.voiding import (
    Answer,
    Retention,
    RetentionAnswer,
    check_passes,
    replay_learner,
    retention,
    still_holds,
)


def _line(key: str, met: bool) -> Item:
    return Item(key, key, met, "", "")


def test_a_void_reopens_mastery_only_for_a_criterion_it_broke() -> None:
    slipped = [_line("estimate", False), _line("check", True)]
    assert still_holds(slipped, estimate_held_before=False)  # slipping, not the void
    assert not still_holds(slipped, estimate_held_before=True)  # the void took it under
    broken_check = [_line("estimate", False), _line("check", False)]
    assert not still_holds(broken_check, estimate_held_before=False)
    assert still_holds([_line("estimate", True), _line("check", True)], estimate_held_before=True)


def test_replaying_nothing_gives_a_new_learner() -> None:
    done = replay_learner([])
    assert done.learner == kt.dump(kt.Learner.new()) and done.skill_ids == []


def test_replay_counts_an_answer_once_per_skill_it_is_evidence_for() -> None:
    done = replay_learner([Answer(("a", "b"), (1.0, 0.0)), Answer(("b",), (0.0, 1.0))])
    assert done.skill_ids == ["a", "b"] and done.attempts == {"a": 1, "b": 2}


T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_retention_check_is_judged_on_the_share_of_answers_that_count() -> None:
    assert check_passes([1.0, 0.0, 1.0], answered=3) is True  # the engine's 2 of 3
    assert check_passes([1.0, 0.0, 0.0], answered=3) is False
    assert check_passes([1.0, 1.0], answered=3) is True  # one voided: 2 of 2
    assert check_passes([1.0, 0.0], answered=3) is False  # 1 of 2 is under 2 of 3
    assert check_passes([1.0, 1.0], answered=2) is None  # not finished
    assert check_passes([], answered=3) is None  # every answer voided


def test_retention_results_rederived_without_voided_answers() -> None:
    later = T0 + timedelta(days=3)
    answers = [
        RetentionAnswer(1, 1.0, T0, False),
        RetentionAnswer(1, 0.0, T0, False),
        RetentionAnswer(1, 1.0, T0 + timedelta(minutes=2), True),  # voided: 1 of 2 left
        RetentionAnswer(2, 1.0, later, False),
        RetentionAnswer(2, 1.0, later, False),
        RetentionAnswer(2, 0.0, later + timedelta(minutes=1), False),
    ]
    found = retention(answers)
    assert found == Retention(1, later + timedelta(minutes=1), (T0 + timedelta(minutes=2),))
