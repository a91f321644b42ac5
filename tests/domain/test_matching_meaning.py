"""Goal → career with meaning: fusion of BM25 and cosine, and confidence, on literal vectors."""

from __future__ import annotations

import numpy as np
import pytest

from masterpath.domain import matching

BAKER = "Bread baker. Bake sourdough loaves at dawn."
PILOT = "Airline pilot. Fly passenger jets safely."
CAREERS = {
    "baker": (["Bread Baker"], BAKER, BAKER + " Ovens."),
    "pilot": (["Airline Pilot"], PILOT, PILOT + " Checklists."),
}


def unit(*values: float) -> np.ndarray:
    row = np.asarray(values, dtype=np.float32)
    return row / np.linalg.norm(row)


def vectors() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each career's own texts (2 rows) and skills (1 row), in a 3-dimensional toy space."""
    return {
        "baker": (np.stack([unit(1, 0, 0), unit(0.9, 0.1, 0)]), np.stack([unit(1, 0, 0)])),
        "pilot": (np.stack([unit(0, 1, 0), unit(0.1, 0.9, 0)]), np.stack([unit(0, 1, 0)])),
    }


TUNING = matching.Tuning(
    top_k=1, similarity_weight=0.5, similarity_floor=0.2, similarity_ceiling=0.6, threshold=0.5
)


def test_a_goal_sharing_no_word_matches_by_meaning() -> None:
    index = matching.build(CAREERS, vectors=vectors())
    found = matching.match(index, "aviation cockpit", vector=unit(0.05, 1, 0), tuning=TUNING)
    assert found.career == "pilot"
    assert found.confidence == pytest.approx(0.5)  # no coverage, full similarity, half each


def test_without_a_vector_it_is_bm25_alone() -> None:
    index = matching.build(CAREERS, vectors=vectors())
    assert matching.match(index, "aviation cockpit", tuning=TUNING).career is None
    found = matching.match(index, "bake sourdough loaves", tuning=TUNING)
    assert found.career == "baker" and found.confidence == pytest.approx(1.0)


def test_meaning_outweighs_a_shared_word_when_weighted_so() -> None:
    index = matching.build(CAREERS, vectors=vectors())
    goal, vector = "bake something while I fly", unit(0, 1, 0)
    lexical = matching.evidence(index, goal)
    assert lexical.lexical[0] > 0 and lexical.lexical[1] > 0
    heavy = matching.Tuning(meaning_weight=1.0, top_k=1, threshold=0.0)
    assert matching.match(index, goal, vector=vector, tuning=heavy).career == "pilot"


def test_an_unrelated_goal_gets_no_match() -> None:
    index = matching.build(CAREERS, vectors=vectors())
    found = matching.match(index, "gardening roses", vector=unit(0, 0, 1), tuning=TUNING)
    assert found.career is None and found.confidence == pytest.approx(0.0)


def test_similarity_mixes_own_texts_and_skills() -> None:
    pair = (np.array([0.8, 0.6, 0.1], np.float32), np.array([0.4, 0.2], np.float32))
    tuning = matching.Tuning(top_k=2, skill_share=0.25)
    assert matching.similarity(pair, tuning) == pytest.approx(0.75 * 0.7 + 0.25 * 0.3)


def test_rank_fusion_weights_both_rankings() -> None:
    index = matching.build(CAREERS, vectors=vectors())
    tuning = matching.Tuning(fusion="rank", meaning_weight=2.0, rrf_k=1.0, top_k=1, threshold=0)
    found = matching.match(index, "bake bread", vector=unit(0, 1, 0), tuning=tuning)
    assert found.career == "pilot"  # baker 1/2 + 2/3, pilot 1/3 + 2/2


def test_a_goal_nearer_work_outside_the_catalogue_gets_no_match() -> None:
    outside = np.stack([unit(0, 0, 1)])  # a third kind of work, no career's
    index = matching.build(CAREERS, vectors=vectors(), outside=outside)
    goal, vector = "bake loaves for a chemistry lab", unit(0.6, 0, 0.8)
    contrast = matching.Tuning(**{**TUNING.__dict__, "threshold": 0.0, "outside_margin": 0.05})
    assert matching.match(index, goal, vector=vector, tuning=contrast).career is None
    off = matching.Tuning(**{**TUNING.__dict__, "threshold": 0.0, "outside_margin": 1.0})
    assert matching.match(index, goal, vector=vector, tuning=off).career == "baker"
    assert matching.match(index, goal, vector=unit(1, 0, 0.1), tuning=contrast).career == "baker"


def test_a_goal_whose_aim_is_a_career_is_not_taken_for_the_work_it_comes_from() -> None:
    outside = np.stack([unit(0, 0, 1)])  # the learner's current work, no career's
    index = matching.build(CAREERS, vectors=vectors(), outside=outside)
    goal, whole = "chemist for ten years, want to bake loaves", unit(0.6, 0, 0.8)
    contrast = matching.Tuning(**{**TUNING.__dict__, "threshold": 0.0, "outside_margin": 0.05})
    assert matching.match(index, goal, vector=whole, tuning=contrast).career is None
    aim = unit(1, 0, 0.1)  # "want to bake loaves"
    found = matching.match(index, goal, vector=whole, aim=aim, tuning=contrast)
    assert found.career == "baker"
