"""What a newcomer tries first (issue 19): every command on a fresh data folder, and every bad
setting or input, gives a result or one clear line with a non-zero exit — never a traceback.

Each command runs as a user runs it, in its own process, with no MASTERPATH_ setting but the
ones the test names (sentence embeddings off, to stay fast).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def start(*args: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.Popen[str]:
    """Start `masterpath ARGS` as a user would, stdin empty."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MASTERPATH_")}
    return subprocess.Popen(
        [sys.executable, "-m", "masterpath", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**clean, "MASTERPATH_EMBEDDING_MODEL": "off", **env},
        cwd=cwd,
    )


def finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    """Wait for a started command; no traceback may reach the user."""
    stdout, stderr = process.communicate(timeout=300)
    assert "Traceback" not in stderr, stderr
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def masterpath(
    *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return finish(start(*args, env=env, cwd=cwd))


def fresh(folder: Path) -> dict[str, str]:
    return {"MASTERPATH_DATA_DIR": str(folder)}


def errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_commands_that_read_the_database_prepare_a_fresh_data_folder(tmp_path: Path) -> None:
    expected = {
        ("kt", "fit"): "error: only 0 graded answers are stored; fitting needs at least 200.",
        ("fsrs", "optimize"): "error: no learner has reviewed a card yet: there is nothing to fit",
        ("user", "set-role", "a@example.com", "admin"): "error: no account with email",
        ("user", "reset-password", "a@example.com"): "error: no account with email",
    }
    started = [start(*args, env=fresh(tmp_path / str(n))) for n, args in enumerate(expected)]
    export = start("content", "export", env=fresh(tmp_path / "export"))  # side by side: faster
    for process, message in zip(started, expected.values(), strict=True):
        result = finish(process)
        assert result.returncode == 1, result.stderr
        assert errors(result) and errors(result)[0].startswith(message), result.stderr
    exported = finish(export)
    assert exported.returncode == 0, exported.stderr
    assert [p["info"]["id"] for p in json.loads(exported.stdout)["packs"]] == ["core"]


def test_export_into_a_missing_folder_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    result = masterpath("content", "export", "--out", "/nonexistent/dir/x.json", env=fresh(folder))
    assert result.returncode == 1
    assert result.stderr == (
        "error: --out: the folder /nonexistent/dir does not exist; nothing was written\n"
    )
    assert not folder.exists()  # not even an empty database left behind


def test_a_database_url_that_cannot_work_is_one_line(tmp_path: Path) -> None:
    examples = "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"
    down = "postgresql+psycopg://masterpath@127.0.0.1:1/masterpath"  # nothing listens on port 1
    cases = [
        ("db upgrade", "garbage", f"not a database URL: use {examples}"),
        (
            "serve",
            "mysql://u:p@db-host/masterpath",
            f"mysql is not supported: MasterPath runs on SQLite or PostgreSQL ({examples})",
        ),
        ("db upgrade", down, ""),
    ]
    started = [
        start(*args.split(), env={**fresh(tmp_path), "MASTERPATH_DATABASE_URL": url})
        for args, url, _ in cases
    ]
    for process, (_, _, message) in zip(started, cases, strict=True):
        result = finish(process)
        assert result.returncode == 1
        if message:
            assert result.stderr == (
                f"error: invalid configuration: MASTERPATH_DATABASE_URL: {message}\n"
            )
    assert result.stderr.startswith("error: the database server at 127.0.0.1:1 does not answer (")
    assert len(result.stderr.splitlines()) == 1


def test_a_data_folder_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    plain = tmp_path / "a-file"
    plain.write_text("not a folder")
    under_a_file = start("db", "upgrade", env=fresh(plain / "data"))
    sysfs = Path("/sys/kernel").is_dir()  # sysfs refuses a new folder, even to root
    refused = start("serve", env=fresh(Path("/sys/masterpath-test"))) if sysfs else None
    result = finish(under_a_file)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: invalid configuration: MASTERPATH_DATA_DIR: cannot create the folder "
        f"{plain / 'data'}: {plain} is a file\n"
    )
    if refused is None:
        return
    result = finish(refused)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: invalid configuration: MASTERPATH_DATA_DIR: cannot create the folder "
        "/sys/masterpath-test: "
    )
    assert len(result.stderr.splitlines()) == 1


def test_serve_refuses_a_port_out_of_range_and_a_mentor_without_a_server(tmp_path: Path) -> None:
    # Every range and URL rule is checked in tests/test_settings.py; here, the two reproductions.
    cases = {
        "MASTERPATH_PORT=70001": "MASTERPATH_PORT: Input should be less than or equal to 65535 "
        "(given: '70001')",
        "MASTERPATH_MENTOR_PROVIDER=openai": "MASTERPATH_MENTOR_BASE_URL: needed when "
        "MASTERPATH_MENTOR_PROVIDER=openai: the URL of the OpenAI-compatible server, e.g. "
        "http://127.0.0.1:11434/v1",
    }
    started = {
        message: start("serve", env={**fresh(tmp_path), **dict([setting.split("=")])})
        for setting, message in cases.items()
    }
    for message, process in started.items():
        result = finish(process)
        assert result.returncode == 1
        assert result.stderr == f"error: invalid configuration: {message}\n"
    assert not tmp_path.joinpath("masterpath.db").exists()  # refused before anything started
    usage = masterpath("serve", "--port", "70000", env=fresh(tmp_path))  # as a user runs it
    assert usage.returncode == 2
    assert "Error: Invalid value for '--port': 70000 is not in the range 1<=x<=65535." in (
        usage.stderr
    )
    assert usage.stdout == "" and not tmp_path.joinpath("masterpath.db").exists()


