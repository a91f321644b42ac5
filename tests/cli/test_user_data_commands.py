"""`masterpath user export` and `masterpath user delete`: what they write and say, and one line
with exit status 1 for an account that is not there."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from masterpath.cli import main
from masterpath.errors import InvalidInput
from masterpath.services import Context, accounts
from masterpath.settings import Settings

PASSWORD = "correct horse battery"


def run(settings: Settings, *args: str, given: str | None = None) -> tuple[int, str, str]:
    env = {
        "MASTERPATH_DATA_DIR": str(settings.data_dir),
        "MASTERPATH_DATABASE_URL": settings.url,
        "MASTERPATH_ENV": "development",
    }
    result = CliRunner().invoke(main, ["user", *args], env=env, input=given)
    return result.exit_code, result.stdout, result.stderr


def test_export_writes_the_learners_zip(ctx: Context, settings: Settings, tmp_path: Path) -> None:
    accounts.register(ctx, email="ada@example.com", password=PASSWORD)
    out = tmp_path / "ada.zip"
    code, stdout, _ = run(settings, "export", "Ada@Example.com", "--out", str(out))
    assert code == 0 and stdout.startswith(f"{out}: ")
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        account = json.loads(archive.read("masterpath-data/account.json"))
    assert account["email"] == "ada@example.com"


def test_delete_with_yes_deletes_and_says_what_it_did(ctx: Context, settings: Settings) -> None:
    accounts.register(ctx, email="ada@example.com", password=PASSWORD)
    code, stdout, _ = run(settings, "delete", "ada@example.com", "--yes")
    assert code == 0, stdout
    assert stdout.startswith("ada@example.com: deleted (now deleted-")
    with pytest.raises(InvalidInput):
        accounts.login(ctx, email="ada@example.com", password=PASSWORD, address="127.0.0.1")


def test_delete_without_yes_asks_and_keeps_the_account_when_refused(
    ctx: Context, settings: Settings
) -> None:
    accounts.register(ctx, email="ada@example.com", password=PASSWORD)
    code, _, stderr = run(settings, "delete", "ada@example.com", given="n\n")
    assert code == 1 and stderr.strip().endswith("error: nothing deleted: confirm, or pass --yes")
    assert accounts.has_password(ctx, email="ada@example.com", password=PASSWORD)


@pytest.mark.parametrize("command", [["export", "--out", "x.zip"], ["delete", "--yes"]])
def test_an_unknown_email_is_one_line_and_exit_1(
    ctx: Context, settings: Settings, command: list[str], tmp_path: Path
) -> None:
    args = [command[0], "nobody@example.com", *command[1:]]
    if command[0] == "export":
        args[-1] = str(tmp_path / "x.zip")
    code, stdout, stderr = run(settings, *args)
    assert code == 1 and stdout == ""
    assert stderr.splitlines() == ["error: no account with email 'nobody@example.com'"]
    assert not (tmp_path / "x.zip").exists()
