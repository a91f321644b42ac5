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
