"""The study loop through the services: practice, hints, mastery and retention checks."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from masterpath.clock import Clock
from masterpath.errors import Conflict, InvalidInput, NotFound
from masterpath.services import Context, accounts, checks, evidence, items, mastery, packs, practice

STUDY_PACK = Path(__file__).parents[1] / "fixtures" / "study"
SKILL = "shell-basics"
# The right answer to every item of the study pack, by item id.
RIGHT: dict[str, Any] = {
    "abs-path": "b",
    "dotdot": True,
    "cd-home": "b",
    "ls-hidden": ["a", "b"],
    "wc-lines": 12,
    "pipeline-order": ["sort", "count", "rank", "top"],
    "root-path": "a",
    "relative-up": True,
    "cat-file": "a",
    "head-count": 10,
    "quote-var": "Quotes stop word splitting on spaces, so the name stays one word.",
    "exit-zero": 0,
    "set-e": True,
}
WRONG: dict[str, Any] = {
    "abs-path": "a",
    "dotdot": False,
    "cd-home": "a",
    "wc-lines": 11,
    "ls-hidden": ["c"],
    "pipeline-order": ["top", "rank", "count", "sort"],
    "root-path": "b",
    "relative-up": False,
    "cat-file": "b",
    "head-count": 5,
    "quote-var": "no idea",
}


def later(ctx: Context, **delta: float) -> Context:
    return dataclasses.replace(ctx, clock=Clock(ctx.clock.offset + timedelta(**delta)))


def local(item_id: str) -> str:
    return item_id.split(":", 1)[1]


@pytest.fixture
def study_ctx(ctx: Context) -> Context:
    packs.install(ctx, [STUDY_PACK])
    return ctx


@pytest.fixture
def user(study_ctx: Context) -> int:
    return accounts.register(study_ctx, email="ada@example.com", password="correct horse b").id


def practise_until_ready(ctx: Context, user: int, skill: str = SKILL) -> int:
    """Answer practice items correctly until the estimate passes; return how many."""
    for n in range(1, 40):
        shown = practice.next_practice(ctx, user_id=user, skill_id=skill).item
        assert shown is not None
        practice.answer(ctx, user_id=user, item_id=shown.id, response=RIGHT[local(shown.id)])
        explained = mastery.explain(ctx, user_id=user, skill_id=skill)
        if explained.checklist[0]["met"]:
            return n
    raise AssertionError("the estimate never passed")


def take_check(ctx: Context, user: int, kind: str, answers: dict[str, Any]) -> checks.CheckView:
    view = checks.start_check(ctx, user_id=user, skill_id=SKILL, kind=kind)
    for item in view.items:
        assert not view.finished
        view = checks.check_answer(
            ctx, user_id=user, check_id=view.id, item_id=item.id, response=answers[local(item.id)]
        )
    assert view.finished and view.result is not None
    return view


def submit_task(ctx: Context, user: int) -> None:
    evidence.record(
        ctx,
        user_id=user,
        skill_id=SKILL,
        source_kind="task",
        source_id=SKILL,
        mode="task",
        score=0.9,
        grader="rubric",
    )


def test_public_items_carry_no_answer_key(study_ctx: Context, user: int) -> None:
    shown = practice.next_practice(study_ctx, user_id=user, skill_id=SKILL).item
    assert shown is not None
    flat = repr(dataclasses.asdict(shown))
    for secret in ("correct", "explanation", "model_answer", "concepts", "answer"):
        assert secret not in flat


def test_ordering_items_are_never_shown_in_the_right_order(study_ctx: Context, user: int) -> None:
    with study_ctx.db.begin() as tx:
        from masterpath.store import content

        row = content.item(tx, f"{SKILL}:pipeline-order")
        assert row is not None
        shown = items.public(content.item_model(tx, row), user_id=user, attempt=0)
    assert [o["id"] for o in shown.options] != RIGHT["pipeline-order"]


def test_choice_options_are_shuffled_per_learner_and_attempt(study_ctx: Context, user: int) -> None:
    """The same attempt shows the same order (a reload changes nothing); across attempts and
    learners the authored first option, where keys used to sit, moves to every position."""
    with study_ctx.db.begin() as tx:
        from masterpath.store import content

        choice = [
            content.item_model(tx, row)
            for row in content.live_items(tx, SKILL)
            if content.item_model(tx, row).type.is_choice
        ]
    assert choice
    item = choice[0]
    authored = [o.id for o in item.options]
    first = items.public(item, user_id=user, attempt=3)
    assert first == items.public(item, user_id=user, attempt=3)
    assert sorted(o["id"] for o in first.options) == sorted(authored)
    places = {
        [o["id"] for o in items.public(item, user_id=learner, attempt=n).options].index(authored[0])
        for learner in range(5)
        for n in range(5)
    }
    assert places == set(range(len(authored)))


def test_practice_gives_feedback_and_never_serves_assessment_items(
    study_ctx: Context, user: int
) -> None:
    seen = []
    for _ in range(12):
        shown = practice.next_practice(study_ctx, user_id=user, skill_id=SKILL).item
        assert shown is not None
        seen.append(local(shown.id))
        feedback = practice.answer(
            study_ctx, user_id=user, item_id=shown.id, response=WRONG[local(shown.id)]
        )
        assert not feedback.correct and feedback.explanation and feedback.answer
    assert set(seen) <= {"abs-path", "dotdot", "cd-home", "ls-hidden", "wc-lines", "pipeline-order"}
    assert all(a != b for a, b in itertools.pairwise(seen))  # no immediate repeats
    assert len(set(seen)) == 6  # the whole practice bank comes round


def test_a_hint_is_recorded_and_lowers_the_credit(study_ctx: Context, user: int) -> None:
    assert practice.hint(study_ctx, user_id=user, item_id=f"{SKILL}:abs-path", number=1)
    feedback = practice.answer(
        study_ctx, user_id=user, item_id=f"{SKILL}:abs-path", response="b", hints_used=1
    )
    assert feedback.correct
    (record,) = evidence.of_learner(study_ctx, user_id=user)
    assert record.hints_used == 1
    with pytest.raises(NotFound, match="has 2 hint"):
        practice.hint(study_ctx, user_id=user, item_id=f"{SKILL}:abs-path", number=3)


def test_bad_answers_are_refused_and_nothing_is_written(study_ctx: Context, user: int) -> None:
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"item_id": f"{SKILL}:abs-path", "response": "zz"}, InvalidInput, "does not belong"),
        ({"item_id": f"{SKILL}:root-path", "response": "a"}, Conflict, "not practice"),
        ({"item_id": f"{SKILL}:nope", "response": "a"}, NotFound, "no item"),
        ({"item_id": "shell-scripting:exit-zero", "response": 0}, Conflict, "locked"),
        ({"item_id": f"{SKILL}:quote-var", "response": ""}, Conflict, "not practice"),
    ]
    for kwargs, error, message in cases:
        with pytest.raises(error, match=message):
            practice.answer(study_ctx, user_id=user, **kwargs)
    assert evidence.of_learner(study_ctx, user_id=user) == []


def test_a_repeated_submission_returns_the_first_result(study_ctx: Context, user: int) -> None:
    item = f"{SKILL}:abs-path"
    first = practice.answer(study_ctx, user_id=user, item_id=item, response="b", submission_id="s1")
    again = practice.answer(study_ctx, user_id=user, item_id=item, response="a", submission_id="s1")
    assert again == first and again.correct
    assert len(evidence.of_learner(study_ctx, user_id=user)) == 1


def test_mastery_check_needs_the_estimate_then_hides_feedback_until_the_end(
    study_ctx: Context, user: int
) -> None:
    with pytest.raises(Conflict, match="practise first"):
        checks.start_check(study_ctx, user_id=user, skill_id=SKILL, kind="mastery_check")
    practise_until_ready(study_ctx, user)
    view = checks.start_check(study_ctx, user_id=user, skill_id=SKILL, kind="mastery_check")
    assert len(view.items) == 4
    assert all(
        local(i.id) in {"root-path", "relative-up", "cat-file", "head-count", "quote-var"}
        for i in view.items
    )
    assert {o for i in view.items for o in i.objectives} == {"paths", "files"}
    assert checks.start_check(study_ctx, user_id=user, skill_id=SKILL, kind="mastery_check") == view
    with pytest.raises(Conflict, match="assessment items have no hints"):
        practice.hint(study_ctx, user_id=user, item_id=view.items[0].id, number=1)
    first = view.items[0]
    step = checks.check_answer(
        study_ctx, user_id=user, check_id=view.id, item_id=first.id, response=RIGHT[local(first.id)]
    )
    assert step.result is None and step.answered == [first.id]


def test_failed_check_cools_down_then_retakes_with_unseen_items(
    study_ctx: Context, user: int
) -> None:
    practise_until_ready(study_ctx, user)
    failed = take_check(study_ctx, user, "mastery_check", WRONG)
    assert failed.result is not None and not failed.result.passed
    assert failed.result.feedback[0].explanation  # feedback once finished
    with pytest.raises(Conflict, match="can be retaken from"):
        checks.start_check(study_ctx, user_id=user, skill_id=SKILL, kind="mastery_check")
    ctx = later(study_ctx, hours=12, minutes=1)
    practise_until_ready(ctx, user)
    retake = checks.start_check(ctx, user_id=user, skill_id=SKILL, kind="mastery_check")
    unseen = {i.id for i in retake.items} - {i.id for i in failed.items}
    assert unseen  # the bank has five assessment-only items: one not seen before comes first


def test_the_whole_loop_masters_the_skill_and_opens_the_next(study_ctx: Context, user: int) -> None:
    practise_until_ready(study_ctx, user)
    passed = take_check(study_ctx, user, "mastery_check", RIGHT)
    assert passed.result is not None and passed.result.passed
    submit_task(study_ctx, user)
    assert checks.due_checks(study_ctx, user_id=user) == []
    with pytest.raises(Conflict, match="no retention check is due"):
        checks.start_check(study_ctx, user_id=user, skill_id=SKILL, kind="retention_check")
    ctx = later(study_ctx, days=2, minutes=1)
    (due,) = checks.due_checks(ctx, user_id=user)
    assert due.skill_id == SKILL and due.reason == "completes mastery"
    retention = take_check(ctx, user, "retention_check", RIGHT)
    assert retention.result is not None and retention.result.passed
    assert len(retention.items) == 3
    assert mastery.explain(ctx, user_id=user, skill_id=SKILL).status == "mastered"
    assert mastery.explain(ctx, user_id=user, skill_id="shell-scripting").status == "available"
    assert checks.due_checks(ctx, user_id=user) == []


def test_checks_of_another_learner_are_not_found(study_ctx: Context, user: int) -> None:
    practise_until_ready(study_ctx, user)
    view = checks.start_check(study_ctx, user_id=user, skill_id=SKILL, kind="mastery_check")
    other = accounts.register(study_ctx, email="bo@example.com", password="correct horse b").id
    with pytest.raises(NotFound):
        checks.check(study_ctx, user_id=other, check_id=view.id)
    with pytest.raises(NotFound):
        checks.check_answer(
            study_ctx, user_id=other, check_id=view.id, item_id=view.items[0].id, response="a"
        )


def test_hints_seen_are_counted_whatever_the_client_says(study_ctx: Context, user: int) -> None:
    item = f"{SKILL}:abs-path"
    practice.hint(study_ctx, user_id=user, item_id=item, number=1)
    practice.hint(study_ctx, user_id=user, item_id=item, number=2)
    practice.answer(study_ctx, user_id=user, item_id=item, response="b", hints_used=0)
    practice.answer(study_ctx, user_id=user, item_id=item, response="b")  # no hints this time
    second, first = evidence.of_learner(study_ctx, user_id=user)
    assert first.hints_used == 2 and second.hints_used == 0


def test_items_of_a_check_in_progress_are_closed_to_practice(study_ctx: Context, user: int) -> None:
    practise_until_ready(study_ctx, user)
    practice.answer(
        study_ctx, user_id=user, item_id=f"{SKILL}:abs-path", response="b", submission_id="p1"
    )
    view = checks.start_check(study_ctx, user_id=user, skill_id=SKILL, kind="mastery_check")
    first = view.items[0]
    checks.check_answer(
        study_ctx,
        user_id=user,
        check_id=view.id,
        item_id=first.id,
        response=RIGHT[local(first.id)],
        submission_id="c1",
    )
    with pytest.raises(Conflict, match="already used for another answer"):
        practice.answer(study_ctx, user_id=user, item_id=first.id, response="a", submission_id="c1")
    with pytest.raises(Conflict, match="already used for another answer"):
        checks.check_answer(
            study_ctx,
            user_id=user,
            check_id=view.id,
            item_id=view.items[1].id,
            response="a",
            submission_id="p1",
        )
    assert all(e.check_id is None for e in evidence.of_learner(study_ctx, user_id=user))


def test_a_failed_retention_check_cools_down(study_ctx: Context, user: int) -> None:
    practise_until_ready(study_ctx, user)
    take_check(study_ctx, user, "mastery_check", RIGHT)
    submit_task(study_ctx, user)
    ctx = later(study_ctx, days=2, minutes=1)
    failed = take_check(ctx, user, "retention_check", WRONG)
    assert failed.result is not None and not failed.result.passed
    with pytest.raises(Conflict, match="failed retention check can be retaken from"):
        checks.start_check(ctx, user_id=user, skill_id=SKILL, kind="retention_check")
    retry = checks.start_check(
        later(ctx, hours=12, minutes=1), user_id=user, skill_id=SKILL, kind="retention_check"
    )
    assert {i.id for i in retry.items} - {i.id for i in failed.items}  # unseen items first


def test_wheel_spinning_turns_to_a_worked_example_when_prerequisites_hold(
    study_ctx: Context, user: int
) -> None:
    """A strong prerequisite is no detour: the learner gets a worked example of this skill, and
    keeps answering this skill's items (they never get stuck on the prerequisite's)."""
    practise_until_ready(study_ctx, user)
    mastery.place(study_ctx, user_id=user, skill_ids=[SKILL])
    for _ in range(10):
        practice.answer(study_ctx, user_id=user, item_id="shell-scripting:exit-zero", response=7)
    nxt = practice.next_practice(study_ctx, user_id=user, skill_id="shell-scripting")
    assert nxt.reason == "worked_example" and nxt.worked_example is not None
    assert nxt.item is not None and nxt.item.skill_id == "shell-scripting"
