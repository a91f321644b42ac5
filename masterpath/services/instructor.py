"""What an instructor sees of their cohorts' learners, and scoring their applied tasks.

Every function checks ownership first (`cohorts.require_learner`): the learner must be a current
member of one of the instructor's cohorts, or the answer is "not found". An instructor's score is
graded evidence (grader "instructor"), the same the Learning Center's pending task waits for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from masterpath.domain import grading
from masterpath.domain import mastery as rules
from masterpath.domain.content import Task
from masterpath.errors import Conflict, InvalidInput, NotFound, Problem
from masterpath.services import Context, cohorts, evidence, mastery_state
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import cohorts as store
from masterpath.store import content as content_store
from masterpath.store import study as study_store
from masterpath.store import tracks as track_store
from masterpath.store.models import TaskSubmission, User

DONE = {status.value for status in rules.UNLOCKING}  # mastered, placed or decaying
MAX_COMMENT = 2_000


@dataclass(frozen=True)
class SkillRef:
    id: str
    title: str


@dataclass(frozen=True)
class TrackProgress:
    career: str
    career_title: str
    mastered: int  # mastered, placed or decaying: the skills that unlock what follows
    total: int
    stages: list[dict[str, Any]]  # title, unlocked, skills: [{id, title, status}]
    current: SkillRef | None  # the first skill in progress, else the first available


@dataclass(frozen=True)
class TaskRow:
    id: int
    learner_id: int
    learner: str
    skill: SkillRef
    status: str  # pending or graded
    score: float | None
    grader: str | None
    submitted_at: datetime


@dataclass(frozen=True)
class LearnerRow:
    id: int
    name: str
    email: str
    joined_at: datetime
    track: TrackProgress | None  # the newest track
    stuck: list[SkillRef]
    pending: int


@dataclass(frozen=True)
class CohortPage:
    cohort: cohorts.CohortView
    learners: list[LearnerRow]
    pending: list[TaskRow]


@dataclass(frozen=True)
class LearnerPage:
    id: int
    name: str
    email: str
    cohorts: list[str]  # the instructor's cohorts this learner is in
    tracks: list[TrackProgress]
    stuck: list[SkillRef]
    tasks: list[TaskRow]


@dataclass(frozen=True)
class TaskPage:
    id: int
    learner_id: int
    learner: str
    skill: SkillRef
    prompt: str
    criteria: list[dict[str, Any]]  # id, criterion, points, earned (None until scored)
    pass_mark: float
    text: str
    link: str
    self_score: float | None
    status: str
    score: float | None
    grader: str | None
    comment: str
    submitted_at: datetime
    graded_at: datetime | None


def _titles(tx: Tx) -> dict[str, str]:
    return {key: data.title for key, data in content_store.skill_models(tx).items()}


def _ref(skill_id: str, titles: Mapping[str, str]) -> SkillRef:
    return SkillRef(skill_id, titles.get(skill_id, skill_id))


def _track(
    tx: Tx, user_id: int, slug: str, titles: Mapping[str, str], now: datetime
) -> TrackProgress | None:
    career = content_store.career(tx, slug)
    if career is None:
        return None
    given = career.data["stages"]
    stages = [[s for s in stage["skills"] if s in titles] for stage in given]
    found = mastery_state.stage_progress_in(tx, user_id=user_id, stages=stages, now=now)
    status = found["skills"]
    order = [s for stage in stages for s in stage]
    current = next((s for s in order if status[s] == "in_progress"), None) or next(
        (s for s in order if status[s] == "available"), None
    )
    return TrackProgress(
        career=slug,
        career_title=career.title,
        mastered=sum(status[s] in DONE for s in order),
        total=len(order),
        stages=[
            {
                "title": stage["title"],
                "unlocked": found["stages"][n],
                "skills": [{"id": s, "title": titles[s], "status": status[s]} for s in stages[n]],
            }
            for n, stage in enumerate(given)
        ],
        current=_ref(current, titles) if current else None,
    )


def _tracks(
    tx: Tx, user_id: int, titles: Mapping[str, str], now: datetime, *, limit: int | None = None
) -> list[TrackProgress]:
    """Progress on each career the learner has a track for, newest track first."""
    slugs = list(dict.fromkeys(row.career_slug for row in track_store.of_learner(tx, user_id)))
    found = [_track(tx, user_id, slug, titles, now) for slug in slugs[:limit]]
    return [t for t in found if t is not None]


def _task_row(row: TaskSubmission, user: User, titles: Mapping[str, str]) -> TaskRow:
    return TaskRow(
        row.id,
        user.id,
        user.display_name,
        _ref(row.skill_id, titles),
        row.status,
        row.score,
        row.grader,
        row.submitted_at,
    )


def _stuck(tx: Tx, user_id: int, titles: Mapping[str, str], now: datetime) -> list[SkillRef]:
    return [_ref(s, titles) for s in mastery_state.stuck(tx, user_id=user_id, now=now)]


def cohort_page(ctx: Context, *, instructor_id: int, cohort_id: int) -> CohortPage:
    """A cohort's current learners: progress on their newest track, stuck skills, tasks."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        row = cohorts.taught(tx, instructor_id=instructor_id, cohort_id=cohort_id)
        members = store.members(tx, row.id)
        titles = _titles(tx)
        users = {user.id: user for user, _ in members}
        pending = store.pending_tasks(tx, list(users))
        waiting = Counter(task.user_id for task in pending)
        learners = [
            LearnerRow(
                user.id,
                user.display_name,
                user.email,
                member.joined_at,
                next(iter(_tracks(tx, user.id, titles, now, limit=1)), None),
                _stuck(tx, user.id, titles, now),
                waiting[user.id],
            )
            for user, member in members
        ]
        tasks = [_task_row(task, users[task.user_id], titles) for task in pending]
        return CohortPage(cohorts.view(row, len(members), now), learners, tasks)


