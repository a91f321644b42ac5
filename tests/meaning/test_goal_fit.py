"""The goal-fit classifier's file: what it was trained for, the cut-offs the matcher uses, and a
missing or broken file meaning no classifier rather than an error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from masterpath.domain import matching
from masterpath.meaning import goal_fit

CORE = Path(__file__).parents[2] / "masterpath" / "content" / "packs" / "core" / "careers"


def test_the_shipped_classifier_is_for_the_core_careers_and_its_cut_offs_are_the_matchers() -> None:
    found = goal_fit.load()
    assert found is not None
    assert found.careers == {path.stem for path in CORE.glob("*.yaml")}
    assert found.weights.shape == (768,)  # the goal's vector, then its aim's
    assert (found.veto, found.rescue) == (matching.TUNING.veto, matching.TUNING.rescue)
    data = json.loads(goal_fit.FILE.read_text(encoding="utf-8"))
    assert not any("independent" in name for name in data["trained_on"])  # held-out sets


def test_it_applies_only_to_its_model_and_careers() -> None:
    found = goal_fit.load()
    assert found is not None
    careers = sorted(found.careers)
    assert found.applies(goal_fit.MODEL, careers)
    assert not found.applies("another-model", careers)
    assert not found.applies(goal_fit.MODEL, [*careers, "data-engineer"])  # a pack added one
    assert not found.applies(goal_fit.MODEL, careers[:2])


def test_a_probability_comes_from_the_goal_and_its_aim(tmp_path: Path) -> None:
    path = tmp_path / "goal_fit.json"
    weights = [0.0] * 768
    weights[0], weights[384] = 2.0, -1.0
    path.write_text(
        json.dumps({"careers": ["a"], "weights": weights, "bias": 0.5, "veto": 0.6, "rescue": 0.1})
    )
    found = goal_fit.load(path)
    assert found is not None
    goal, aim = np.zeros(384, np.float32), np.zeros(384, np.float32)
    goal[0], aim[0] = 1.0, 1.0
    assert found.unfit(goal, aim) == 1 / (1 + np.exp(-(2.0 - 1.0 + 0.5)))
    assert found.unfit(goal, None) == found.unfit(goal, goal)  # no separate aim: the goal's


def test_a_missing_or_broken_file_is_no_classifier(tmp_path: Path) -> None:
    assert goal_fit.load(tmp_path / "absent.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert goal_fit.load(broken) is None
    broken.write_text(json.dumps({"careers": ["a"]}))
    assert goal_fit.load(broken) is None
