"""The Learning Center's commands: bench grading, bench study, fsrs optimize."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from masterpath.cli import main
from masterpath.services import Context, accounts, cards, packs
from masterpath.settings import Settings
from tests.benchmarks.test_bench_grading import sample
from tests.conftest import Snapshot
from tests.services.test_study import STUDY_PACK


@pytest.fixture(scope="session")
def template_db(builtin_template: Path | Snapshot) -> Path | Snapshot:
    """The commands here install the built-in packs as they start: each test's database has
    them installed already (conftest.py), so the commands find them rather than install them."""
    return builtin_template


def test_bench_grading_prints_the_figures_as_json(tmp_path: Path) -> None:
    data = sample(tmp_path / "asag.csv")
    result = CliRunner().invoke(main, ["bench", "grading", "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.splitlines()[-1])
    assert {"pearson", "rmse", "per_s"} <= set(figures)


def test_bench_grading_names_the_bad_line(tmp_path: Path) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("id,question\n1.1,What?\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", "grading", "--data", str(data)])
    assert result.exit_code == 1 and "bad.csv:1" in result.output


def test_bench_study_reports_percentiles_statements_and_the_floor() -> None:
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "study",
            "--answers",
            "40",
            "--reviews",
            "30",
            "--floor",
            "20",
            "--postgres",
            "",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.splitlines()[-1])
    assert "postgresql" not in figures  # --postgres "": SQLite alone
    found = figures["sqlite"]
    for name, count in (("submit", 40), ("review", 30), ("floor", 20), ("repeat_submission", 10)):
        assert found[name]["count"] == count
        assert 0 < found[name]["p50_ms"] <= found[name]["p99_ms"] <= found[name]["max_ms"]
    assert found["floor"]["statements"] == {"median": 1, "max": 1}
    assert found["submit"]["statements"]["median"] <= 6
    assert found["review"]["statements"]["median"] <= 3
    assert found["repeat_submission"]["statements"]["max"] == 2
    assert found["p99_over_floor"]["submit"] > 0


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTERPATH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MASTERPATH_DATABASE_URL", settings.url)
    monkeypatch.setenv("MASTERPATH_SECRET_KEY", "test-secret-key")


def test_fsrs_optimize_refuses_a_short_review_log(env: None, ctx: Context) -> None:
    packs.install(ctx, [STUDY_PACK])
    user = accounts.register(ctx, email="ada@example.com", password="correct horse b").id
    cards.rate(ctx, user_id=user, card_id="shell-basics:abs", rating=3)
    result = CliRunner().invoke(main, ["fsrs", "optimize", "--learner", str(user)])
    assert result.exit_code == 1
    assert f"learner {user} has 1 card reviews; fitting FSRS needs at least 400" in result.output


def test_track_matches_a_goal_on_the_builtin_careers(tmp_path: Path) -> None:
    env = {"MASTERPATH_DATA_DIR": str(tmp_path), "MASTERPATH_DATABASE_URL": ""}
    runner = CliRunner(env=env)
    goal = "I'm a DevOps engineer and want to design ML platforms"
    result = runner.invoke(main, ["track", "--goal", goal, "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["career"] == "ai-engineering-architect" and found["track"]["stages"]
    assert set(found) >= {"career", "confidence", "alternatives", "track"}
    chef = json.loads(
        runner.invoke(main, ["track", "--goal", "become a pastry chef", "--json"]).stdout
    )
    assert chef["career"] is None and chef["track"] is None
    french = runner.invoke(main, ["track", "--goal", "je veux devenir ingénieur en données"])
    assert french.exit_code == 0 and "looks written in French" in french.output
    assert "written in English only" in french.output
    bad = runner.invoke(main, ["track", "--goal", "ml engineer", "--hours-per-week", "0"])
    assert bad.exit_code == 1 and "hours per week must be at least 0.5" in bad.output
