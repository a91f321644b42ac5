"""The portfolio: a learner's graded applied tasks, to show an employer.

One entry per skill: the best submission scored by the rubric grader or an instructor, with the
score against the pass mark, each rubric criterion met or not (and the concepts found and still
missing) and the learner's own answer. Pending and self-assessed work is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from masterpath.domain.content import Skill
from masterpath.errors import NotFound
from masterpath.services import Context
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import dashboard as store
from masterpath.store.models import TaskSubmission


@dataclass(frozen=True)
class Criterion:
    criterion: str
    points: float
    earned: float | None
    met: bool
    found: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Task:
    skill_id: str
    skill: str
    prompt: str
    score: float
    pass_mark: float
    passed: bool
    grader: str  # rubric or instructor
    graded_at: datetime | None
    criteria: list[Criterion]
    text: str  # the learner's answer, Markdown (sanitised when shown as HTML)
    link: str


@dataclass(frozen=True)
class Portfolio:
    learner: str
    tasks: list[Task]
    created_at: datetime

    @property
    def passed(self) -> int:
        return sum(task.passed for task in self.tasks)


def _criterion(report: dict[str, Any]) -> Criterion:
    earned = report.get("earned")
    points = float(report.get("points") or 0)
    met = earned is not None and points > 0 and float(earned) >= points - 1e-9
    return Criterion(
        str(report.get("criterion", "")),
        points,
        None if earned is None else float(earned),
        met,
        list(report.get("found", [])),
        list(report.get("missed", [])),
    )


def _task(row: TaskSubmission, skill: Skill | None) -> Task:
    task = skill.task if skill else None
    pass_mark = task.pass_mark if task else 0.7
    score = float(row.score or 0)
    return Task(
        row.skill_id,
        skill.title if skill else row.skill_id,
        task.prompt if task else "",
        score,
        pass_mark,
        score >= pass_mark,
        row.grader or "",
        row.graded_at,
        [_criterion(c) for c in row.detail.get("criteria", [])],
        row.text,
        row.link,
    )


def portfolio(ctx: Context, *, user_id: int) -> Portfolio:
    """The learner's own graded tasks, newest grade first."""
    with ctx.db.begin() as tx:
        user = account_store.user_by_id(tx, user_id)
        if user is None:
            raise NotFound(f"no learner {user_id}")
        skills = content_store.skill_models(tx)
        rows = store.best_graded_tasks(tx, user_id=user_id)
        tasks = [_task(row, skills.get(row.skill_id)) for row in rows]
        return Portfolio(user.display_name, tasks, ctx.clock.now())
