"""`masterpath bench gate`: how often the mastery gate is wrong, by simulation.

Simulated learners come from a generative model the gate never sees: an ability, a chance of
knowing the skill already, learning on each practice item, per-item slip and guess, and
forgetting over days. Every answer goes through the same service code as the web app (evidence
recording, knowledge tracing, the mastery rules) on a fresh SQLite database, with each
learner's clock advanced for cooldowns and the retention delay.
"""

from __future__ import annotations

import dataclasses
import math
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from masterpath.clock import Clock
from masterpath.domain import mastery as rules
from masterpath.domain.content import Item, ItemType
from masterpath.services import Context, evidence, mastery, packs
from masterpath.settings import Settings
from masterpath.store import accounts as account_store
from masterpath.store import content as content_store
from masterpath.store import make_database, migrate

SKILL = "docker-containers"
CAP = 60
GUESS = {ItemType.SINGLE_CHOICE: 0.25, ItemType.MULTIPLE_CHOICE: 0.12, ItemType.TRUE_FALSE: 0.5}
RULES = ("masterpath", "5_in_a_row", "3_of_5")
TASK_PASS = 0.7  # the skill's rubric pass mark
REMEMBER = 0.5  # chance of remembering an item's answer after practising it


@dataclass
class Learner:
    """The hidden truth about one simulated learner.

    Besides knowing the skill or not, a learner can remember the answer to an item seen in
    practice (with its feedback) without knowing the skill: the shallow learning that fixed
    streak rules reward and that unseen assessment-only items expose.
    """

    knows: bool
    learn: float
    forget_days: float
    rng: np.random.Generator
    remembered: set[str] = dataclasses.field(default_factory=set)

    def answer(self, item: Item) -> float:
        slip = 0.03 + 0.09 * self.rng.random()
        if self.knows or item.id.local in self.remembered:
            p = 1 - slip
        else:
            p = GUESS.get(item.type, 0.05)
        return 1.0 if self.rng.random() < p else 0.0

    def practise(self, item: Item) -> None:
        if not self.knows and self.rng.random() < self.learn:
            self.knows = True
        if self.rng.random() < REMEMBER:
            self.remembered.add(item.id.local)

    def wait(self, days: float) -> None:
        if self.knows and self.rng.random() > math.exp(-days / self.forget_days):
            self.knows = False
        kept = math.exp(-days / 7)
        self.remembered = {i for i in sorted(self.remembered) if self.rng.random() < kept}


def draw(rng: np.random.Generator) -> Learner:
    ability = rng.normal()
    return Learner(
        knows=bool(rng.random() < 0.15),
        learn=min(0.5, 0.08 * math.exp(0.6 * ability)),
        forget_days=float(rng.lognormal(math.log(60), 0.5)),
        rng=rng,
    )


@dataclass
class Session:
    """One simulated learner working through the service layer."""

    ctx: Context
    user: int
    truth: Learner
    items: list[Item]
    used: int = 0
    checks: int = 0

    def later(self, days: float) -> None:
        self.truth.wait(days)
        clock = Clock(self.ctx.clock.offset + timedelta(days=days))
        self.ctx = dataclasses.replace(self.ctx, clock=clock)

    def ask(self, item: Item, mode: str, check_id: int | None = None) -> float:
        score = self.truth.answer(item)
        if mode == "practice":
            self.truth.practise(item)
        evidence.record(
            self.ctx,
            user_id=self.user,
            skill_id=SKILL,
            source_kind="item",
            source_id=str(item.id),
            mode=mode,
            score=score,
            grader="auto",
            check_id=check_id,
        )
        self.used += 1
        return score

    def practice_item(self) -> Item:
        bank = [i for i in self.items if not i.assessment_only]
        return bank[self.used % len(bank)]

    def assessment(self, count: int) -> list[Item]:
        """Assessment-only items covering every objective, rotating between checks."""
        held = [i for i in self.items if i.assessment_only]
        objectives = sorted({o for i in held for o in i.objectives})
        chosen: list[Item] = []
        for n in range(count):
            objective = objectives[n % len(objectives)]
            options = [i for i in held if objective in i.objectives and i not in chosen]
            unused = [i for i in held if i not in chosen]
            chosen.append(options[(self.checks + n) % len(options)] if options else unused[0])
        return chosen

    def check(self, mode: str, count: int) -> int:
        self.checks += 1
        check_id = self.user * 1000 + self.checks  # unique across learners, as real checks are
        return int(sum(self.ask(item, mode, check_id) for item in self.assessment(count)))


def retention(session: Session) -> bool:
    session.later(2.05)
    return session.check("retention_check", rules.RETENTION_ITEMS) >= rules.RETENTION_PASS


def run_masterpath(session: Session) -> bool:
    """Practise until the engine's estimate passes, then check, task, and retention check."""
    for _ in range(CAP * 3):  # every turn asks an item or moves a step; this only bounds bugs
        if session.used >= CAP:
            break
        explained = mastery.explain(session.ctx, user_id=session.user, skill_id=SKILL)
        if explained.status == "mastered":
            return True
        unmet = {c["key"] for c in explained.checklist if not c["met"]}
        if "estimate" in unmet:
            session.ask(session.practice_item(), "practice")
        elif "check" in unmet:
            if session.check("mastery_check", 4) < 4:
                session.later(0.5)  # the cooldown before a retake
        elif "task" in unmet:
            score = (
                0.7 + 0.3 * session.truth.rng.random()
                if session.truth.knows
                else (0.2 + 0.4 * session.truth.rng.random())
            )
            evidence.record(
                session.ctx,
                user_id=session.user,
                skill_id=SKILL,
                source_kind="task",
                source_id=SKILL,
                mode="task",
                score=score,
                grader="rubric",
            )
            if score < TASK_PASS:
                session.ask(session.practice_item(), "practice")  # back to study first
        elif retention(session):
            continue
    return mastery.explain(session.ctx, user_id=session.user, skill_id=SKILL).status == "mastered"


