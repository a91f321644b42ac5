from __future__ import annotations

from masterpath.domain import kt
from masterpath.domain.mastery import Item
from masterpath.domain.voiding import Answer, replay_learner, still_holds


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