def test_demo_and_create_admin_say_what_they_do_with_passwords(tmp_path: Path) -> None:
    env = fresh(tmp_path)
    made = masterpath(
        "user",
        "create-instructor",
        "instructor@example.com",
        "--password",
        "my own long password",
        env=env,
    )
    assert made.returncode == 0, made.stderr
    result = masterpath("demo", env=env)
    assert result.returncode == 1
    assert errors(result) == [
        "error: instructor@example.com already exists with its own password (the demo did not "
        "make it), and the demo needs that address: make the demo in a fresh data folder "
        "(MASTERPATH_DATA_DIR)"
    ]
    assert "demo-password" not in result.stderr
    # An existing account is promoted without a prompt (stdin is empty: a prompt would abort).
    promoted = masterpath("user", "create-admin", "instructor@example.com", env=env)
    assert promoted.returncode == 0, promoted.stderr
    assert promoted.stdout == "instructor@example.com: promoted to admin (password unchanged)\n"
    assert "Password" not in promoted.stdout + promoted.stderr
    created = masterpath("user", "create-admin", "new@example.com", env=env)
    assert created.returncode == 1
    assert errors(created) == ["error: a new account needs a password: give it with --password"]


def test_benchmarks_name_missing_data_and_where_to_get_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    result = masterpath("bench", "grading", "--data", str(missing), env={}, cwd=tmp_path)
    assert result.returncode == 1
    assert errors(result) == [
        f"error: {missing} not found: this benchmark needs human-scored short answers; a CSV of "
        "the UNT short-answer set of Mohler, Bunescu & Mihalcea (ACL 2011, "
        "https://aclanthology.org/P11-1076/), assignments 1-6, with the columns id, question, "
        "desired_answer, student_answer, score_me, score_other, score_avg; pass it with --data FILE"
    ]
    result = masterpath("bench", "citations", "--questions", str(missing), env={}, cwd=tmp_path)
    assert result.returncode == 1
    assert errors(result) == [
        f"error: {missing} not found: this benchmark needs labelled learner questions; it is in "
        "a clone of the MasterPath repository, under tests/fixtures/; or pass --questions FILE"
    ]


def test_benchmarks_refuse_impossible_options_in_one_message(tmp_path: Path) -> None:
    # The benchmarks that once printed a traceback for these (issue: errors handled once).
    cases = {
        "bench gate --workers 0": "Invalid value for '--workers': 0 is not in the range x>=1.",
        "bench startup --runs 0": "Invalid value for '--runs': 0 is not in the range x>=1.",
        "bench placement --learners 0": "Invalid value for '--learners': 0 is not in the range",
        "bench mentor --turns 0": "Invalid value for '--turns': 0 is not in the range x>=1.",
        "bench study --answers 0": "Invalid value for '--answers': 0 is not in the range x>=1.",
        "bench dashboard --runs 0": "Invalid value for '--runs': 0 is not in the range x>=1.",
        "bench web --workers 1,two": "Invalid value for '--workers': '1,two': give worker counts",
    }
    started = {args: start(*args.split(), env={}, cwd=tmp_path) for args in cases}
    down = "postgresql+psycopg://127.0.0.1:1/postgres"  # nothing listens on port 1
    scale = start("bench", "scale", "--server", down, env={}, cwd=tmp_path)
    for args, process in started.items():
        result = finish(process)
        assert result.returncode == 2, (args, result.stderr)
        assert f"Error: {cases[args]}" in result.stderr, (args, result.stderr)
    result = finish(scale)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: PostgreSQL at {down} is not reachable: ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("citations", "questions"),
        ("citations", "independent"),
        ("citations", "dev"),
        ("isolation", "attempts_file"),
        ("grading", "data"),
        ("kt", "train"),
        ("kt", "test"),
    ],
)
def test_benchmark_data_is_found_from_the_package_not_the_working_directory(
    command: str, option: str
) -> None:
    from masterpath.benchmarks import datasets
    from masterpath.benchmarks.cli import bench
    from masterpath.cli import content

    found = next(p.default for p in bench.commands[command].params if p.name == option)
    defaults = found if isinstance(found, tuple) else (found,)  # `--dev` may repeat
    for default in map(Path, defaults):
        assert default.is_absolute() and default.is_relative_to(datasets.ROOT.parent)
        if default.is_relative_to(datasets.FIXTURES):
            assert default.exists()  # the labelled sets are in every clone
    links = next(p.default for p in content.commands["stats"].params if p.name == "links")
    assert Path(links).is_absolute()  # type: ignore[arg-type]
