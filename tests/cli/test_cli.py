from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from masterpath.cli import main
from masterpath.settings import Settings
from masterpath.store import migrate
from tests.conftest import Snapshot


@pytest.fixture(scope="session")
def template_db(builtin_template: Path | Snapshot) -> Path | Snapshot:
    """The commands here install the built-in packs as they start: each test's database has
    them installed already (conftest.py), so the commands find them rather than install them."""
    return builtin_template


FIXTURE = Path(__file__).parents[1] / "fixtures" / "pack"


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "MASTERPATH_DATA_DIR": str(settings.data_dir),
        "MASTERPATH_DATABASE_URL": settings.url,
        "MASTERPATH_SECRET_KEY": "test-secret-key",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


def test_validate_prints_a_one_line_summary() -> None:
    result = CliRunner().invoke(main, ["content", "validate", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert result.output == "ok: 1 pack(s), 2 careers, 4 skills, 9 items, 3 cards\n"


def test_validate_reports_problems_and_exits_1(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE, pack)
    path = pack / "skills" / "sql-basics" / "skill.yaml"
    path.write_text(path.read_text().replace("hours: 3", "hours: -3\nextra: 1"))
    result = subprocess.run(
        [sys.executable, "-m", "masterpath", "content", "validate", str(pack)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert f"{path}:4 hours: Input should be greater than 0" in result.stderr
    assert f"{path}:5 extra: unknown field" in result.stderr
    assert "error: 2 problem(s) found" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_the_builtin_pack() -> None:
    from masterpath.content.loader import builtin_pack_dirs

    result = CliRunner().invoke(main, ["content", "validate", *map(str, builtin_pack_dirs())])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 1 pack(s)")


def test_db_upgrade_and_content_load(env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0 and f"database at revision {migrate.head()}" in result.output
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE, pack)
    (pack / "pack.yaml").write_text('id: fixture\nversion: "9"\ntitle: F\n')
    result = runner.invoke(main, ["content", "load", str(pack)])
    assert result.exit_code == 0, result.output
    assert "pack fixture 9: loaded (2 careers, 4 skills, 9 items, 3 cards)" in result.output


def test_create_admin_and_reset_link(env: dict[str, str]) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["user", "create-admin", "Boss@Example.com"],
        input="a long password\na long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "boss@example.com: created" in result.output
    result = runner.invoke(main, ["user", "reset-password", "boss@example.com"])
    assert result.exit_code == 0
    assert result.output.startswith("http://127.0.0.1:8000/reset/")
    result = runner.invoke(main, ["user", "reset-password", "nobody@example.com"])
    assert result.exit_code == 1
    assert "error: no account with email 'nobody@example.com'" in result.output


def test_create_instructor_creates_or_promotes_and_set_role(env: dict[str, str]) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["user", "create-instructor", "Tess@Example.com"], input="a long password\n" * 2
    )
    assert result.exit_code == 0, result.output
    assert "tess@example.com: created" in result.output
    # No stdin (as in CI): promoting needs no password, creating takes --password.
    result = runner.invoke(
        main, ["user", "create-instructor", "new@example.com", "--password", "another long one"]
    )
    assert result.exit_code == 0 and "new@example.com: created" in result.output
    result = runner.invoke(main, ["user", "set-role", "new@example.com", "learner"])
    assert result.exit_code == 0 and result.output == "new@example.com: learner\n"
    result = runner.invoke(main, ["user", "create-instructor", "new@example.com"])
    assert result.exit_code == 0, result.output
    assert "new@example.com: is now instructor (password unchanged)" in result.output
    result = runner.invoke(main, ["user", "set-role", "nobody@example.com", "admin"])
    assert result.exit_code == 1 and "error: no account with email" in result.output
    result = runner.invoke(main, ["user", "set-role", "new@example.com", "boss"])
    assert result.exit_code == 2 and "'boss' is not one of" in result.output
    result = runner.invoke(
        main, ["user", "create-instructor", "short@example.com", "--password", "short"]
    )
    assert result.exit_code == 1 and "error: password too short" in result.output


def test_clock_offset_is_refused_outside_development(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "masterpath", "db", "upgrade"],
        capture_output=True,
        text=True,
        env={**os.environ, "MASTERPATH_ENV": "production", "MASTERPATH_CLOCK_OFFSET": "+3d"},
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "error: invalid configuration: MASTERPATH_CLOCK_OFFSET: refused unless "
        "MASTERPATH_ENV=development\n"
    )


def test_settings_lists_every_variable() -> None:
    result = CliRunner().invoke(main, ["settings"])
    assert "MASTERPATH_DATABASE_URL=" in result.output
    assert "MASTERPATH_CLOCK_OFFSET=" in result.output
