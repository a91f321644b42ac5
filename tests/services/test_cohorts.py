"""Cohorts through the services: invite codes, joining and leaving, what an instructor may see,
and scoring a pending task into graded evidence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from masterpath.errors import Conflict, Forbidden, InvalidInput, NotFound
from masterpath.services import (
    Context,
    accounts,
    cohorts,
    evidence,
    instructor,
    mastery,
    packs,
    practice,
    tracks,
)
from masterpath.services import tasks as task_service
from masterpath.store.models import Membership
from tests.services.test_study import SKILL, STUDY_PACK, WRONG, later, local

PASSWORD = "correct horse b"


@dataclass(frozen=True)
class People:
    teacher: int
    other_teacher: int
    ann: int
    bob: int


def person(ctx: Context, name: str, role: str = "learner") -> int:
    email = f"{name}@example.com"
    return accounts.register(ctx, email=email, password=PASSWORD, display_name=name, role=role).id


@pytest.fixture
def study_ctx(ctx: Context) -> Context:
    packs.install(ctx, [STUDY_PACK])
    return ctx


@pytest.fixture
def people(study_ctx: Context) -> People:
    return People(
        person(study_ctx, "tess", "instructor"),
        person(study_ctx, "otto", "instructor"),
        person(study_ctx, "ann"),
        person(study_ctx, "bob"),
    )


def memberships(ctx: Context, learner: int) -> int:
    with ctx.db.begin() as tx:
        query = select(func.count()).where(Membership.learner_id == learner)
        return int(tx.session.scalar(query) or 0)


def pending_link(ctx: Context, learner: int) -> int:
    link = "https://example.com/my-work"
    handed = task_service.submit(ctx, user_id=learner, skill_id=SKILL, link=link)
    assert handed.status == "pending"
    return handed.id


def test_only_instructors_can_run_cohorts(study_ctx: Context, people: People) -> None:
    with pytest.raises(Forbidden, match="create-instructor"):
        cohorts.create(study_ctx, instructor_id=people.ann, name="Mine")
    with pytest.raises(Forbidden):
        cohorts.of_instructor(study_ctx, instructor_id=people.ann)
    with pytest.raises(Forbidden):
        instructor.learner_page(study_ctx, instructor_id=people.ann, learner_id=people.bob)


def test_a_cohort_gets_a_readable_code_lasting_14_days(study_ctx: Context, people: People) -> None:
    made = cohorts.create(study_ctx, instructor_id=people.teacher, name="  Spring   2027 ")
    assert made.name == "Spring 2027" and made.members == 0 and not made.code_expired
    assert len(made.invite_code) == 8 and set(made.invite_code) <= set(cohorts.ALPHABET)
    assert made.code_expires_at - made.created_at == timedelta(days=14)
    week = cohorts.create(study_ctx, instructor_id=people.teacher, name="B", expires_in_days=7)
    assert (week.code_expires_at - week.created_at).days == 7
    listed = cohorts.of_instructor(study_ctx, instructor_id=people.teacher)
    assert [c.name for c in listed] == ["B", "Spring 2027"]
    assert cohorts.of_instructor(study_ctx, instructor_id=people.other_teacher) == []


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [
        ("", 14, "name"),
        ("x" * 101, 14, "name"),
        ("Ok", 0, "expires_in_days"),
        ("Ok", 366, "expires_in_days"),
    ],
)
def test_bad_cohort_input_names_the_field(
    study_ctx: Context, people: People, name: str, days: int, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        cohorts.create(study_ctx, instructor_id=people.teacher, name=name, expires_in_days=days)
    assert caught.value.problems[0].field == field
    assert cohorts.of_instructor(study_ctx, instructor_id=people.teacher) == []


def test_joining_is_idempotent_and_leaving_keeps_the_history(
    study_ctx: Context, people: People
) -> None:
    made = cohorts.create(study_ctx, instructor_id=people.teacher, name="Spring")
    typed = made.invite_code.lower()[:4] + "-" + made.invite_code.lower()[4:]
    first = cohorts.join(study_ctx, learner_id=people.ann, code=typed)
    again = cohorts.join(study_ctx, learner_id=people.ann, code=made.invite_code)
    assert first == again and first.name == "Spring" and first.instructor == "tess"
    assert cohorts.of_learner(study_ctx, learner_id=people.ann) == [first]
    assert cohorts.get(study_ctx, instructor_id=people.teacher, cohort_id=made.id).members == 1
    cohorts.leave(study_ctx, learner_id=people.ann, cohort_id=made.id)
    assert cohorts.of_learner(study_ctx, learner_id=people.ann) == []
    with pytest.raises(NotFound):
        cohorts.leave(study_ctx, learner_id=people.ann, cohort_id=made.id)
    cohorts.join(study_ctx, learner_id=people.ann, code=made.invite_code)
    assert memberships(study_ctx, people.ann) == 2  # the first stay is kept, with when it ended


def test_unknown_and_expired_codes_are_refused_clearly(study_ctx: Context, people: People) -> None:
    made = cohorts.create(study_ctx, instructor_id=people.teacher, name="S", expires_in_days=3)
    with pytest.raises(InvalidInput, match="no cohort has the invite code 'ZZZZ2222'") as caught:
        cohorts.join(study_ctx, learner_id=people.ann, code="zzzz2222")
    assert caught.value.problems[0].field == "code"
    cohorts.join(study_ctx, learner_id=people.bob, code=made.invite_code)
    when = made.code_expires_at.strftime("%d %b %Y %H:%M UTC")
    future = later(study_ctx, days=3, seconds=1)
    with pytest.raises(InvalidInput, match=f"expired on {when}"):
        cohorts.join(future, learner_id=people.ann, code=made.invite_code)
    assert cohorts.join(future, learner_id=people.bob, code=made.invite_code).name == "S"
    assert memberships(study_ctx, people.ann) == 0
    with pytest.raises(InvalidInput, match="you teach this cohort"):
        cohorts.join(study_ctx, learner_id=people.teacher, code=made.invite_code)


def test_a_replaced_or_expired_code_stops_working(study_ctx: Context, people: People) -> None:
    made = cohorts.create(study_ctx, instructor_id=people.teacher, name="S")
    fresh = cohorts.replace_code(
        study_ctx, instructor_id=people.teacher, cohort_id=made.id, expires_in_days=2
    )
    assert fresh.invite_code != made.invite_code
    with pytest.raises(InvalidInput, match="no cohort has"):
        cohorts.join(study_ctx, learner_id=people.ann, code=made.invite_code)
    closed = cohorts.expire_code(study_ctx, instructor_id=people.teacher, cohort_id=made.id)
    assert closed.code_expired
    with pytest.raises(InvalidInput, match="expired on"):
        cohorts.join(study_ctx, learner_id=people.ann, code=fresh.invite_code)
    with pytest.raises(NotFound):
        cohorts.expire_code(study_ctx, instructor_id=people.other_teacher, cohort_id=made.id)


def test_instructors_see_only_current_learners_of_their_own_cohorts(
    study_ctx: Context, people: People
) -> None:
    mine = cohorts.create(study_ctx, instructor_id=people.teacher, name="Mine")
    theirs = cohorts.create(study_ctx, instructor_id=people.other_teacher, name="Theirs")
    cohorts.join(study_ctx, learner_id=people.ann, code=mine.invite_code)
    cohorts.join(study_ctx, learner_id=people.bob, code=theirs.invite_code)
    bobs_task = pending_link(study_ctx, people.bob)
    page = instructor.cohort_page(study_ctx, instructor_id=people.teacher, cohort_id=mine.id)
    assert [row.name for row in page.learners] == ["ann"]
    seen = instructor.learner_page(study_ctx, instructor_id=people.teacher, learner_id=people.ann)
    assert seen.cohorts == ["Mine"]
    refused: list[Callable[[], object]] = [
        lambda: instructor.cohort_page(
            study_ctx, instructor_id=people.teacher, cohort_id=theirs.id
        ),
        lambda: instructor.learner_page(
            study_ctx, instructor_id=people.teacher, learner_id=people.bob
        ),
        lambda: instructor.task(study_ctx, instructor_id=people.teacher, submission_id=bobs_task),
        lambda: instructor.task(study_ctx, instructor_id=people.teacher, submission_id=10**6),
        lambda: cohorts.replace_code(study_ctx, instructor_id=people.teacher, cohort_id=theirs.id),
    ]
    for call in refused:
        with pytest.raises(NotFound):
            call()
    cohorts.leave(study_ctx, learner_id=people.ann, cohort_id=mine.id)
    with pytest.raises(NotFound):
        instructor.learner_page(study_ctx, instructor_id=people.teacher, learner_id=people.ann)


def test_the_cohort_page_shows_progress_stuck_skills_and_pending_tasks(
    study_ctx: Context, people: People
) -> None:
    made = cohorts.create(study_ctx, instructor_id=people.teacher, name="S")
    cohorts.join(study_ctx, learner_id=people.ann, code=made.invite_code)
    goal = tracks.Intake(goal="get around a unix shell and automate chores with scripts")
    assert tracks.create(study_ctx, goal, user_id=people.ann).career == "shell-user"
    task_id = pending_link(study_ctx, people.ann)
    for _ in range(10):
        shown = practice.next_practice(study_ctx, user_id=people.ann, skill_id=SKILL).item
        assert shown is not None
        answer = WRONG.get(local(shown.id), "no idea")
        practice.answer(study_ctx, user_id=people.ann, item_id=shown.id, response=answer)
    page = instructor.cohort_page(study_ctx, instructor_id=people.teacher, cohort_id=made.id)
    (row,) = page.learners
    assert row.track is not None and row.track.career_title == "Shell User"
    assert (row.track.mastered, row.track.total) == (0, 2)
    assert row.track.current == instructor.SkillRef(SKILL, "Shell basics")
    assert [s.id for s in row.stuck] == [SKILL] and row.pending == 1
    assert [(t.id, t.learner, t.skill.id) for t in page.pending] == [(task_id, "ann", SKILL)]


def test_scoring_a_pending_task_is_graded_evidence_that_meets_the_criterion(
    study_ctx: Context, people: People
) -> None:
    made = cohorts.create(study_ctx, instructor_id=people.teacher, name="S")
    cohorts.join(study_ctx, learner_id=people.ann, code=made.invite_code)
    task_id = pending_link(study_ctx, people.ann)
    shown = instructor.task(study_ctx, instructor_id=people.teacher, submission_id=task_id)
    assert shown.link == "https://example.com/my-work" and shown.status == "pending"
    assert [(c["id"], c["points"], c["earned"]) for c in shown.criteria] == [
        ("find", 2, None),
        ("sort", 2, None),
    ]
    scored = instructor.score(
        study_ctx,
        instructor_id=people.teacher,
        submission_id=task_id,
        points={"find": "2", "sort": 1},
        comment=" Sort by size next time. ",
    )
    assert (scored.status, scored.score, scored.grader) == ("graded", 0.75, "instructor")
    records = evidence.of_learner(study_ctx, user_id=people.ann, mode="task")
    assert [(r.grader, r.score, r.detail["submission"]) for r in records] == [
        ("instructor", 0.75, task_id)
    ]
    checklist = mastery.explain(study_ctx, user_id=people.ann, skill_id=SKILL).checklist
    task_line = next(item for item in checklist if item["key"] == "task")
    assert task_line["met"] and task_line["value"] == "best graded score 75%"
    (mine,) = task_service.submissions(study_ctx, user_id=people.ann, skill_id=SKILL)
    assert mine.status == "graded" and mine.comment == "Sort by size next time."
    with pytest.raises(Conflict, match="already scored"):
        instructor.score(
            study_ctx,
            instructor_id=people.teacher,
            submission_id=task_id,
            points={"find": 2, "sort": 2},
        )


def test_bad_scores_name_every_field_and_write_nothing(study_ctx: Context, people: People) -> None:
    made = cohorts.create(study_ctx, instructor_id=people.teacher, name="S")
    cohorts.join(study_ctx, learner_id=people.ann, code=made.invite_code)
    task_id = pending_link(study_ctx, people.ann)
    with pytest.raises(InvalidInput, match="3 scores are not valid") as caught:
        instructor.score(
            study_ctx,
            instructor_id=people.teacher,
            submission_id=task_id,
            points={"find": 3, "sort": "lots", "style": 1},
        )
    fields = [p.field for p in caught.value.problems]
    assert fields == ["points.style", "points.find", "points.sort"]
    with pytest.raises(InvalidInput, match=r"^points\.sort: give a number from 0 to 2$"):
        instructor.score(
            study_ctx,
            instructor_id=people.teacher,
            submission_id=task_id,
            points={"find": 1, "sort": float("nan")},
        )
    with pytest.raises(InvalidInput, match="comment"):
        instructor.score(
            study_ctx,
            instructor_id=people.teacher,
            submission_id=task_id,
            points={"find": 1, "sort": 1},
            comment="x" * 2001,
        )
    still = instructor.task(study_ctx, instructor_id=people.teacher, submission_id=task_id)
    assert still.status == "pending"
    assert evidence.of_learner(study_ctx, user_id=people.ann, mode="task") == []
