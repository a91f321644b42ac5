"""`masterpath content item-stats` and `masterpath content void`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from masterpath.cli import main
from masterpath.services import Context
from masterpath.settings import Settings
from tests.conftest import Snapshot
from tests.services.test_item_stats import MUTABLE, answered  # noqa: F401 - a fixture


@pytest.fixture(scope="session")
def template_db(builtin_template: Path | Snapshot) -> Path | Snapshot:
    """The commands here install the built-in packs as they start: each test's database has
    them installed already (conftest.py), so the commands find them rather than install them."""
    return builtin_template


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTERPATH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MASTERPATH_DATABASE_URL", settings.url)
    monkeypatch.setenv("MASTERPATH_SECRET_KEY", "test-secret-key")


def test_item_stats_prints_json_lines(env: None, ctx: Context, answered: dict[str, int]) -> None:  # noqa: F811
    result = CliRunner().invoke(main, ["content", "item-stats", "--json", "--min-answers", "1"])
    assert result.exit_code == 0, result.output
    rows = {r["item"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert rows[MUTABLE]["flags"] == ["unused_distractor"]
    assert rows[MUTABLE]["discrimination"] == 0.7071
    table = CliRunner().invoke(main, ["content", "item-stats"])
    assert table.exit_code == 0 and MUTABLE in table.stdout


def test_void_then_the_item_has_no_counted_answers(
    env: None,
    ctx: Context,
    answered: dict[str, int],  # noqa: F811
) -> None:
    result = CliRunner().invoke(main, ["content", "void", MUTABLE, "--reason", "key was a"])
    assert result.exit_code == 0, result.output
    assert "voided 4 answers to python-basics:mutable from 4 learners" in result.stdout
    rows = CliRunner().invoke(main, ["content", "item-stats", "--json"]).stdout.splitlines()
    assert MUTABLE not in {json.loads(r)["item"] for r in rows}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["python-basics:nope", "--reason", "x"], "no item 'python-basics:nope'"),
        ([MUTABLE, "--reason", " "], "give a reason"),
        ([MUTABLE, "--reason", "x", "--before", "yesterday"], "not an ISO date-time"),
        ([MUTABLE, "--reason", "x", "--before", "2026-01-01T00:00"], "needs a time zone"),
    ],
)
def test_void_refuses_bad_input(
    env: None,
    ctx: Context,
    answered: dict[str, int],  # noqa: F811
    args: list[str],
    message: str,
) -> None:
    result = CliRunner().invoke(main, ["content", "void", *args])
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output


def test_item_stats_refuses_a_zero_minimum(env: None, ctx: Context) -> None:
    result = CliRunner().invoke(main, ["content", "item-stats", "--min-answers", "0"])
    assert result.exit_code == 1 and "--min-answers must be at least 1" in result.output
