"""Goal matching on the built-in careers, held to its accuracy on the labelled goal fixture:
BM25 alone on the goals of issue 6, and BM25 with meaning (the real model) on all of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from masterpath.clock import Clock
from masterpath.domain import matching
from masterpath.services import Context, goals, packs, tracks
from masterpath.settings import Settings
from masterpath.store import make_database, migrate

GOALS = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "goals.yaml").read_text())
FIRST = 125  # the goals of issue 6, before those added for matching by meaning


@pytest.fixture
def ctx(builtin: Context) -> Context:
    return builtin


@pytest.fixture(scope="module")
def index(builtin: Context) -> matching.Index:
    with builtin.db.begin() as tx:
        return tracks.index(tx)


def right(found: matching.Match, goal: dict[str, Any]) -> bool:
    also = goal.get("also") or []
    return found.career == goal["career"] or (found.career is not None and found.career in also)


def accuracy(results: list[tuple[dict[str, object], matching.Match]]) -> tuple[float, float]:
    share = sum(right(found, goal) for goal, found in results) / len(results)
    nulls = [(goal, found) for goal, found in results if goal["career"] is None]
    return share, sum(right(found, goal) for goal, found in nulls) / max(len(nulls), 1)


def test_the_labelled_goals_are_matched_with_meaning(ctx: Context) -> None:
    assert goals.index(ctx)[0].vectors is not None
    results = [
        (goal, goals.match(goals.understand(ctx, str(goal["goal"])), str(goal["goal"]))[0])
        for goal in GOALS
    ]
    fits = [(goal, found) for goal, found in results if goal["career"] is not None]
    assert len(GOALS) >= 160
    assert accuracy(fits)[0] >= 0.85, accuracy(fits)  # measured 0.881 on 101 (2026-12-05)
    assert accuracy(results)[1] >= 0.95, accuracy(results)  # measured 68 of 69


def test_the_tech_lead_goal_matches_and_spanish_is_told_the_languages(ctx: Context) -> None:
    goal = "tech lead who enjoys system design, want to specialise in AI/ML architecture"
    found, message = goals.match(goals.understand(ctx, goal), goal)
    assert found.career in {"ai-engineering-architect", "ai-technical-lead"} and not message
    spanish = tracks.suggest(ctx, tracks.Intake("Quiero ser arquitecto de inteligencia artificial"))
    assert spanish.career is None and spanish.track is None
    assert "Spanish" in spanish.message and "written in English only" in spanish.message
    assert "AI Engineering Architect" in spanish.message  # what exists is still listed


def test_the_labelled_goals_are_matched(index: matching.Index) -> None:
    results = [(goal, matching.match(index, str(goal["goal"]))) for goal in GOALS[:FIRST]]
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


def test_without_the_model_matching_is_bm25_alone(tmp_path: Path) -> None:
    settings = Settings(
        env="development", data_dir=tmp_path, secret_key="test", embedding_model="off"
    )
    db = make_database(settings.url)
    migrate.upgrade(db)
    ctx = Context(settings, db, Clock())
    packs.install_builtin(ctx)
    goal = "I'm a DevOps engineer and want to design ML platforms"
    found = goals.understand(ctx, goal)
    assert found.index.vectors is None and found.vector is None
    assert goals.match(found, goal)[0].career == "ai-engineering-architect"
    spanish = "Quiero ser arquitecto de inteligencia artificial"
    assert "Spanish" in goals.match(goals.understand(ctx, spanish), spanish)[1]
    db.dispose()


def test_the_goal_fit_classifier_decides_where_the_evidence_is_unsure(ctx: Context) -> None:
    """Goals written for this test (in no labelled set): the classifier vetoes a job no career
    covers that shares the careers' words, and matches work a career covers described without
    its words; the matcher's own evidence alone decided both the other way."""
    outside = "design the cooling and power layout of a GPU data centre"
    understood = goals.understand(ctx, outside)
    assert understood.unfit is not None and understood.unfit > matching.TUNING.veto
    assert goals.match(understood, outside)[0].career is None
    inside = (
        "the engineer who makes our recommendation model answer in under 50 ms for every shopper"
    )
    understood = goals.understand(ctx, inside)
    assert understood.unfit is not None and understood.unfit < matching.TUNING.rescue
    assert goals.match(understood, inside)[0].career == "machine-learning-engineer"
    without = matching.match(understood.index, inside, vector=understood.vector, aim=understood.aim)
    assert without.career is None


def test_other_careers_installed_turn_the_goal_fit_classifier_off(ctx: Context) -> None:
    from masterpath.services import meaning

    slugs = goals.index(ctx)[0].slugs
    assert meaning.goal_fit(ctx, slugs) is not None
    assert meaning.goal_fit(ctx, [*slugs, "data-engineer"]) is None