def run_rule(session: Session, *, window: int, needed: int) -> bool:
    """A fixed rule (`needed` correct of the last `window`), then the same retention check."""
    recent: list[float] = []
    while session.used < CAP:
        recent = [*recent, session.ask(session.practice_item(), "practice")][-window:]
        if len(recent) == window and sum(recent) >= needed:
            if retention(session):
                return True
            recent = []
    return False


def prepare(folder: Path) -> tuple[Context, list[Item]]:
    """A fresh SQLite database in `folder` with the built-in packs, and the skill's items."""
    settings = Settings(env="development", data_dir=folder, secret_key="bench")
    db = make_database(settings.url)
    migrate.upgrade(db)
    ctx = Context(settings, db, Clock())
    packs.install_builtin(ctx)
    with db.begin() as tx:
        items = list(content_store.skill_models(tx, [SKILL])[SKILL].items)
    return ctx, items


def simulate(rule: str, learners: int, seed: int) -> list[tuple[bool, bool, int]]:
    """Outcomes (declared mastered, knows at the decision, items asked) of `learners` learners."""
    with tempfile.TemporaryDirectory() as folder:
        ctx, items = prepare(Path(folder))
        rng = np.random.default_rng(seed)
        outcomes = [one(ctx, rule, n, draw(rng), items) for n in range(learners)]
        ctx.db.dispose()
    return outcomes


def run(
    *,
    learners: int,
    seed: int,
    chunk: int = 250,
    workers: int = 2,
    progress: Callable[[int], None] = lambda _: None,
) -> dict[str, Any]:
    """Every rule on the same population (the same seeds), in parallel chunks."""
    jobs = [
        (rule, min(chunk, learners - start), seed + start)
        for rule in RULES
        for start in range(0, learners, chunk)
    ]
    found: dict[str, list[tuple[bool, bool, int]]] = {rule: [] for rule in RULES}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(simulate, *job): job for job in jobs}
        for future in as_completed(futures):
            rule, size, _ = futures[future]
            found[rule] += future.result()
            progress(size)
    result = summarise(found["masterpath"])
    result["baselines"] = {rule: summarise(found[rule]) for rule in RULES[1:]}
    result["seed"], result["cap"] = seed, CAP
    return result


def one(
    ctx: Context, rule: str, n: int, truth: Learner, items: list[Item]
) -> tuple[bool, bool, int]:
    """One learner (the `n`-th, a new account) under `rule`: declared mastered, knows the skill
    at the decision, items asked."""
    with ctx.db.begin() as tx:
        user = account_store.add_user(
            tx,
            email=f"sim{n}@example.invalid",
            display_name="sim",
            password_hash="!",
            role="learner",
            timezone="UTC",
            now=ctx.clock.now(),
        ).id
    session = Session(ctx, user, truth, items)
    if rule == "masterpath":
        declared = run_masterpath(session)
    else:
        window, needed = (5, 5) if rule == "5_in_a_row" else (5, 3)
        declared = run_rule(session, window=window, needed=needed)
    return declared, truth.knows, session.used


def wilson(hits: int, total: int) -> list[float]:
    if total == 0:
        return [0.0, 0.0]
    z, p = 1.96, hits / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


def summarise(outcomes: list[tuple[bool, bool, int]]) -> dict[str, Any]:
    """False mastery: share of declared learners who do not know the skill. Missed mastery:
    share of learners who know it at the end but were never declared."""
    declared = [o for o in outcomes if o[0]]
    knowing = [o for o in outcomes if o[1]]
    false = sum(1 for o in declared if not o[1])
    missed = sum(1 for o in knowing if not o[0])
    items = np.array([o[2] for o in outcomes], dtype=float)
    spread = 1.96 * float(items.std()) / math.sqrt(max(1, len(items)))
    return {
        "learners": len(outcomes),
        "declared": len(declared),
        "false_mastery": round(false / max(1, len(declared)), 4),
        "false_mastery_ci95": wilson(false, len(declared)),
        "missed_mastery": round(missed / max(1, len(knowing)), 4),
        "missed_mastery_ci95": wilson(missed, len(knowing)),
        "items_to_decision": round(float(items.mean()), 2),
        "items_to_decision_ci95": [
            round(float(items.mean()) - spread, 2),
            round(float(items.mean()) + spread, 2),
        ],
    }


def table(result: dict[str, Any]) -> list[str]:
    """The result as text: one line a rule."""
    return [
        f"{name:12} false mastery {row['false_mastery']:.2%} "
        f"{row['false_mastery_ci95']}  missed {row['missed_mastery']:.2%}  "
        f"items to decision {row['items_to_decision']}"
        for name, row in {"masterpath": result, **result["baselines"]}.items()
    ]
