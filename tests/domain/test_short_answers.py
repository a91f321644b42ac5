"""Short answers graded by meaning: literal unit vectors stand in for the model's."""

from __future__ import annotations

import math

import numpy as np
import pytest

from masterpath.domain import grading, short_answers
from masterpath.domain.content import Concept, Criterion, Item, ItemId, ItemType
from masterpath.domain.short_answers import THRESHOLD, Meaning


def unit(*values: float) -> np.ndarray:
    row = np.array(values, dtype=np.float32)
    return row / np.linalg.norm(row)


CONCEPT = Concept("freed", ("memory is freed automatically", "garbage collection"))
PHRASINGS = {"memory is freed automatically": unit(1, 0, 0), "garbage collection": unit(0, 1, 0)}


def meaning(*rows: np.ndarray, reference: np.ndarray | None = None) -> Meaning:
    return Meaning(np.stack(rows), phrasings=PHRASINGS, reference=reference)


def test_an_answer_splits_into_sentences() -> None:
    text = "First idea. Second one!\nThird; fourth?  "
    assert grading.sentences(text) == ["First idea.", "Second one!", "Third;", "fourth?"]
    assert grading.sentences("no stop at all") == ["no stop at all"]
    assert grading.sentences("...") == ["..."]


def test_the_best_phrasing_and_sentence_decide_a_concepts_similarity() -> None:
    close = meaning(unit(0, 0, 1), unit(0.2, 1, 0))  # the second sentence, the second phrasing
    assert short_answers.similarity(close, CONCEPT) == pytest.approx(1 / math.sqrt(1.04))


def test_a_paraphrase_with_no_shared_words_earns_the_concept() -> None:
    said = "Storage gets released without the programmer doing it."
    near = meaning(unit(THRESHOLD, math.sqrt(1 - THRESHOLD**2), 0) * 1.0001)
    assert grading.short_text([CONCEPT], said).score == 0.0
    graded = grading.short_text([CONCEPT], said, meaning=near)
    assert graded.score == 1.0 and graded.found == ("freed",)


def test_a_vaguely_related_answer_does_not_earn_the_concept() -> None:
    below = meaning(unit(THRESHOLD - 0.01, 0, math.sqrt(1 - (THRESHOLD - 0.01) ** 2)))
    off_topic = meaning(unit(0, 0, 1))
    for vectors in (below, off_topic):
        graded = grading.short_text([CONCEPT], "The weather is sunny today.", meaning=vectors)
        assert graded.score == 0.0 and graded.missed == ("freed",)


def test_words_still_earn_a_concept_whatever_the_vectors_say() -> None:
    graded = grading.short_text([CONCEPT], "Garbage collection.", meaning=meaning(unit(0, 0, 1)))
    assert graded.found == ("freed",)


def test_the_similarity_feature_is_the_mean_sentence_vector_against_the_reference() -> None:
    rubric = [Concept("memory", ("memory",))]
    vectors = meaning(unit(1, 0, 0), unit(0, 1, 0), reference=unit(1, 0, 0))
    features = grading.answer_features(
        rubric, model_answer="memory", answer="Memory. Stuff.", meaning=vectors
    )
    assert len(features) == len(grading.MEANING_FEATURES)
    assert features[-1] == pytest.approx(1 / math.sqrt(2))
    assert features[:4] == grading.answer_features(
        rubric, model_answer="memory", answer="Memory. Stuff."
    )


def test_a_short_text_verdict_keeps_its_shape_with_or_without_meaning() -> None:
    item = Item(
        ItemId("s", "collector"),
        ItemType.SHORT_TEXT,
        stem="What does a collector do?",
        concepts=(CONCEPT,),
        model_answer="Memory is freed automatically.",
    )
    phrasings = {**PHRASINGS, **{t: unit(0, 0, 1) for t in ("memory", "freed", "automatically")}}
    phrasings["Memory is freed automatically."] = unit(1, 0, 0)
    vectors = Meaning(
        np.stack([unit(1, 0, 0)]),
        phrasings=phrasings,
        reference=phrasings["Memory is freed automatically."],
    )
    lexical = grading.grade(item, "Storage is released.")
    by_meaning = grading.grade(item, "Storage is released.", meaning=vectors)
    assert set(lexical.detail) == set(by_meaning.detail) == {"estimate", "features"}
    assert (lexical.detail["features"], by_meaning.detail["features"]) == ("lexical", "meaning")
    assert lexical.score == 0.0 and by_meaning.score == 1.0


def test_reference_texts_lists_phrasings_derived_words_and_the_model_answer_once() -> None:
    texts = grading.reference_texts([CONCEPT], model_answer="Memory is freed.", question="")
    assert texts == [
        "memory is freed automatically",
        "garbage collection",
        "memory",
        "freed",
        "Memory is freed.",
    ]


def test_a_rubric_criterion_finds_its_concept_by_meaning() -> None:
    criteria = [Criterion("c", "Reclaims memory", 2, (CONCEPT,))]
    score, report = grading.rubric(criteria, "It tidies up.", meaning=meaning(unit(0, 1, 0)))
    assert score == 1.0 and report[0]["earned"] == 2
