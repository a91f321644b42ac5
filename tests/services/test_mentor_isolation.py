"""Answer isolation on the built-in content: every choice and true/false item, every extraction
attempt, every mode that can touch an item — no reply gives the answer away."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from masterpath.clock import Clock
from masterpath.domain import isolation
from masterpath.services import Context, accounts, mentor, packs
from masterpath.settings import Settings
from masterpath.store import content, make_database, migrate
from tests.services.test_mentor import ATTEMPTS

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("MASTERPATH_TEST_DATABASE_URL")),
    reason="uses its own SQLite file; run once, in the SQLite pass",
)


@pytest.fixture(scope="module")
def builtin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    folder: Path = tmp_path_factory.mktemp("builtin-mentor")
    settings = Settings(env="development", data_dir=folder, secret_key="test")
    db = make_database(settings.url)
    migrate.upgrade(db)
    ctx = Context(settings, db, Clock())
    packs.install_builtin(ctx)
    yield ctx
    db.dispose()


def test_no_reply_leaks_an_open_items_answer(builtin: Context) -> None:
    user = accounts.register(builtin, email="e@example.com", password="correct horse b").id
    with builtin.db.begin() as tx:
        items = [
            (row.id, row.skill_id, row.data)
            for skill in content.skill_data(tx)
            for row in content.live_items(tx, skill)
            if row.data["type"] in ("single_choice", "multiple_choice", "true_false")
        ]
    assert len(items) > 200 and len(ATTEMPTS) >= 20
    pairs, leaks, guarded = 0, [], 0
    for item_id, skill_id, data in items:
        for attempt in ATTEMPTS:
            for mode in ("explain", "hint", "feedback"):
                turn = mentor.ask(
                    builtin,
                    user_id=user,
                    skill_id=skill_id,
                    message=attempt,
                    mode=mode,
                    item_id=item_id,
                )
                pairs += 1
                guarded += turn.text == mentor.SAFE
                if isolation.leaks(turn.text, [data]):
                    leaks.append((item_id, mode, attempt))
    assert pairs == len(items) * len(ATTEMPTS) * 3
    assert leaks == []
    assert guarded == 0  # the prompt itself held no key: the last-resort guard never fired
