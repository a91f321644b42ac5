"""The learned "outside the content" decision's file: its inputs, its threshold, and a missing
or broken file meaning the gates decide rather than an error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from masterpath.meaning import scope


def test_the_shipped_decision_reads_every_input_and_was_not_fitted_on_the_held_out_set() -> None:
    found = scope.load()
    assert found is not None
    data = json.loads(scope.FILE.read_text(encoding="utf-8"))
    assert tuple(data["inputs"]) == scope.INPUTS
    assert "independent6" not in data["trained_on"]  # the held-out set
    assert 0 < found.threshold < 1
    assert found.weights[scope.INPUTS.index("reader")] < 0  # the reader's yes: less outside
    assert found.weights[scope.INPUTS.index("best")] < 0  # closer in meaning: less outside


def test_the_probability_is_logistic_in_the_inputs(tmp_path: Path) -> None:
    path = tmp_path / "scope.json"
    weights = dict.fromkeys(scope.INPUTS, 0.0) | {"best": -4.0, "named": 1.5}
    path.write_text(json.dumps({"weights": weights, "bias": 1.0, "threshold": 0.5}))
    found = scope.load(path)
    assert found is not None
    values = dict.fromkeys(scope.INPUTS, 0.0) | {"best": 0.5, "named": 1.0}
    assert found.outside(values) == pytest.approx(1 / (1 + np.exp(-(-2.0 + 1.5 + 1.0))))


def test_a_missing_or_broken_file_is_no_decision(tmp_path: Path) -> None:
    assert scope.load(tmp_path / "absent.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2")
    assert scope.load(broken) is None
    broken.write_text(json.dumps({"weights": {"best": 1.0}, "bias": 0, "threshold": 0.5}))
    assert scope.load(broken) is None  # an input without its weight
