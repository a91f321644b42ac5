from __future__ import annotations

from masterpath.benchmarks import gate


def test_gate_simulation_reports_every_rule_with_intervals() -> None:
    result = gate.run(learners=4, seed=11, chunk=4, workers=1)
    assert result["learners"] == 4 and set(result["baselines"]) == {"5_in_a_row", "3_of_5"}
    for row in [result, *result["baselines"].values()]:
        assert 0 <= row["false_mastery"] <= 1 and 0 <= row["missed_mastery"] <= 1
        low, high = row["false_mastery_ci95"]
        assert low <= row["false_mastery"] <= high
        assert 1 <= row["items_to_decision"] <= gate.CAP + 7  # a last check may pass the cap


def test_the_same_seed_gives_the_same_population() -> None:
    first = gate.run(learners=3, seed=5, chunk=3, workers=1)
    assert gate.run(learners=3, seed=5, chunk=3, workers=1) == first


def test_wilson_interval() -> None:
    assert gate.wilson(0, 0) == [0.0, 0.0]
    low, high = gate.wilson(5, 100)
    assert low < 0.05 < high
