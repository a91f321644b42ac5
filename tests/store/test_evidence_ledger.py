from __future__ import annotations

from datetime import UTC, datetime

from masterpath.services import Context
from masterpath.store import accounts, content
from masterpath.store import evidence as store
from masterpath.store.models import Evidence

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _answer(user_id: int, skill_id: str, item_id: str, score: float) -> Evidence:
    return Evidence(
        user_id=user_id,
        skill_id=skill_id,
        source_kind="item",
        source_id=item_id,
        pack_version="1",
        mode="practice",
        score=score,
        grader="auto",
        answered_at=NOW,
        recorded_at=NOW,
        detail={"response": "x"},
    )


def test_the_last_answer_to_an_item_is_found_however_many_came_after(ctx: Context) -> None:
    with ctx.db.begin() as tx:
        user = accounts.add_user(
            tx,
            email="ada@example.com",
            display_name="Ada",
            password_hash="!",
            role="learner",
            timezone="UTC",
            now=NOW,
        )
        skill = next(s.id for s in content.skills(tx) if len(content.live_items(tx, s.id)) > 1)
        first, other = (row.id for row in content.live_items(tx, skill)[:2])
        tx.session.add_all(
            [_answer(user.id, skill, first, 0.0), _answer(user.id, skill, first, 1.0)]
        )
        tx.session.add_all([_answer(user.id, skill, other, 0.5) for _ in range(250)])
        tx.session.flush()
        found = store.last_answer(tx, user_id=user.id, skill_id=skill, item_id=first)
        assert found is not None and found.score == 1.0
        assert store.last_answer(tx, user_id=user.id + 1, skill_id=skill, item_id=first) is None
