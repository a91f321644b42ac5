"""Migration 0017: one badge per learner and subject; public ids unique."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from masterpath.services import Context, accounts
from masterpath.store.models import Badge

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def test_a_learner_has_one_badge_per_subject(ctx: Context) -> None:
    user = accounts.register(ctx, email="ada@example.com", password="correct horse battery").id
    with ctx.db.begin() as tx:
        tx.session.add(
            Badge(user_id=user, kind="skill", subject_id="s", public_id="a", awarded_at=NOW)
        )
    with pytest.raises(IntegrityError), ctx.db.begin() as tx:
        tx.session.add(
            Badge(user_id=user, kind="skill", subject_id="s", public_id="b", awarded_at=NOW)
        )
    with pytest.raises(IntegrityError), ctx.db.begin() as tx:
        tx.session.add(
            Badge(user_id=user, kind="career", subject_id="s", public_id="a", awarded_at=NOW)
        )


def test_the_migration_awards_mastery_reached_before_badges(ctx: Context) -> None:
    from alembic import command
    from sqlalchemy import select

    from masterpath.store import mastery, migrate

    user = accounts.register(ctx, email="ada@example.com", password="correct horse battery").id
    with ctx.db.begin() as tx:
        for n, skill in enumerate(("python-basics", "sql-basics", "data-cleaning")):
            state = mastery.skill_state(tx, user_id=user, skill_id=skill, now=NOW)
            state.mastered_at = NOW.replace(day=1 + n)
        mastery.skill_state(tx, user_id=user, skill_id="pipeline-orchestration", now=NOW)
    with ctx.db.connect() as connection:
        command.downgrade(migrate._config(connection), "0014")
        connection.commit()
    migrate.upgrade(ctx.db)
    with ctx.db.begin() as tx:
        found = {(b.kind, b.subject_id): b for b in tx.session.scalars(select(Badge))}
    assert set(found) == {
        ("skill", "python-basics"),
        ("skill", "sql-basics"),
        ("skill", "data-cleaning"),
        ("career", "data-wrangler"),
    }
    assert found["skill", "sql-basics"].awarded_at == NOW.replace(day=2)
    assert found["career", "data-wrangler"].awarded_at == NOW.replace(day=3)
    assert len({b.public_id for b in found.values()}) == 4
