"""Applied tasks: hand in text or a link, graded against the skill's rubric.

Text is scored at once by the rubric grader when every criterion of the rubric lists the
concepts it looks for; otherwise (or for a link alone) the submission stays pending until an
instructor scores it. The learner's self-assessment is kept beside the grade as a self-report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from masterpath.domain.content import Task
from masterpath.errors import Conflict, InvalidInput, NotFound, Problem
from masterpath.services import Context, evidence, items, marking, mastery_state
from masterpath.store import Tx
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import study as store
from masterpath.store.models import TaskSubmission

MAX_TEXT = 100_000
LINK = re.compile(r"^https?://[^\s/$.?#][^\s]{0,490}$")


@dataclass(frozen=True)
class Submission:
    id: int
    skill_id: str
    text: str
    link: str
    status: str  # graded or pending
    score: float | None
    self_score: float | None
    grader: str | None
    pass_mark: float
    criteria: list[dict[str, Any]] = field(default_factory=list)
    submitted_at: datetime | None = None
    comment: str = ""  # the instructor's note, when an instructor scored it


def _bad(message: str, name: str) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, field=name)])


def submit(
    ctx: Context,
    *,
    user_id: int,
    skill_id: str,
    text: str = "",
    link: str = "",
    self_score: float | None = None,
    seconds: float | None = None,
    submission_id: str | None = None,
) -> Submission:
    text, link = text or "", (link or "").strip()
    _check(text, link, self_score, submission_id)
    seconds = items.clamp_seconds(seconds)
    now = ctx.clock.now()
    with ctx.db.begin() as tx:
        account_store.lock_learner(tx, user_id)
        if submission_id is not None:
            earlier = store.submission_by_client_id(
                tx, user_id=user_id, submission_id=submission_id
            )
            if earlier is not None:
                return _view(tx, earlier)
        task = _task(tx, skill_id)
        if not mastery_state.available(
            tx, user_id=user_id, skill=content_store.skill_models(tx, [skill_id])[skill_id]
        ):
            raise Conflict(f"skill {skill_id!r} is locked: master or place its prerequisites first")
        score, report = marking.rubric(ctx, task.rubric, text)
        row = store.add_submission(
            tx,
            user_id=user_id,
            skill_id=skill_id,
            text=text,
            link=link,
            self_score=self_score,
            status="graded" if score is not None else "pending",
            score=score,
            grader="rubric" if score is not None else None,
            detail={"criteria": report},
            submitted_at=now,
            graded_at=now if score is not None else None,
            submission_id=submission_id,
        )
        if score is not None:
            evidence.add(
                tx,
                now=now,
                user_id=user_id,
                skill_id=skill_id,
                source_kind="task",
                source_id=skill_id,
                mode="task",
                score=score,
                grader="rubric",
                seconds=seconds,
                detail={"submission": row.id},
            )
        if self_score is not None:
            evidence.add(
                tx,
                now=now,
                user_id=user_id,
                skill_id=skill_id,
                source_kind="task",
                source_id=skill_id,
                mode="task",
                score=self_score,
                grader="self",
                detail={"submission": row.id},
            )
        if seconds:
            store.add_time(
                tx,
                user_id=user_id,
                skill_id=skill_id,
                kind="task",
                seconds=min(seconds, 6 * 3600.0),
                now=now,
            )
        return _view(tx, row)


def _check(text: str, link: str, self_score: float | None, submission_id: str | None) -> None:
    if not text.strip() and not link:
        raise _bad("write your work or give a link to it", "text")
    if len(text) > MAX_TEXT:
        raise _bad(f"a submission is at most {MAX_TEXT:,} characters", "text")
    if link and not LINK.match(link):
        raise _bad("the link must be an http(s) address", "link")
    if self_score is not None and not 0.0 <= self_score <= 1.0:
        raise _bad("a self-assessment is between 0 and 1", "self_score")
    if submission_id is not None and not 0 < len(submission_id) <= 64:
        raise _bad("submission ids are 1 to 64 characters", "submission_id")


def _task(tx: Tx, skill_id: str) -> Task:
    found = content_store.skill_models(tx, [skill_id])
    if not found:
        raise NotFound(f"no skill {skill_id!r}")
    task = found[skill_id].task
    if not task:
        raise Conflict(f"skill {skill_id!r} has no applied task")
    return task


def _view(tx: Tx, row: TaskSubmission) -> Submission:
    task = _task(tx, row.skill_id)
    return Submission(
        id=row.id,
        skill_id=row.skill_id,
        text=row.text,
        link=row.link,
        status=row.status,
        score=row.score,
        self_score=row.self_score,
        grader=row.grader,
        pass_mark=task.pass_mark,
        criteria=list(row.detail.get("criteria", [])),
        submitted_at=row.submitted_at,
        comment=str(row.detail.get("comment", "")),
    )


def submissions(ctx: Context, *, user_id: int, skill_id: str | None = None) -> list[Submission]:
    with ctx.db.begin() as tx:
        return [_view(tx, row) for row in store.submissions(tx, user_id=user_id, skill_id=skill_id)]
