"""Caches belong to an application context: two in one process never see each other's."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from masterpath.clock import Clock
from masterpath.domain import kt
from masterpath.services import Context, mastery_state
from masterpath.settings import Settings
from masterpath.store import content as content_store
from masterpath.store import make_database
from masterpath.store import mastery as mastery_store


def _second(ctx: Context, tmp_path: Path) -> Context:
    """Another application: on SQLite a database of its own (the same content and row ids)."""
    url = ctx.settings.url
    if url.startswith("sqlite:///"):
        copy = tmp_path / "second.db"
        shutil.copy(url.removeprefix("sqlite:///"), copy)
        url = f"sqlite:///{copy}"
    return Context(ctx.settings, make_database(url), Clock())


def _fitted(ctx: Context, weights: float) -> kt.Params:
    params = dataclasses.replace(kt.defaults(), same_correct=weights)
    with ctx.db.begin() as tx:
        mastery_store.add_params(tx, fitted_at=ctx.clock.now(), answers=0, params=params.to_json())
    with ctx.db.begin() as tx:
        return mastery_state.current_params(tx)


def test_fitted_parameters_are_read_per_context(ctx: Context, tmp_path: Path) -> None:
    first = _fitted(ctx, 0.25)
    assert first.same_correct == 0.25
    second = _second(ctx, tmp_path)
    try:  # on SQLite the copy gives the new row the same id the first context has cached
        assert _fitted(second, 0.5).same_correct == 0.5
    finally:
        second.db.dispose()


def test_parsed_content_is_cached_per_context(ctx: Context, settings: Settings) -> None:
    with ctx.db.begin() as tx:
        skills = content_store.skill_models(tx)
        assert content_store.skill_models(tx) is skills  # parsed once, then kept
    other = Context(settings, make_database(settings.url), Clock())
    try:
        with other.db.begin() as tx:
            assert content_store.skill_models(tx) is not skills
            assert content_store.skill_models(tx) == skills
    finally:
        other.db.dispose()
    assert ctx.cache is not other.cache
