from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from masterpath.benchmarks import ktdata
from masterpath.errors import InvalidInput


def test_reads_three_lines_per_learner(tmp_path: Path) -> None:
    path = tmp_path / "kt.csv"
    path.write_text("3\n1,2,1\n0,1,1\n1\n7,\n1,\n")
    assert ktdata.read(path) == [ktdata.Sequence((1, 2, 1), (0, 1, 1)), ktdata.Sequence((7,), (1,))]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2\n1,2\n0,1\n3\n1,2\n0,1\n", "kt.csv:4: the count does not match"),
        ("2\n1,x\n0,1\n", "kt.csv:2: skills: expected comma-separated integers"),
        ("2\n1,2\n0,2\n", "kt.csv:3: correctness must be 0 or 1"),
        ("2\n1,2\n", "kt.csv:2: the file must have three lines per learner"),
    ],
)
def test_malformed_files_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "kt.csv"
    path.write_text(text)
    with pytest.raises(InvalidInput, match=message):
        ktdata.read(path)


def test_auc_counts_ties_as_half() -> None:
    labels = np.array([0.0, 0.0, 1.0, 1.0])
    assert ktdata.auc(labels, np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(0.75)
    assert ktdata.auc(labels, np.array([0.5, 0.5, 0.5, 0.5])) == pytest.approx(0.5)


def test_ece_of_perfect_and_overconfident_predictions() -> None:
    labels = np.array([1.0, 0.0, 1.0, 0.0])
    assert ktdata.ece(labels, np.array([0.5, 0.5, 0.5, 0.5])) == pytest.approx(0.0)
    assert ktdata.ece(labels, np.array([0.95, 0.95, 0.95, 0.95])) == pytest.approx(0.45)
