"""Goal matching on the built-in careers, held to its accuracy on the labelled goal fixture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from masterpath.clock import Clock
from masterpath.domain import matching
from masterpath.services import Context, packs, tracks
from masterpath.settings import Settings
from masterpath.store import make_database, migrate

GOALS = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "goals.yaml").read_text())


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[matching.Index]:
    folder = tmp_path_factory.mktemp("builtin")
    settings = Settings(env="development", data_dir=folder, secret_key="test")
    db = make_database(settings.url)
    migrate.upgrade(db)
    packs.install_builtin(Context(settings, db, Clock()))
    with db.begin() as tx:
        yield tracks.index(tx)
    db.dispose()


def right(found: matching.Match, goal: dict[str, object]) -> bool:
    also = goal.get("also") or []
    return found.career == goal["career"] or (found.career is not None and found.career in also)


def test_the_labelled_goals_are_matched(index: matching.Index) -> None:
    results = [(goal, matching.match(index, str(goal["goal"]))) for goal in GOALS]
    accuracy = sum(right(found, goal) for goal, found in results) / len(results)
    nulls = [(goal, found) for goal, found in results if goal["career"] is None]
    no_match = sum(right(found, goal) for goal, found in nulls) / len(nulls)
    assert len(GOALS) >= 60 and len(nulls) >= 20
    assert accuracy >= 0.85, accuracy  # measured 0.91 on 125 goals (2026-12-01)
    assert no_match >= 0.95, no_match  # measured 43 of 43


def test_the_examples_of_the_issue(index: matching.Index) -> None:
    devops = matching.match(index, "I'm a DevOps engineer and want to design ML platforms")
    assert devops.career == "ai-engineering-architect"
    for goal in ("become a pastry chef", "landscape architect", "asdf qwerty", "make money fast"):
        assert matching.match(index, goal).career is None, goal


def test_a_profession_left_behind_does_not_block_a_career_change(index: matching.Index) -> None:
    for goal in (
        "I'm a data analyst and want to design ML platforms",
        "I am a teacher and want to learn to deploy LLMs in production",
        "currently a nurse, want to become an ML engineer",
    ):
        assert matching.match(index, goal).career is not None, goal
    assert matching.match(index, "become a data analyst").career is None
