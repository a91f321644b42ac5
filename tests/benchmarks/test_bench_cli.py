"""`masterpath bench`: every benchmark listed, errors handled by the `masterpath` group for
every command beneath it, and the one way results are printed."""

from __future__ import annotations

import json
from typing import Any

import click
import pytest
from click.testing import CliRunner

from masterpath.benchmarks import study
from masterpath.benchmarks.report import Report
from masterpath.cli import main
from masterpath.errors import InvalidInput, Problem

BENCHMARKS = {
    "startup",
    "kt",
    "gate",
    "grading",
    "tracks",
    "placement",
    "mentor",
    "citations",
    "isolation",
    "meaning",
    "study",
    "dashboard",
    "web",
    "scale",
}


def test_bench_help_lists_every_benchmark() -> None:
    result = CliRunner().invoke(main, ["bench", "--help"])
    assert result.exit_code == 0, result.output
    listed = result.stdout.split("Commands:\n", 1)[1].splitlines()
    assert {line.split()[0] for line in listed if line.strip()} == BENCHMARKS


def _failing(error: BaseException) -> Any:
    def run(**_: Any) -> Any:
        raise error

    return run


def test_a_masterpath_error_in_a_benchmark_is_one_message_and_exit_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `bench study` never had the error decorator the other commands had: the group handles it.
    problem = Problem("not a number", file="answers.csv", line=3, field="score")
    monkeypatch.setattr(study, "run", _failing(InvalidInput("1 problem", problems=[problem])))
    result = CliRunner().invoke(main, ["bench", "study", "--answers", "1", "--reviews", "1"])
    assert result.exit_code == 1
    assert result.stderr == "answers.csv:3 score: not a number\nerror: 1 problem\n"
    assert result.stdout == ""


def test_a_file_the_machine_refuses_is_one_message_and_exit_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refused = PermissionError(13, "Permission denied", "/data/answers.csv")
    monkeypatch.setattr(study, "run", _failing(refused))
    result = CliRunner().invoke(main, ["bench", "study"])
    assert result.exit_code == 1
    assert result.stderr == "error: /data/answers.csv: Permission denied\n"


def test_a_bug_keeps_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(study, "run", _failing(ZeroDivisionError("division by zero")))
    result = CliRunner().invoke(main, ["bench", "study"])
    assert isinstance(result.exception, ZeroDivisionError)


def test_report_prints_json_or_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    def table(result: dict[str, Any]) -> list[str]:
        return [f"n = {result['n']}", "done"]

    with click.Context(main):
        Report("demo", as_json=True).show({"n": 1}, table)
        assert json.loads(capsys.readouterr().out) == {"n": 1}
        Report("demo", as_json=False).show({"n": 1}, table)
        assert capsys.readouterr().out == "n = 1\ndone\n"
        Report("demo", as_json=False).step("preparing")
        assert capsys.readouterr().err == "[bench demo] preparing\n"
