"""`masterpath xapi …`, `masterpath mail …` and the reset link by mail, through click."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from masterpath.cli import main
from masterpath.services import Context, accounts, evidence
from masterpath.settings import Settings
from masterpath.store import outbox
from tests.conftest import Snapshot


@pytest.fixture(scope="session")
def template_db(builtin_template: Path | Snapshot) -> Path | Snapshot:
    """The commands here install the built-in packs as they start: each test's database has
    them installed already (conftest.py), so the commands find them rather than install them."""
    return builtin_template


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "MASTERPATH_DATA_DIR": str(settings.data_dir),
        "MASTERPATH_DATABASE_URL": settings.url,
        "MASTERPATH_SECRET_KEY": "test-secret-key",
        "MASTERPATH_BASE_URL": "https://learn.example.org",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


def test_xapi_export_writes_the_statements(
    env: dict[str, str], ctx: Context, tmp_path: Path
) -> None:
    learner = accounts.register(ctx, email="ada@example.com", password="correct horse battery")
    evidence.record(
        ctx,
        user_id=learner.id,
        skill_id="python-basics",
        source_kind="item",
        source_id="python-basics:mutable",
        mode="practice",
        score=1.0,
        grader="auto",
    )
    out = tmp_path / "statements.jsonl"
    result = CliRunner().invoke(main, ["xapi", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"1 statement(s) written to {out}" in result.output
    (statement,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert statement["actor"]["account"] == {"homePage": "https://learn.example.org", "name": "1"}


def test_push_without_an_lrs_says_which_setting(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["xapi", "push"])
    assert result.exit_code == 1
    assert "error: no LRS configured: set MASTERPATH_LRS_ENDPOINT to push" in result.output


def test_reset_link_is_mailed_when_smtp_is_set_and_printed_otherwise(
    env: dict[str, str], ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts.register(ctx, email="ada@example.com", password="correct horse battery")
    runner = CliRunner()
    printed = runner.invoke(main, ["user", "reset-password", "ada@example.com"])
    assert printed.output.startswith("https://learn.example.org/reset/")
    monkeypatch.setenv("MASTERPATH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MASTERPATH_MAIL_FROM", "noreply@learn.example.org")
    mailed = runner.invoke(main, ["user", "reset-password", "ada@example.com"])
    assert mailed.exit_code == 0, mailed.output
    assert "a reset link is queued for ada@example.com" in mailed.output
    with ctx.db.begin() as tx:
        (row,) = outbox.mail_of(tx, kind="reset")
        assert row.recipient == "ada@example.com" and "/reset/" in row.body
    status = runner.invoke(main, ["mail", "status"])
    assert status.output == "sent 0, waiting 1, given up 0\n"
