from __future__ import annotations

import numpy as np
import pytest

from masterpath.errors import InvalidInput
from masterpath.services import Context, accounts, evidence, mastery, tracing
from masterpath.store import accounts as account_store

ITEMS = ["len-list", "mutable", "def-keyword"]


def learners(ctx: Context, count: int) -> list[int]:
    with ctx.db.begin() as tx:
        return [
            account_store.add_user(
                tx,
                email=f"l{n}@example.com",
                display_name=f"L{n}",
                password_hash="unused",
                role="learner",
                timezone="UTC",
                now=ctx.clock.now(),
            ).id
            for n in range(count)
        ]


def practise(ctx: Context, users: list[int], answers: int, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    for user in users:
        skill_level = rng.random()
        for n in range(answers):
            correct = rng.random() < 0.2 + 0.75 * skill_level * min(1.0, (n + 1) / 5)
            evidence.record(
                ctx,
                user_id=user,
                skill_id="python-basics",
                source_kind="item",
                source_id=f"python-basics:{ITEMS[n % 3]}",
                mode="practice",
                score=float(correct),
                grader="auto",
            )


def test_fit_needs_enough_evidence(ctx: Context) -> None:
    practise(ctx, learners(ctx, 2), 10)
    with pytest.raises(InvalidInput, match="only 20 graded answers"):
        tracing.fit(ctx)


def test_fitted_parameters_are_stored_and_used(ctx: Context) -> None:
    users = learners(ctx, 25)
    practise(ctx, users, 12)
    someone = accounts.register(ctx, email="new@example.com", password="a long password").id
    before = mastery.explain(ctx, user_id=someone, skill_id="python-basics").estimate
    seen: list[int] = []
    done = tracing.fit(ctx, progress=seen.append)
    assert (done.answers, done.learners, done.skills) == (300, 25, 1)
    assert sum(seen) == 300
    after = mastery.explain(ctx, user_id=someone, skill_id="python-basics").estimate
    assert after != before  # the fitted model, not the defaults, now gives the estimate
    assert 0.05 < after < 0.95
