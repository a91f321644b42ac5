"""The scratch databases of `bench scale`: each migrated, with the built-in packs, one learner's
long history (`history.py`) and the generated learners copied in bulk (`population.py`), then
VACUUM (ANALYZE) and the counters checked against the evidence (`consistency`)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from masterpath.benchmarks import history, population
from masterpath.clock import Clock
from masterpath.services import (
    Context,
    accounts,
    evidence,
    packs,
)
from masterpath.services import tracks as track_service
from masterpath.settings import Settings
from masterpath.store import accounts as account_store
from masterpath.store import mastery as mastery_store
from masterpath.store import migrate, scratch

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Plan:
    learners: int
    each: int = 100  # evidence records per generated learner
    history: int = 5_000  # evidence records of the long-history learner
    runs: int = 200  # dashboards and explanations timed
    submissions: int = 2_000
    checked: int = 10  # generated learners whose counters are recomputed by the engine
    seed: int = 1


class _Undo(Exception):
    """Raised to roll back a transaction whose writes were only a means to compare."""


def _difference(a: Any, b: Any) -> float:
    left, right = np.ravel(np.array(a, dtype=float)), np.ravel(np.array(b, dtype=float))
    return float(np.abs(left - right).max()) if left.shape == right.shape else float("inf")


def _recomputed(ctx: Context, user: int) -> float:
    """The engine's own update (`evidence.add`) replays the learner's graded answers for a new
    learner (each as practice: the mode changes dates, never counters), rolled back afterwards:
    the largest difference from the stored counters (infinite when the skills, attempts or skill
    order differ)."""
    try:
        with ctx.db.begin() as tx:
            now = ctx.clock.now()
            shadow = account_store.add_user(
                tx,
                email=f"shadow-{user}@example.invalid",
                display_name="shadow",
                password_hash="-",
                role="learner",
                timezone="UTC",
                now=now,
            ).id
            for e in mastery_store.graded_answers_of(tx, first_user=user, last_user=user):
                evidence.add(
                    tx,
                    now=now,
                    user_id=shadow,
                    skill_id=e.skill_id,
                    source_kind="item",
                    source_id=e.source_id,
                    mode="practice",
                    score=e.score,
                    grader="auto",
                    hints_used=e.hints_used,
                )
            raise _Undo(_compare(tx, user, shadow))
    except _Undo as undo:
        return float(undo.args[0])


def _compare(tx: Any, user: int, shadow: int) -> float:
    stored, replayed = mastery_store.skill_states(tx, user), mastery_store.skill_states(tx, shadow)
    graded = {s for s, st in stored.items() if st.graded_attempts}
    if graded != set(replayed):
        return float("inf")
    worst = 0.0
    for skill in graded:
        if stored[skill].graded_attempts != replayed[skill].graded_attempts:
            return float("inf")
        for name, value in stored[skill].counters.items():
            worst = max(worst, _difference(value, replayed[skill].counters[name]))
    mine, theirs = (mastery_store.learner_state_seen(tx, u) for u in (user, shadow))
    if mine is None or theirs is None or mine.skill_ids != theirs.skill_ids:
        return float("inf")
    for name, value in mine.counters.items():
        worst = max(worst, _difference(value, theirs.counters[name]))
    return worst


def consistency(ctx: Context, *, users: list[int]) -> dict[str, Any]:
    """Counters against evidence: recomputed by the engine for a few learners (a learner whose
    skills, attempts or skill order differ counts as a mismatch); graded attempts totalled over
    everyone; and no evidence row pointing at a missing learner or skill."""
    found = [_recomputed(ctx, u) for u in users]
    totals = scratch.attempt_totals(ctx.db)
    return {
        "learners_recomputed": len(users),
        "learners_identical": sum(d == 0.0 for d in found),
        "mismatched_learners": sum(d == float("inf") for d in found),
        "largest_counter_difference": max((d for d in found if d < float("inf")), default=0.0),
        "graded_attempts": totals,
        "attempts_match": totals["skill_states"] == totals["evidence"],
        "orphan_evidence": scratch.orphans(ctx.db),
    }


def _long_learner(ctx: Context, plan: Plan) -> tuple[int, history.Built]:
    """The learner whose pages are timed: account and track made through the services (dated
    eight months ago), history generated."""
    start = Context(ctx.settings, ctx.db, Clock(-timedelta(days=history.DAYS)))
    user = accounts.register(start, email="long@example.invalid", password="bench password").id
    intake = track_service.Intake(goal="become an AI engineering architect", hours_per_week=6)
    if track_service.create(start, intake, user_id=user).track is None:
        raise RuntimeError("the goal matched no built-in career")
    built = history.build(
        ctx, user_id=user, evidence=plan.history, cards=plan.history // 25, seed=11
    )
    history.write(ctx, built, evidence=False)
    return user, built


def _fill(ctx: Context, plan: Plan, progress: Progress) -> dict[str, Any]:
    started = time.perf_counter()
    migrate.upgrade(ctx.db)
    packs.install_builtin(ctx)
    setup = time.perf_counter() - started
    user, built = _long_learner(ctx, plan)
    with ctx.db.begin() as tx:
        found = account_store.user_by_id(tx, user)
        assert found is not None
        password_hash = found.password_hash
    rows = population.populate(
        ctx,
        first_id=user + 1,
        learners=plan.learners,
        each=plan.each,
        password_hash=password_hash,
        extra=built,
        seed=plan.seed,
        progress=progress,
    )
    generated = time.perf_counter() - started - setup
    progress("VACUUM (ANALYZE)")
    scratch.vacuum_analyze(ctx.db)
    return {
        "user": user,
        "rows": rows,
        "setup_s": round(setup, 1),
        "generate_s": round(generated, 1),
        "vacuum_analyze_s": round(time.perf_counter() - started - setup - generated, 1),
        "long_history": built.summary,
    }


@dataclass(frozen=True)
class Prepared:
    """One size's scratch database, filled and checked."""

    ctx: Context
    user: int  # the long-history learner
    learners: list[int]  # the generated ones
    figures: dict[str, Any]
    folder: Path


@contextmanager
def prepared(server: str, name: str, plan: Plan, progress: Progress) -> Iterator[Prepared]:
    """A scratch database filled and checked; dropped when the block ends."""
    db = scratch.create(server, name)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                env="development",
                data_dir=Path(folder),
                secret_key="bench",
                database_url=scratch.url_of(server, name),
                embedding_model="off",
            )
            ctx = Context(settings, db, Clock())
            made = _fill(ctx, plan, progress)
            user = made.pop("user")
            sizes = {k: round(v / 2**20, 1) for k, v in scratch.sizes(db).items()}
            progress(f"{name}: checking the counters against the evidence")
            generated = list(range(user + 1, user + 1 + plan.learners))
            sample = generated[:: max(1, len(generated) // plan.checked)][: plan.checked]
            figures = {
                "learners": plan.learners,
                "evidence_per_learner": plan.each,
                **made,
                "size_mb": sizes,
                "counters": consistency(ctx, users=[user, *sample]),
                "server": scratch.server_facts(db),
            }
            yield Prepared(ctx, user, generated, figures, Path(folder))
    finally:
        db.dispose()
        scratch.drop(server, name)
