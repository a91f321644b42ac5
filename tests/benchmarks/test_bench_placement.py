from __future__ import annotations

import numpy as np

from masterpath.benchmarks import placement as bench
from masterpath.domain import graph, placement


def test_placement_simulation_reports_rates_in_range() -> None:
    seen: list[int] = []
    result = bench.run(learners=45, seed=3, progress=seen.append)
    assert sum(seen) == 45 * len(bench.PASSES)
    assert result["learners"] == 45 and result["bar"] == placement.BAR
    for row in [result, result["sensitivity"]["better_guessing"]]:
        for key in ("false_placement", "missed_placement"):
            assert 0 <= row[key] <= 1
            low, high = row[f"{key}_ci95"]
            assert low <= row[key] <= high
        assert 1 <= row["questions"] <= placement.BUDGET
    assert sum(row["learners"] for row in result["by_career"].values()) == 45


def test_the_same_seed_gives_the_same_numbers() -> None:
    first = bench.run(learners=12, seed=5)
    again = bench.run(learners=12, seed=5)
    del first["seconds"], again["seconds"]
    assert again == first


def test_simulated_learners_know_prerequisites_of_what_they_know() -> None:
    content = bench.load()
    rng = np.random.default_rng(1)
    for _, scope in content.careers:
        assert all(graph.ancestors(content.prerequisites, s) <= scope for s in scope)
        for _ in range(50):
            learner = bench.draw(rng, content.prerequisites, scope)
            assert learner.known <= scope
            for skill in learner.known:
                assert set(content.prerequisites[skill]) <= learner.known


def test_summary_of_no_learners_is_zero() -> None:
    row = bench.summarise([], seed=1)
    assert row["learners"] == 0 and row["false_placement"] == 0 and row["questions"] == 0
