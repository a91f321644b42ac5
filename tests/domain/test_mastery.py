from __future__ import annotations

from datetime import UTC, datetime, timedelta

from masterpath.domain.content import Skill
from masterpath.domain.mastery import (
    Check,
    Criteria,
    Progress,
    Status,
    check_offered,
    criteria_of,
    evaluate,
    met,
    ready,
    recommend,
    stage_unlocked,
    statuses,
    unlocked,
    wheel_spinning,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CRITERIA = Criteria(
    threshold=0.95,
    required_correct=4,
    objectives=("a", "b", "c"),
    task_pass_mark=0.7,
    retention_days=2,
)
PASSING_CHECK = Check(NOW, frozenset({"i1", "i2", "i3", "i4"}), frozenset({"a", "b", "c"}))


def test_nothing_done_is_available_with_every_step_named() -> None:
    verdict = evaluate(CRITERIA, Progress(), unlocked=True)
    assert verdict.status is Status.AVAILABLE
    steps = {item.key: item.next_step for item in verdict.checklist}
    assert steps == {
        "estimate": "Keep practising: the estimate must reach 95%.",
        "check": "Pass a mastery check: 4 more correct answers covering objectives a, b, c.",
        "task": "Score at least 70% on the applied task.",
        "retention": "Once the criteria above hold, a retention check opens 2 days later.",
    }


def test_locked_until_prerequisites_are_mastered_or_placed() -> None:
    assert evaluate(CRITERIA, Progress(), unlocked=False).status is Status.LOCKED
    assert not unlocked(["x", "y"], {"x": Status.MASTERED, "y": Status.IN_PROGRESS})
    assert unlocked(["x", "y"], {"x": Status.MASTERED, "y": Status.PLACED})
    assert unlocked(["x"], {"x": Status.DECAYING})  # unlocks stick


def test_shortest_path_names_missing_answers_and_objectives() -> None:
    near = Check(NOW, frozenset({"i1", "i2"}), frozenset({"a", "b"}))
    progress = Progress(estimate=0.96, graded_attempts=12, checks=(near,), task_score=0.8)
    verdict = evaluate(CRITERIA, progress, unlocked=True)
    (check,) = [i for i in verdict.checklist if i.key == "check"]
    assert check.value == "best check: 2 of 4 correct"
    assert check.next_step == "Pass a mastery check: 2 more correct answers covering objective c."
    assert verdict.status is Status.IN_PROGRESS


def test_enough_correct_but_an_objective_uncovered_does_not_pass() -> None:
    five = Check(NOW, frozenset({"i1", "i2", "i3", "i4", "i5"}), frozenset({"a", "b"}))
    progress = Progress(estimate=0.97, graded_attempts=12, checks=(five,), task_score=0.9)
    assert not ready(CRITERIA, progress)


def test_retention_check_opens_d_days_after_ready_and_completes_mastery() -> None:
    progress = Progress(
        estimate=0.97, graded_attempts=15, checks=(PASSING_CHECK,), task_score=0.75, ready_at=NOW
    )
    assert ready(CRITERIA, progress)
    verdict = evaluate(CRITERIA, progress, unlocked=True)
    (retention,) = [i for i in verdict.checklist if i.key == "retention"]
    assert retention.available_at == NOW + timedelta(days=2)
    assert verdict.status is Status.IN_PROGRESS
    too_early = Progress(**{**progress.__dict__, "retention_passed_at": NOW + timedelta(days=1)})
    assert evaluate(CRITERIA, too_early, unlocked=True).status is Status.IN_PROGRESS
    done = Progress(**{**progress.__dict__, "retention_passed_at": NOW + timedelta(days=2)})
    assert evaluate(CRITERIA, done, unlocked=True).status is Status.MASTERED


def test_mastered_skill_decays_when_recall_drops_but_still_unlocks() -> None:
    progress = Progress(
        estimate=0.97,
        graded_attempts=15,
        checks=(PASSING_CHECK,),
        task_score=0.75,
        ready_at=NOW,
        retention_passed_at=NOW + timedelta(days=3),
        recall=0.55,
    )
    assert evaluate(CRITERIA, progress, unlocked=True).status is Status.DECAYING


def test_task_score_below_pass_mark_blocks_mastery() -> None:
    progress = Progress(estimate=0.97, graded_attempts=15, checks=(PASSING_CHECK,), task_score=0.65)
    assert not ready(CRITERIA, progress)


def test_skill_without_task_needs_no_task() -> None:
    criteria = Criteria(0.95, 4, ("a",), None, 2)
    progress = Progress(
        estimate=0.96,
        graded_attempts=5,
        checks=(Check(NOW, frozenset({"1", "2", "3", "4"}), frozenset({"a"})),),
    )
    assert ready(criteria, progress)
    assert [i.key for i in evaluate(criteria, progress, unlocked=True).checklist] == [
        "estimate",
        "check",
        "retention",
    ]


def test_placed_skill_is_provisional_then_confirmed_or_reopened() -> None:
    placed = Progress(placed_at=NOW)
    assert evaluate(CRITERIA, placed, unlocked=False).status is Status.PLACED
    confirmed = Progress(placed_at=NOW, retention_passed_at=NOW + timedelta(days=2))
    assert evaluate(CRITERIA, confirmed, unlocked=True).status is Status.MASTERED
    reopened = Progress(placed_at=NOW, placement_failed=True, graded_attempts=1)
    assert evaluate(CRITERIA, reopened, unlocked=True).status is Status.IN_PROGRESS


def test_statuses_walk_the_graph_in_order() -> None:
    done = Progress(
        estimate=0.97,
        graded_attempts=15,
        checks=(PASSING_CHECK,),
        task_score=0.8,
        ready_at=NOW,
        retention_passed_at=NOW + timedelta(days=2),
    )
    found = statuses(
        ["base", "mid", "top"],
        {"mid": ["base"], "top": ["mid"]},
        {"base": (CRITERIA, done), "mid": (CRITERIA, Progress()), "top": (CRITERIA, Progress())},
    )
    assert [found[s].status for s in ("base", "mid", "top")] == [
        Status.MASTERED,
        Status.AVAILABLE,
        Status.LOCKED,
    ]
    assert stage_unlocked(["base"], {k: v.status for k, v in found.items()})
    assert not stage_unlocked(["base", "mid"], {k: v.status for k, v in found.items()})


def test_wheel_spinning_after_ten_graded_attempts_below_threshold() -> None:
    assert not wheel_spinning(CRITERIA, Progress(estimate=0.5, graded_attempts=9))
    assert wheel_spinning(CRITERIA, Progress(estimate=0.5, graded_attempts=10))
    assert not wheel_spinning(CRITERIA, Progress(estimate=0.96, graded_attempts=30))


def test_mastery_sticks_and_a_dipping_estimate_shows_as_decaying() -> None:
    mastered = Progress(
        estimate=0.97,
        graded_attempts=15,
        checks=(PASSING_CHECK,),
        task_score=0.8,
        ready_at=NOW,
        mastered_at=NOW + timedelta(days=2),
        retention_passed_at=NOW + timedelta(days=2),
    )
    assert evaluate(CRITERIA, mastered, unlocked=True).status is Status.MASTERED
    dipped = Progress(**{**mastered.__dict__, "estimate": 0.6})
    assert evaluate(CRITERIA, dipped, unlocked=True).status is Status.DECAYING


def test_criteria_come_from_the_skill_or_the_engines_defaults() -> None:
    skill = {
        "id": "s",
        "objectives": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
        "task": {"pass_mark": 0.6},
    }
    assert criteria_of(Skill.from_data(skill)) == Criteria(0.70, 4, ("a", "b"), 0.6, 2)
    given = {"threshold": 0.8, "min_correct": 6, "task_required": False, "retention_days": 5}
    assert criteria_of(Skill.from_data({**skill, "criteria": given})) == Criteria(
        0.8, 6, ("a", "b"), None, 5
    )


def test_more_objectives_than_four_need_one_correct_answer_each() -> None:
    skill = Skill.from_data({"id": "s", "objectives": [{"id": o, "text": o} for o in "abcdef"]})
    assert criteria_of(skill).required_correct == 6
    assert criteria_of(skill).task_pass_mark is None


def test_wheel_spinning_turns_to_a_prerequisite_or_a_worked_example() -> None:
    spinning = Progress(estimate=0.5, graded_attempts=10)
    alone, after = Skill("s", "S"), Skill("s", "S", prerequisites=("x",))
    assert recommend(CRITERIA, Progress(estimate=0.5, graded_attempts=9), alone) == "practice"
    assert recommend(CRITERIA, spinning, after) == "prerequisite"
    assert recommend(CRITERIA, spinning, alone) == "worked_example"


def test_the_mastery_check_is_offered_from_the_estimate_until_a_check_passes() -> None:
    below = evaluate(CRITERIA, Progress(estimate=0.9), unlocked=True).checklist
    at_bar = evaluate(CRITERIA, Progress(estimate=0.95), unlocked=True).checklist
    passed = evaluate(CRITERIA, Progress(estimate=0.95, checks=(PASSING_CHECK,)), unlocked=True)
    assert not check_offered(below)
    assert check_offered(at_bar)
    assert not check_offered(passed.checklist)
    assert met(passed.checklist, "check") and not met(at_bar, "check")


def test_the_offer_reads_the_checklist_by_key_not_by_position() -> None:
    at_bar = evaluate(CRITERIA, Progress(estimate=0.95), unlocked=True).checklist
    assert check_offered(tuple(reversed(at_bar)))
