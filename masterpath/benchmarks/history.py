"""Eight months of one learner's study, generated for `bench dashboard` and written with
store-level bulk inserts in one transaction.

Built-in skills are studied one after another in prerequisite order, each over a window of
about two weeks: practice answers getting better, then a mastery check, the applied task
(scored by the real rubric grader) and a retention check two and a half days later. Most
mastered skills get a re-check every 25 days; three are left alone and decay. The last few
studied skills are still in progress. Every started card is scheduled by the real FSRS code from
the day it is introduced until today. Knowledge-tracing counters are replayed through
`kt.observe` so the engine's verdicts agree with the generated evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from masterpath.domain import cards as schedule
from masterpath.domain import grading, graph, kt
from masterpath.domain import mastery as rules
from masterpath.domain.content import Skill
from masterpath.services import Context
from masterpath.store import bulk
from masterpath.store import content as content_store
from masterpath.store.models import (
    Assessment,
    Evidence,
    LearnerCard,
    LearnerState,
    SkillState,
    StudyTime,
    TaskSubmission,
)

DAYS = 240
STUDIED, MASTERED = 31, 27  # of the built-in skills, in prerequisite order
DECAYING = (3, 9, 15)  # mastered skills never re-checked
WINDOW = 12  # days of study per skill
RECHECK = 25  # days between re-checks of a mastered skill
RATINGS = ([1, 2, 3, 4], [0.05, 0.1, 0.65, 0.2])


@dataclass
class Rows:
    evidence: list[dict[str, Any]] = field(default_factory=list)
    time: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)


class Writer:
    def __init__(self, ctx: Context, user_id: int, seed: int) -> None:
        self.user, self.now, self.rows = user_id, ctx.clock.now(), Rows()
        self.rng = np.random.default_rng(seed)
        with ctx.db.begin() as tx:
            self.skills = content_store.skill_models(tx)
            self.versions = content_store.pack_versions(tx)
        self.difficulty = {
            str(i.id): i.difficulty for skill in self.skills.values() for i in skill.items
        }

    def at(self, day: float) -> datetime:
        """A moment on `day` (days after the start) in an evening session."""
        hour = float(self.rng.choice([7.5, 12.5, 18, 19, 20, 21]))
        moment = self.now - timedelta(days=DAYS) + timedelta(days=int(day), hours=hour)
        return min(moment + timedelta(minutes=float(self.rng.uniform(0, 50))), self.now)

    def answer(self, skill: str, item: str, moment: datetime, score: float, **extra: Any) -> None:
        seconds = round(float(self.rng.uniform(20, 120)), 1)
        self.rows.evidence.append(
            {
                "user_id": self.user,
                "skill_id": skill,
                "also_skills": [],
                "source_kind": "item",
                "source_id": item,
                "pack_version": self.versions.get(skill, ""),
                "mode": extra.get("mode", "practice"),
                "score": score,
                "grader": "auto",
                "hints_used": extra.get("hints", 0),
                "seconds": seconds,
                "answered_at": moment,
                "recorded_at": moment,
                "check_id": extra.get("check_id"),
                "detail": {},
            }
        )
        self.rows.time.append(
            {
                "user_id": self.user,
                "skill_id": skill,
                "kind": "item",
                "seconds": seconds,
                "recorded_at": moment,
            }
        )

    def check(self, skill: str, kind: str, items: list[str], moment: datetime) -> None:
        check_id = len(self.rows.checks) + 1
        self.rows.checks.append(
            {
                "id": check_id,
                "user_id": self.user,
                "skill_id": skill,
                "kind": kind,
                "items": items,
                "started_at": moment,
                "finished_at": moment,
                "correct": len(items),
                "passed": True,
            }
        )
        for item in items:
            self.answer(skill, item, moment, 1.0, mode=kind, check_id=check_id)

    def task(self, skill: str, moment: datetime) -> None:
        task = self.skills[skill].task
        if not task:
            return
        words = [c.phrasings[0] for crit in task.rubric for c in crit.concepts]
        text = "My approach: " + ", ".join(words) + "."
        score, report = grading.rubric(task.rubric, text)
        row_id = len(self.rows.tasks) + 1
        self.rows.tasks.append(
            {
                "id": row_id,
                "user_id": self.user,
                "skill_id": skill,
                "text": text,
                "link": "",
                "self_score": 0.8,
                "status": "graded" if score is not None else "pending",
                "score": score,
                "grader": "rubric" if score is not None else None,
                "detail": {"criteria": report},
                "submitted_at": moment,
                "graded_at": moment if score is not None else None,
                "submission_id": None,
            }
        )
        for grader, value in (("rubric", score), ("self", 0.8)):
            if value is not None:
                self.rows.evidence.append(
                    {
                        "user_id": self.user,
                        "skill_id": skill,
                        "also_skills": [],
                        "source_kind": "task",
                        "source_id": skill,
                        "pack_version": self.versions.get(skill, ""),
                        "mode": "task",
                        "score": value,
                        "grader": grader,
                        "hints_used": 0,
                        "seconds": None,
                        "answered_at": moment,
                        "recorded_at": moment,
                        "check_id": None,
                        "detail": {"submission": row_id},
                    }
                )

    def card(self, card_id: str, skill: str, day: float) -> None:
        """Introduce a card on `day` and review it whenever it falls due, until today."""
        moment = self.at(day)
        state, reviews = schedule.new(card_id, moment), 0
        introduced = due = moment
        while moment < self.now:
            rating = int(self.rng.choice(RATINGS[0], p=RATINGS[1]))
            state, due = schedule.review(state, rating, moment)
            reviews += 1
            seconds = round(float(self.rng.uniform(4, 15)), 1)
            self.rows.evidence.append(
                {
                    "user_id": self.user,
                    "skill_id": skill,
                    "also_skills": [],
                    "source_kind": "card",
                    "source_id": card_id,
                    "pack_version": self.versions.get(skill, ""),
                    "mode": "flashcard",
                    "score": (rating - 1) / 3,
                    "grader": "self",
                    "hints_used": 0,
                    "seconds": seconds,
                    "answered_at": moment,
                    "recorded_at": moment,
                    "check_id": None,
                    "detail": {"rating": rating},
                }
            )
            self.rows.time.append(
                {
                    "user_id": self.user,
                    "skill_id": skill,
                    "kind": "card",
                    "seconds": seconds,
                    "recorded_at": moment,
                }
            )
            moment = due + timedelta(hours=float(self.rng.uniform(0, 36)))
        self.rows.cards.append(
            {
                "user_id": self.user,
                "card_id": card_id,
                "skill_id": skill,
                "state": state,
                "due": due,
                "reviews": reviews,
                "introduced_at": introduced,
            }
        )


def _items(skill: Skill) -> tuple[list[str], list[str]]:
    practice = [str(i.id) for i in skill.items if not i.assessment_only]
    held = [str(i.id) for i in skill.items if i.assessment_only]
    return practice, held


def _plan(w: Writer) -> list[str]:
    builtin = {k: v for k, v in w.skills.items() if not k.startswith("bench-deck")}
    prereqs = {k: list(v.prerequisites) for k, v in builtin.items()}
    return [s for s in graph.topological(prereqs) if _items(builtin[s])[0]]


def _cards(ctx: Context, w: Writer, order: list[str], total: int) -> None:
    with ctx.db.begin() as tx:
        own = {s: [c.id for c in content_store.live_cards(tx, s)] for s in order[:STUDIED]}
        decks = {
            s: [c.id for c in content_store.live_cards(tx, s)]
            for s in w.skills
            if s.startswith("bench-deck")
        }
    started = 0
    for k, skill in enumerate(order[:STUDIED]):
        for card in own[skill][: max(0, total - started)]:
            w.card(card, skill, _start(k) + float(w.rng.uniform(0, WINDOW)))
            started += 1
    pool = [(s, c) for s, ids in sorted(decks.items()) for c in ids]
    for n, (skill, card) in enumerate(pool[: max(0, total - started)]):
        w.card(card, skill, n / max(total - started, 1) * (DAYS - 3))


def _start(k: int) -> float:
    return k * (DAYS - WINDOW - 8) / STUDIED


def _end(k: int) -> float:
    return _start(k) + WINDOW if k < MASTERED else DAYS


def _practice(w: Writer, k: int, skill: str, answers: int) -> None:
    """Practice answers over the skill's window, right more and more often."""
    practice, _ = _items(w.skills[skill])
    for n in range(answers):
        right = w.rng.random() < 0.55 + 0.37 * n / max(answers, 1)
        day = _start(k) + n / answers * (_end(k) - _start(k))
        w.answer(
            skill,
            str(w.rng.choice(practice)),
            w.at(day),
            1.0 if right else 0.0,
            hints=int(w.rng.random() < 0.1),
        )


