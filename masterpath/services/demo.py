"""Demo data: a learner with eight weeks of plausible study, made through the real services.

Every answer, review, check and task goes through the same service functions the web app
calls, each at its own moment in the past (the clock is moved back day by day), so the
dashboard, the evidence log and the mastery engine see exactly what a real learner would
leave behind. The simulated learner's answers come from the content's keys with a chance of
being right that grows with practice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np

from masterpath.clock import Clock
from masterpath.domain.content import Item, ItemType, Skill
from masterpath.errors import Conflict
from masterpath.services import (
    Context,
    accounts,
    cards,
    checks,
    cohorts,
    mastery,
    practice,
    skills,
    tasks,
    tracks,
)
from masterpath.store import content as content_store

LEARNER = "demo@example.com"
INSTRUCTOR = "instructor@example.com"
PASSWORD = "demo-password"  # a demo on the learner's own machine; printed by `masterpath demo`
GOAL = "I'm a backend engineer and want to become an AI Engineering Architect"
DAY_STARTS_AT = 18  # the learner studies in the evening, UTC
DAYS_BEFORE_CHECK = 4  # study days on a skill before its mastery check and task


@dataclass
class Demo:
    learner: str
    password: str
    track_id: int
    instructor: str = INSTRUCTOR
    cohort_code: str = ""
    days_studied: int = 0
    answers: int = 0
    reviews: int = 0
    checks: int = 0
    mastered: list[str] = field(default_factory=list)
    decaying: list[str] = field(default_factory=list)


def response(item: Item, right: bool) -> Any:
    """A response to an item: its key, or a plausible mistake."""
    good = [o.id for o in item.correct_options]
    bad = [o.id for o in item.options if not o.correct] or good
    ids = [o.id for o in item.options]
    answers: dict[ItemType, tuple[Any, Any]] = {
        ItemType.SINGLE_CHOICE: (good[:1], bad[:1]),
        ItemType.MULTIPLE_CHOICE: (good, good[:-1] + bad[:1]),
        ItemType.ORDERING: (ids, ids[1:] + ids[:1]),
        ItemType.SHORT_TEXT: (item.model_answer, "Not sure; something about configuration."),
        ItemType.TRUE_FALSE: (item.answer, not item.answer),
        ItemType.NUMERIC: (item.answer, float(item.answer or 0) * 3 + 7),
    }
    found = answers[item.type][0 if right else 1]
    return found[0] if item.type is ItemType.SINGLE_CHOICE else found


def task_text(skill: Skill) -> str:
    """A hand-in that covers each rubric criterion in the words its concepts accept."""
    lines = []
    for criterion in skill.task.rubric if skill.task else ():
        said = [c.phrasings[0] for c in criterion.concepts]
        lines.append(f"{criterion.criterion}: {'; '.join(said)}.")
    return "\n".join(lines)


class _Learner:
    """One simulated learner working through a track, a day at a time."""

    def __init__(self, ctx: Context, user_id: int, rng: np.random.Generator) -> None:
        self.base, self.user_id, self.rng = ctx, user_id, rng
        self.ctx = ctx
        self.practised: dict[str, int] = {}
        self.days_on: dict[str, int] = {}  # study days spent on each skill
        self.neglect = ""  # a mastered skill left unreviewed, so it decays
        with ctx.db.begin() as tx:
            self.skills = content_store.skill_models(tx)

    def at(self, moment: timedelta) -> None:
        self.ctx = dataclasses.replace(self.base, clock=Clock(self.base.clock.offset + moment))

    def later(self, minutes: float) -> None:
        self.at(self.ctx.clock.offset - self.base.clock.offset + timedelta(minutes=minutes))

    def key(self, item_id: str) -> Item:
        with self.ctx.db.begin() as tx:
            row = content_store.item(tx, item_id)
            assert row is not None
            return content_store.item_model(tx, row)

    def study_day(self, order: list[str], demo: Demo, *, last_weeks: bool) -> None:
        self.review_cards(demo)
        self.retention_checks(demo, skip=self.neglect if last_weeks else "")
        current = self.current(order)
        if current is None:
            return
        skills.record_time(
            self.ctx,
            user_id=self.user_id,
            skill_id=current,
            seconds=float(self.rng.integers(600, 1500)),
        )
        self.practise(current, demo)
        self.days_on[current] = self.days_on.get(current, 0) + 1
        if self.days_on[current] >= DAYS_BEFORE_CHECK:  # lessons and resources take time too
            self.finish(current, demo)

    def current(self, order: list[str]) -> str | None:
        for skill_id in order:
            status = mastery.explain(self.ctx, user_id=self.user_id, skill_id=skill_id).status
            if status in ("available", "in_progress"):
                return skill_id
        return None

    def review_cards(self, demo: Demo) -> None:
        queue = cards.queue(self.ctx, user_id=self.user_id, limit=25)
        for card in queue.cards:
            if self.neglect and card.skill_id == self.neglect:
                continue
            rating = int(self.rng.choice([1, 2, 3, 3, 3, 3, 4]))
            cards.rate(
                self.ctx,
                user_id=self.user_id,
                card_id=card.id,
                rating=rating,
                seconds=float(self.rng.integers(4, 20)),
            )
            demo.reviews += 1
            self.later(0.3)

    def practise(self, skill_id: str, demo: Demo) -> None:
        for _ in range(int(self.rng.integers(8, 16))):
            shown = practice.next_practice(self.ctx, user_id=self.user_id, skill_id=skill_id).item
            if shown is None:
                return
            done = self.practised.get(skill_id, 0)
            right = self.rng.random() < min(0.9, 0.3 + 0.02 * done)
            practice.answer(
                self.ctx,
                user_id=self.user_id,
                item_id=shown.id,
                response=response(self.key(shown.id), right),
                seconds=float(self.rng.integers(25, 120)),
            )
            self.practised[skill_id] = done + 1
            demo.answers += 1
            self.later(1.5)

    def take_check(self, skill_id: str, kind: str, demo: Demo, chance: float) -> bool:
        view = checks.start_check(self.ctx, user_id=self.user_id, skill_id=skill_id, kind=kind)
        for item in view.items:
            if item.id in view.answered:
                continue
            view = checks.check_answer(
                self.ctx,
                user_id=self.user_id,
                check_id=view.id,
                item_id=item.id,
                response=response(self.key(item.id), self.rng.random() < chance),
                seconds=float(self.rng.integers(30, 90)),
            )
            self.later(1.0)
        demo.checks += 1
        return bool(view.result and view.result.passed)

    def finish(self, skill_id: str, demo: Demo) -> None:
        explained = mastery.explain(self.ctx, user_id=self.user_id, skill_id=skill_id)
        estimate, check, task = (c["met"] for c in explained.checklist[:3])
        if estimate and not check:
            try:
                self.take_check(skill_id, "mastery_check", demo, chance=0.9)
            except Conflict:
                return  # cooling down after a failed check: practise again tomorrow
        skill = self.skills[skill_id]
        explained = mastery.explain(self.ctx, user_id=self.user_id, skill_id=skill_id)
        if explained.checklist[1]["met"] and not task and skill.task:
            tasks.submit(
                self.ctx,
                user_id=self.user_id,
                skill_id=skill_id,
                text=task_text(skill),
                seconds=float(self.rng.integers(1200, 3600)),
            )

    def retention_checks(self, demo: Demo, *, skip: str) -> None:
        for due in checks.due_checks(self.ctx, user_id=self.user_id):
            if due.skill_id == skip:
                continue
            try:
                self.take_check(due.skill_id, "retention_check", demo, chance=0.88)
            except Conflict:
                continue


def create(
    ctx: Context, *, weeks: int = 8, seed: int = 7, progress: Callable[[str], None] = print
) -> Demo:
    """The demo learner and their history, ending now. Refuses when the learner exists."""
    _refuse_when_made(ctx)
    rng = np.random.default_rng(seed)
    days = weeks * 7
    start = timedelta(days=-days, hours=DAY_STARTS_AT - ctx.clock.now().hour)
    past = dataclasses.replace(ctx, clock=Clock(ctx.clock.offset + start))
    user = accounts.register(past, email=LEARNER, password=PASSWORD, display_name="Dana Demo")
    teacher = accounts.register(
        past, email=INSTRUCTOR, password=PASSWORD, display_name="Ira Instructor", role="instructor"
    )
    cohort = cohorts.create(
        past, instructor_id=teacher.id, name="AI architects, autumn cohort", expires_in_days=90
    )
    cohorts.join(past, learner_id=user.id, code=cohort.invite_code)
    made = tracks.create(past, tracks.Intake(goal=GOAL, hours_per_week=6), user_id=user.id)
    assert made.track is not None and made.track.id is not None
    order = [s["id"] for stage in made.track.stages for s in stage["skills"]]
    demo = Demo(LEARNER, PASSWORD, made.track.id, cohort_code=cohort.invite_code)
    learner = _Learner(ctx, user.id, rng)
    for day in range(days):
        if day % 7 == 6:
            progress(
                f"week {day // 7 + 1} of {weeks}: {demo.answers} answers, {demo.reviews} reviews"
            )
        if rng.random() < 0.25:
            continue  # a day off
        learner.at(start + timedelta(days=day, minutes=float(rng.integers(0, 120))))
        if not learner.neglect and day >= days - 21:
            mastered = [s for s in order if _status(learner.ctx, user.id, s) == "mastered"]
            learner.neglect = mastered[0] if mastered else ""
        learner.study_day(order, demo, last_weeks=day >= days - 21)
        demo.days_studied += 1
    current = learner.current(order)
    if current and learner.skills[current].task:
        learner.at(timedelta(hours=-1))  # a link for the instructor to score
        tasks.submit(
            learner.ctx,
            user_id=user.id,
            skill_id=current,
            link=f"https://example.com/dana-demo/{current}",
            self_score=0.7,
        )
    for skill_id in order:
        status = _status(ctx, user.id, skill_id)
        if status == "mastered":
            demo.mastered.append(skill_id)
        elif status == "decaying":
            demo.decaying.append(skill_id)
    return demo


def _refuse_when_made(ctx: Context) -> None:
    """Refuse when a demo address is taken, saying which password is really that account's."""
    for email in (LEARNER, INSTRUCTOR):
        if accounts.has_password(ctx, email=email, password=PASSWORD):
            raise Conflict(f"the demo account {email} already exists; log in with {PASSWORD!r}")
        if accounts.exists(ctx, email=email):
            raise Conflict(
                f"{email} already exists with its own password (the demo did not make it), and "
                "the demo needs that address: make the demo in a fresh data folder "
                "(MASTERPATH_DATA_DIR)"
            )


def _status(ctx: Context, user_id: int, skill_id: str) -> str:
    return mastery.explain(ctx, user_id=user_id, skill_id=skill_id).status
