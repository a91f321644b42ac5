from __future__ import annotations

import csv
from pathlib import Path

import pytest

from masterpath.benchmarks import grading
from masterpath.errors import InvalidInput

HEADER = [
    "id",
    "question",
    "desired_answer",
    "student_answer",
    "score_me",
    "score_other",
    "score_avg",
]
QUESTIONS = {
    "1.1": ("What is a variable?", "A location in memory that can store a value."),
    "1.2": ("Where do C++ programs begin to execute?", "At the main function."),
    "2.1": ("What is a pointer?", "A variable that holds the address of another variable."),
    "3.1": ("How are arrays passed to functions?", "By reference."),
}
ANSWERS = [
    ("a named location in memory storing a value", 5.0),
    ("a place where a value is kept in memory", 4.5),
    ("something that varies", 2.0),
    ("execution starts at the main function", 5.0),
    ("in the main", 4.0),
    ("at the top of the file,\nline one", 1.0),
    ("it holds the address of another variable", 5.0),
    ("a variable storing an address", 4.0),
    ("an arrow", 0.5),
    ("by reference", 5.0),
    ("a reference to the first element is passed", 4.5),
    ("they are copied", 1.5),
]


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def sample(path: Path) -> Path:
    rows = [HEADER]
    for n, (answer, score) in enumerate(ANSWERS):
        qid = list(QUESTIONS)[n // 3]
        question, model = QUESTIONS[qid]
        rows.append([qid, question, model, answer, str(score), str(score), str(score)])
    return write(path, rows)


def test_the_benchmark_reports_correlation_error_and_speed(tmp_path: Path) -> None:
    answers = grading.read(sample(tmp_path / "asag.csv"))
    assert len(answers) == 12 and answers[5].answer == "at the top of the file,\nline one"
    assert {a.assignment for a in answers} == {"1", "2", "3"}
    result = grading.run(answers)
    assert result["answers"] == 12
    for key in ("pearson", "rmse"):
        assert isinstance(result[key], float)
    assert -1.0 <= result["pearson"] <= 1.0
    assert 0.0 <= result["rmse"] <= 5.0
    assert result["per_s"] > 0
    assert result["pearson"] > 0  # right answers score above wrong ones on this easy sample
    assert set(result["assignments"]) == {"1", "2", "3"}
    assert result["baselines"]["human_graders"]["pearson"] == 1.0


def test_a_non_numeric_score_names_its_line(tmp_path: Path) -> None:
    path = sample(tmp_path / "asag.csv")
    lines = path.read_text().splitlines(keepends=True)
    assert lines[6].startswith("1.2,") and lines[7].startswith('line one",1.0,1.0,1.0')
    lines[7] = lines[7].replace(",1.0,1.0,1.0", ",1.0,one,1.0")  # record 6 spans lines 7-8
    path.write_text("".join(lines))
    with pytest.raises(InvalidInput) as raised:
        grading.read(path)
    assert f"{path}:7: score_other must be a number, not 'one'" in raised.value.message


def test_every_bad_line_is_reported(tmp_path: Path) -> None:
    rows = [HEADER, ["1.1", "q", "a", "b", "9", "5", "5"], ["", "q", "a", "b", "5", "5", "5"]]
    with pytest.raises(InvalidInput) as raised:
        grading.read(write(tmp_path / "bad.csv", [*rows, ["1.1", "q", "a"]]))
    assert [str(p) for p in raised.value.problems] == [
        f"{tmp_path / 'bad.csv'}:2: score_me must be from 0 to 5, not 9",
        f"{tmp_path / 'bad.csv'}:3: id is empty",
        f"{tmp_path / 'bad.csv'}:4: expected 7 columns",
    ]
    assert raised.value.message.endswith("(and 2 more)")


def test_a_missing_column_names_the_header_line(tmp_path: Path) -> None:
    path = write(tmp_path / "asag.csv", [HEADER[:-1], ["1.1", "q", "a", "b", "5", "5"]])
    with pytest.raises(InvalidInput, match=r"asag\.csv:1: missing column\(s\): score_avg"):
        grading.read(path)


def test_one_assignment_cannot_be_left_out(tmp_path: Path) -> None:
    rows = [HEADER, ["1.1", "q", "a", "b", "5", "5", "5"], ["1.2", "q", "a", "c", "1", "1", "1"]]
    answers = grading.read(write(tmp_path / "asag.csv", rows))
    with pytest.raises(InvalidInput, match="at least two assignments"):
        grading.run(answers)