def _mastered(w: Writer, k: int, skill: str) -> None:
    """The mastery check, the task, the retention check and (unless it decays) re-checks."""
    practice, held = _items(w.skills[skill])
    checked = (held + practice)[: rules.criteria_of(w.skills[skill]).required_correct]
    ready = w.at(_end(k))
    w.check(skill, "mastery_check", checked, ready)
    w.task(skill, ready)
    first = _end(k) + 2.5
    days = [first] + ([] if k in DECAYING else list(np.arange(first + RECHECK, DAYS, RECHECK)))
    for day in days:
        w.check(skill, "retention_check", (held or practice)[:3], w.at(day))
    w.rows.states[skill] = {
        "ready_at": ready,
        "mastered_at": w.at(first),
        "retention_checks_passed": len(days),
    }


def _replay(w: Writer) -> tuple[dict[str, Any], list[str]]:
    """Knowledge-tracing counters after every graded answer, as the engine keeps them."""
    learner, seen = kt.Learner.new(), []
    records: dict[str, kt.SkillRecord] = {}
    no = np.array([False])
    graded = sorted(
        (e for e in w.rows.evidence if e["source_kind"] == "item"), key=lambda e: e["answered_at"]
    )
    for e in graded:
        skill = e["skill_id"]
        if skill not in seen:
            seen.append(skill)
        credit, debit = kt.credit(
            e["score"], hints=e["hints_used"], difficulty=w.difficulty.get(e["source_id"], "medium")
        )
        learner, records[skill] = kt.observe(
            learner,
            records.get(skill, kt.SkillRecord.new()),
            skill=np.array([seen.index(skill)]),
            credit=np.array([credit]),
            debit=np.array([debit]),
            same=no,
        )
        state = w.rows.states.setdefault(skill, {})
        state["graded_attempts"] = state.get("graded_attempts", 0) + 1
        state["last_graded_at"] = e["answered_at"]
        state["counters"] = kt.dump(records[skill])
    return kt.dump(learner), seen


