import pytest

from masterpath.domain import grading
from masterpath.domain.content import Concept, Criterion, Item, ItemId, ItemType
from masterpath.errors import InvalidInput

QUESTION = "What is a variable?"
MODEL = "A location in memory that can store a value."
RUBRIC = grading.rubric_from_answer(MODEL, QUESTION)


def features(answer: str) -> tuple[float, ...]:
    return grading.answer_features(RUBRIC, model_answer=MODEL, answer=answer, question=QUESTION)


def test_a_model_answer_becomes_one_concept_per_content_word() -> None:
    assert [
        Concept("location", ("location",), 1.0),
        Concept("memory", ("memory",), 1.0),
        Concept("store", ("store",), 1.0),
        Concept("value", ("value",), 1.0),
    ] == RUBRIC


def test_question_words_are_left_out_of_the_rubric() -> None:
    rubric = grading.rubric_from_answer(
        "A variable that contains the address in memory of another variable.", "What is a pointer?"
    )
    assert [c.id for c in rubric] == ["variable", "contains", "address", "memory", "another"]
    restated = grading.rubric_from_answer("Pointers point.", "What does a pointer point to?")
    assert grading.short_text(restated, "a pointer points").score == 1.0  # nothing else to ask


def test_repeating_the_question_earns_no_credit() -> None:
    rubric = grading.rubric_from_answer("The memory address of a variable.", "What is a pointer?")
    assert grading.short_text(rubric, "A pointer is a pointer.").score == 0.0
    assert (
        grading.support("The memory address of a variable.", "pointers", "What is a pointer?") == 0
    )


def test_a_paraphrase_scores_higher_than_an_unrelated_answer() -> None:
    paraphrase = grading.short_text(RUBRIC, "a place in memmory where values are stored")
    unrelated = grading.short_text(RUBRIC, "a loop that repeats until its condition fails")
    assert paraphrase.score == 0.75 and paraphrase.missed == ("location",)  # typo tolerated
    assert unrelated.score == 0.0
    assert features("a memory location storing one value") > features("a loop that repeats")


def test_support_is_the_share_of_the_answers_words_the_model_answer_backs() -> None:
    assert grading.support(MODEL, "memory location holding bananas", QUESTION) == 0.5
    assert grading.support(MODEL, "the", QUESTION) == 0.0


def test_trigram_similarity_credits_partial_words() -> None:
    assert grading.trigram_similarity("memory location", "location memory") == pytest.approx(
        11 / 12
    )
    assert grading.trigram_similarity("initialize", "initializer list") == pytest.approx(0.5**0.5)
    assert grading.trigram_similarity("array", "queue") == 0.0


def test_answer_features_follow_the_declared_order() -> None:
    coverage, backed, similar, length = features(MODEL)
    assert (coverage, backed, length) == (1.0, 1.0, 0.0)
    assert similar == pytest.approx(1.0)
    assert len(grading.FEATURES) == 4


def test_a_calibration_recovers_a_linear_relation_and_clips_to_the_unit_range() -> None:
    rows = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, 0.5]]
    scores = [0.1 + 0.5 * a + 0.2 * b for a, b in rows]
    fitted = grading.fit_calibration(rows, scores, ridge=0.0)
    assert fitted.weights == pytest.approx((0.1, 0.5, 0.2))
    assert grading.calibrated(fitted, [0.5, 0.5]) == pytest.approx(0.45)
    assert grading.calibrated(fitted, [4.0, 4.0]) == 1.0
    assert grading.calibrated(fitted, [-4.0, 0.0]) == 0.0


def test_a_calibration_needs_one_score_per_row() -> None:
    with pytest.raises(InvalidInput):
        grading.fit_calibration([[0.1], [0.2]], [0.5])
    with pytest.raises(InvalidInput):
        grading.fit_calibration([], [])


def test_authored_concepts_and_a_derived_rubric_grade_together() -> None:
    item = Item(
        ItemId("s", "pointer"),
        ItemType.SHORT_TEXT,
        concepts=(
            Concept("memory-address", ("memory address", "location in memory")),
            *grading.rubric_from_answer(
                "It holds the address of a variable.", "What is a pointer?"
            ),
        ),
    )
    graded = grading.grade(item, "A pointer holds the memory address of a variable.")
    assert graded.correct and graded.found == ("memory-address", "holds", "address", "variable")


CRITERIA = [Criterion("works", "It works", 2), Criterion("tested", "It is tested", 1)]


def test_an_instructors_points_become_the_share_of_all_points() -> None:
    score, report = grading.scored_rubric(CRITERIA, {"works": "1.5", "tested": 1})
    assert score == pytest.approx(0.8333)
    assert [(r["id"], r["earned"], r["points"]) for r in report] == [
        ("works", 1.5, 2),
        ("tested", 1.0, 1),
    ]


def test_points_out_of_range_missing_or_unknown_are_all_reported() -> None:
    with pytest.raises(InvalidInput) as caught:
        grading.scored_rubric(CRITERIA, {"works": 3, "style": 1})
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("points.style", "the rubric has no criterion 'style'"),
        ("points.works", "give a number from 0 to 2"),
        ("points.tested", "give a number from 0 to 1"),
    ]
    for bad in (True, None, "", "inf", -0.5):
        with pytest.raises(InvalidInput, match=r"^points\.tested: give a number from 0 to 1$"):
            grading.scored_rubric(CRITERIA, {"works": 0, "tested": bad})