def learner_page(ctx: Context, *, instructor_id: int, learner_id: int) -> LearnerPage:
    """One of the instructor's learners: every track, stuck skills and every task handed in."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        shared = cohorts.require_learner(tx, instructor_id=instructor_id, learner_id=learner_id)
        user = account_store.user_by_id(tx, learner_id)
        assert user is not None  # a member is a user
        titles = _titles(tx)
        submissions = study_store.submissions(tx, user_id=learner_id)
        submissions.sort(key=lambda s: (s.status != "pending", -s.id))
        return LearnerPage(
            user.id,
            user.display_name,
            user.email,
            [c.name for c in shared],
            _tracks(tx, user.id, titles, now),
            _stuck(tx, user.id, titles, now),
            [_task_row(s, user, titles) for s in submissions],
        )


def _submission(tx: Tx, instructor_id: int, submission_id: int) -> tuple[TaskSubmission, User]:
    cohorts.require_teacher(tx, instructor_id)
    row = store.submission(tx, submission_id)
    if row is None or not store.shared(tx, instructor_id=instructor_id, learner_id=row.user_id):
        raise NotFound(f"no task {submission_id} from a learner in your cohorts")
    user = account_store.user_by_id(tx, row.user_id)
    assert user is not None
    return row, user


def _task(tx: Tx, skill_id: str) -> Task:
    skill = content_store.skill_models(tx, [skill_id]).get(skill_id)
    if skill is None or skill.task is None:
        raise NotFound(f"skill {skill_id!r} has no applied task any more")
    return skill.task


def _page(tx: Tx, row: TaskSubmission, user: User) -> TaskPage:
    task = _task(tx, row.skill_id)
    earned = {c["id"]: c.get("earned") for c in row.detail.get("criteria", [])}
    criteria = [
        {"id": c.id, "criterion": c.criterion, "points": c.points, "earned": earned.get(c.id)}
        for c in task.rubric
    ]
    return TaskPage(
        row.id,
        user.id,
        user.display_name,
        _ref(row.skill_id, _titles(tx)),
        task.prompt,
        criteria,
        task.pass_mark,
        row.text,
        row.link,
        row.self_score,
        row.status,
        row.score,
        row.grader,
        str(row.detail.get("comment", "")),
        row.submitted_at,
        row.graded_at,
    )


def task(ctx: Context, *, instructor_id: int, submission_id: int) -> TaskPage:
    """A task handed in by one of the instructor's learners, with its rubric."""
    with ctx.db.begin() as tx:
        row, user = _submission(tx, instructor_id, submission_id)
        return _page(tx, row, user)


def score(
    ctx: Context,
    *,
    instructor_id: int,
    submission_id: int,
    points: Mapping[str, object],
    comment: str = "",
) -> TaskPage:
    """Score a pending task against its rubric: points per criterion become the score, recorded
    as graded evidence (grader "instructor") in the same transaction. A task is scored once."""
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        row, user = _submission(tx, instructor_id, submission_id)
        if row.status != "pending":
            raise Conflict(f"task {submission_id} was already scored by the {row.grader} grader")
        value, report = grading.scored_rubric(_task(tx, row.skill_id).rubric, points)
        if len(comment) > MAX_COMMENT:
            message = f"a comment is at most {MAX_COMMENT:,} characters"
            raise InvalidInput(message, problems=[Problem(message, field="comment")])
        row.status, row.score, row.grader, row.graded_at = "graded", value, "instructor", now
        row.detail = {"criteria": report, "comment": comment.strip(), "instructor": instructor_id}
        evidence.add(
            tx,
            now=now,
            user_id=row.user_id,
            skill_id=row.skill_id,
            source_kind="task",
            source_id=row.skill_id,
            mode="task",
            score=value,
            grader="instructor",
            detail={"submission": row.id, "instructor": instructor_id},
        )
        return _page(tx, row, user)
