"""The skill page: what to learn, what to read, where the learner stands, and time on task."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from masterpath.domain import hours as study_hours
from masterpath.domain import retrieval
from masterpath.domain.content import Lab
from masterpath.errors import InvalidInput, NotFound, Problem
from masterpath.services import Context, mastery
from masterpath.store import content as content_store
from masterpath.store import study as store

TIME_KINDS = ("lesson", "item", "card", "task")
MAX_BEACON_SECONDS = 3600.0


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    summary: str
    hours: float
    objectives: list[dict[str, str]]
    prerequisites: list[dict[str, str]]
    lesson: str
    resources: list[dict[str, Any]]
    explanations: list[dict[str, str]]  # question, anchor, answer: the questions learners ask
    task: dict[str, Any] | None  # prompt, pass mark and criteria (never the concepts)
    practice_items: int
    cards: int
    mastery: mastery.Explanation
    open_checks: list[dict[str, Any]]
    minutes_studied: float
    lab: Lab | None
    where_hours: study_hours.Breakdown  # the parts the stated hours come from


@dataclass(frozen=True)
class LabPage:
    id: str  # the skill's
    title: str  # the skill's
    lab: Lab
    has_task: bool


def page(ctx: Context, *, user_id: int, skill_id: str) -> Page:
    explained = mastery.explain(ctx, user_id=user_id, skill_id=skill_id)
    with ctx.db.begin() as tx:
        skill = content_store.skill_models(tx, [skill_id])[skill_id]
        titles = {row.id: row.title for row in content_store.skills(tx, list(skill.prerequisites))}
        done = store.marks(tx, user_id=user_id, skill_id=skill_id)
        items = content_store.live_items(tx, skill_id)
        checks = [
            {"id": a.id, "kind": a.kind, "started_at": a.started_at}
            for a in store.assessments(tx, user_id=user_id, skill_id=skill_id)
            if a.finished_at is None
        ]
        seconds = sum(store.seconds_by_kind(tx, user_id=user_id, skill_id=skill_id).values())
        cards = len(content_store.live_cards(tx, skill_id))
    task = skill.task
    return Page(
        id=skill_id,
        title=skill.title,
        summary=skill.summary,
        hours=skill.hours,
        objectives=[{"id": o.id, "text": o.text} for o in skill.objectives],
        prerequisites=[{"id": p, "title": titles.get(p, p)} for p in skill.prerequisites],
        lesson=skill.lesson,
        resources=[{**asdict(r), "done": r.url in done} for r in skill.resources],
        explanations=[
            {
                "question": e.question,
                "anchor": "q-" + retrieval.anchor(e.question),
                "answer": e.answer,
            }
            for e in skill.explanations
        ],
        task={
            "prompt": task.prompt,
            "pass_mark": task.pass_mark,
            "criteria": [
                {"id": c.id, "criterion": c.criterion, "points": c.points} for c in task.rubric
            ],
        }
        if task
        else None,
        practice_items=sum(not row.assessment_only for row in items),
        cards=cards,
        mastery=explained,
        open_checks=checks,
        minutes_studied=round(seconds / 60, 1),
        lab=skill.lab,
        where_hours=study_hours.for_skill(skill),
    )


def lab(ctx: Context, *, skill_id: str) -> LabPage:
    """The skill's lab, or NotFound when the skill has none."""
    with ctx.db.begin() as tx:
        skill = content_store.skill_models(tx, [skill_id]).get(skill_id)
    if skill is None:
        raise NotFound(f"no skill {skill_id!r}")
    if skill.lab is None:
        raise NotFound(f"the skill {skill.title!r} has no lab yet")
    return LabPage(skill.id, skill.title, skill.lab, skill.task is not None)


def mark_resource(ctx: Context, *, user_id: int, skill_id: str, url: str, done: bool) -> None:
    """The learner's own "done" mark on a resource: a note, never evidence."""
    with ctx.db.begin() as tx:
        found = content_store.skill_models(tx, [skill_id])
        if not found:
            raise NotFound(f"no skill {skill_id!r}")
        if url not in {r.url for r in found[skill_id].resources}:
            raise NotFound(f"skill {skill_id!r} lists no resource {url!r}")
        store.set_mark(
            tx, user_id=user_id, skill_id=skill_id, url=url, done=done, now=ctx.clock.now()
        )


def record_time(ctx: Context, *, user_id: int, skill_id: str | None, seconds: float) -> float:
    """Active seconds on a lesson page (sent while the page is visible). Returns the total."""
    if not 0 < seconds <= MAX_BEACON_SECONDS:
        message = f"seconds must be more than 0 and at most {MAX_BEACON_SECONDS:g}"
        raise InvalidInput(message, problems=[Problem(message, field="seconds")])
    with ctx.db.begin() as tx:
        if skill_id is not None and not content_store.skills(tx, [skill_id]):
            raise NotFound(f"no skill {skill_id!r}")
        store.add_time(
            tx,
            user_id=user_id,
            skill_id=skill_id,
            kind="lesson",
            seconds=seconds,
            now=ctx.clock.now(),
        )
        return sum(store.seconds_by_kind(tx, user_id=user_id, skill_id=skill_id).values())


def time_by_kind(ctx: Context, *, user_id: int) -> dict[str, float]:
    with ctx.db.begin() as tx:
        return store.seconds_by_kind(tx, user_id=user_id)


def anchor(heading: str) -> str:
    """The id of a lesson section, as the mentor cites it."""
    return retrieval.anchor(heading)


def titles(ctx: Context) -> list[tuple[str, str]]:
    """(id, title) of every installed skill, by title."""
    with ctx.db.begin() as tx:
        return sorted(((s.id, s.title) for s in content_store.skills(tx)), key=lambda s: s[1])
