from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from masterpath.cli import main


def write(path: Path, learners: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    lines = []
    for _ in range(learners):
        skills = rng.integers(1, 6, size=25)
        ability = rng.random()
        correct = (rng.random(25) < 0.3 + 0.6 * ability).astype(int)
        lines += [str(len(skills)), ",".join(map(str, skills)), ",".join(map(str, correct))]
    path.write_text("\n".join(lines) + "\n")


def test_bench_kt_prints_every_metric_as_json(tmp_path: Path) -> None:
    write(tmp_path / "train.csv", 120, 1)
    write(tmp_path / "test.csv", 40, 2)
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "kt",
            "--train",
            str(tmp_path / "train.csv"),
            "--test",
            str(tmp_path / "test.csv"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"auc", "rmse", "logloss", "ece", "fit_s", "pred_per_s", "baselines"} <= document.keys()
    assert document["answers"] == 40 * 25
    assert 0.5 < document["auc"] <= 1.0  # ability carries over: better than chance
    assert "masterpath_defaults" in document["baselines"]


def test_bench_kt_names_the_bad_line(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("2\n1,2\n0,7\n")
    result = CliRunner().invoke(
        main,
        ["bench", "kt", "--train", str(tmp_path / "bad.csv"), "--test", str(tmp_path / "bad.csv")],
    )
    assert result.exit_code == 1
    assert "bad.csv:3: correctness must be 0 or 1" in result.output
