"""`masterpath db backup` and `db restore` in a subprocess: what they print and their exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from masterpath.services import Context
from masterpath.settings import Settings
from masterpath.store import migrate


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "MASTERPATH_DATA_DIR": str(settings.data_dir),
        "MASTERPATH_DATABASE_URL": settings.url,
        "MASTERPATH_ENV": "development",
    }


def db(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "masterpath", "db", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def only_error(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed command prints; fails on a zero exit, a traceback or more lines."""
    assert result.returncode == 1, result
    assert result.stdout == "" and "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.splitlines()
    return line


def archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def manifest(**change: Any) -> bytes:
    values = {
        "format": "masterpath-backup",
        "version": 1,
        "backend": "sqlite",
        "revision": migrate.head(),
        "created_at": "",
        "keys": [],
    }
    return json.dumps({**values, **change}).encode()


def test_backup_then_restore_over_data_needs_force(
    env: dict[str, str], ctx: Context, tmp_path: Path
) -> None:
    """The database holds the fixture pack (`ctx` installs it on PostgreSQL too)."""
    settings = ctx.settings
    out = tmp_path / "nightly.tar.gz"
    made = db(env, "backup", "--out", str(out))
    assert made.returncode == 0, made.stderr
    backend = "SQLite" if settings.url.startswith("sqlite") else "PostgreSQL"
    assert made.stdout.startswith(f"backup of the {backend} database (revision {migrate.head()})")
    assert f"written to {out} (" in made.stdout and not Path(f"{out}.tmp").exists()
    refused = only_error(db(env, "restore", str(out)))
    assert refused.startswith("error: the database already holds data (in ")
    assert refused.endswith("): pass --force to replace it with the backup")
    forced = db(env, "restore", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith(f"restored the {backend} database (revision {migrate.head()})")


def test_backup_into_a_missing_folder_names_it(env: dict[str, str], tmp_path: Path) -> None:
    line = only_error(db(env, "backup", "--out", str(tmp_path / "nowhere" / "b.tar.gz")))
    assert line == f"error: no folder {tmp_path / 'nowhere'} to write the backup in"


def bad_file(case: str, path: Path, *, ours: str, other: str) -> None:
    """A file that is not a backup this install can restore, of the kind `case` names."""
    if case == "not-an-archive":
        path.write_bytes(b"plain text")
    elif case == "no-manifest":
        archive(path, {"notes.txt": b"hello"})
    elif case == "other-backend":
        archive(path, {"manifest.json": manifest(backend=other), "database.pgdump": b""})
    elif case == "newer-schema":
        archive(path, {"manifest.json": manifest(backend=ours, revision="9999")})


PROBLEMS = {
    "missing": "no backup file {path}",
    "not-an-archive": "{path} is not a MasterPath backup (not a gzip file)",
    "no-manifest": "{path} is not a MasterPath backup (no manifest.json in it)",
    "other-backend": "{path} holds a {Other} database but the configured database is {Ours}: "
    "point MASTERPATH_DATABASE_URL at a {Other} database",
    "newer-schema": "{path} is at schema revision 9999, newer than this version of MasterPath "
    "knows: restore it with the version that made it",
}


@pytest.mark.parametrize("case", list(PROBLEMS))
def test_bad_backup_files_get_one_line(
    env: dict[str, str], settings: Settings, tmp_path: Path, case: str
) -> None:
    sqlite = settings.url.startswith("sqlite")
    ours, other = ("sqlite", "postgresql") if sqlite else ("postgresql", "sqlite")
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    path = tmp_path / "backup.tar.gz"
    bad_file(case, path, ours=ours, other=other)
    expected = PROBLEMS[case].format(path=path, Other=names[other], Ours=names[ours])
    assert only_error(db(env, "restore", str(path), "--force")) == f"error: {expected}"


def test_missing_postgresql_tools_are_named(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PATH": str(tmp_path),
        "MASTERPATH_DATA_DIR": str(tmp_path),
        "MASTERPATH_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
    }
    hint = "install the PostgreSQL client tools, the server's major version or newer"
    dump = only_error(db(env, "backup", "--out", str(tmp_path / "b.tar.gz")))
    assert dump == f"error: pg_dump is not on PATH: {hint}"
    restore = only_error(db(env, "restore", str(tmp_path / "b.tar.gz")))
    assert restore == f"error: pg_restore is not on PATH: {hint}"