@dataclass(frozen=True)
class Built:
    """A generated history, not yet written: the rows, and the learner's counters."""

    writer: Writer
    learner: dict[str, Any]
    seen: list[str]
    summary: dict[str, Any]

    def evidence(self) -> list[dict[str, Any]]:
        """The evidence rows in the order they are written (the engine's order)."""
        return sorted(self.writer.rows.evidence, key=lambda e: e["answered_at"])


def build(ctx: Context, *, user_id: int, evidence: int, cards: int, seed: int) -> Built:
    w = Writer(ctx, user_id, seed)
    order = _plan(w)
    _cards(ctx, w, order, cards)
    reviews = len(w.rows.evidence)
    for k, skill in enumerate(order[:MASTERED]):
        _mastered(w, k, skill)
    left = max(5 * STUDIED, evidence - len(w.rows.evidence))  # practice makes up the rest
    for k, skill in enumerate(order[:STUDIED]):
        _practice(w, k, skill, left // STUDIED + (k < left % STUDIED))
    learner, seen = _replay(w)
    for day in range(DAYS):
        skill = order[min(STUDIED - 1, int(day * STUDIED / (DAYS - WINDOW - 8)))]
        w.rows.time.append(
            {
                "user_id": user_id,
                "skill_id": skill,
                "kind": "lesson",
                "seconds": float(w.rng.uniform(600, 1800)),
                "recorded_at": w.at(day),
            }
        )
    summary = {
        "evidence": len(w.rows.evidence),
        "cards": len(w.rows.cards),
        "graded_answers": sum(e["grader"] == "auto" for e in w.rows.evidence),
        "card_reviews": reviews,
        "skills": len({e["skill_id"] for e in w.rows.evidence}),
    }
    return Built(w, learner, seen, summary)


def generate(ctx: Context, *, user_id: int, evidence: int, cards: int, seed: int) -> dict[str, Any]:
    built = build(ctx, user_id=user_id, evidence=evidence, cards=cards, seed=seed)
    write(ctx, built)
    return built.summary


def write(ctx: Context, built: Built, *, evidence: bool = True) -> None:
    """Write everything in one transaction; without `evidence`, all but the evidence rows (the
    caller copies them itself)."""
    w = built.writer
    states = [
        {
            "user_id": w.user,
            "skill_id": skill,
            "counters": {},
            "graded_attempts": 0,
            "last_graded_at": None,
            "ready_at": None,
            "mastered_at": None,
            "retention_passed_at": None,
            "retention_checks_passed": 0,
            "placed_at": None,
            "placement_failed": False,
            "updated_at": w.now,
            **values,
        }
        for skill, values in w.rows.states.items()
    ]
    for state in states:
        if state["mastered_at"] is not None:
            state["retention_passed_at"] = state["last_graded_at"]
    with ctx.db.begin() as tx:
        bulk.add_rows(tx, Assessment, w.rows.checks)
        bulk.add_rows(tx, TaskSubmission, w.rows.tasks)
        if evidence:
            bulk.add_rows(tx, Evidence, built.evidence())
        bulk.add_rows(tx, StudyTime, w.rows.time)
        bulk.add_rows(tx, LearnerCard, w.rows.cards)
        bulk.add_rows(tx, SkillState, states)
        learner = {
            "user_id": w.user,
            "counters": built.learner,
            "skill_ids": built.seen,
            "updated_at": w.now,
        }
        bulk.add_rows(tx, LearnerState, [learner])
