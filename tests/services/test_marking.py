"""Short answers and applied tasks graded by meaning with the real model, and by words without."""

from __future__ import annotations

from pathlib import Path

import pytest

from masterpath.clock import Clock
from masterpath.domain.content import Criterion, Item
from masterpath.meaning import load
from masterpath.services import Context, marking
from masterpath.store import make_database
from tests.conftest import make_settings

ITEM = Item.from_data(
    {
        "id": "gc",
        "type": "short_text",
        "stem": "What does a runtime with a garbage collector do for you?",
        "model_answer": "Memory is freed automatically once nothing refers to it.",
        "concepts": [{"id": "freed", "phrasings": ["memory is freed automatically"]}],
    },
    skill="memory",
)
PARAPHRASE = "Storage gets released without the programmer doing it"  # no word in common
OFF_TOPIC = "The weather is sunny today."

needs_model = pytest.mark.skipif(load("")[0] is None, reason="the embedding model is not installed")


@needs_model
def test_a_paraphrase_with_no_shared_words_earns_the_concept(ctx: Context) -> None:
    graded = marking.grade(ctx, ITEM, PARAPHRASE)
    assert graded.found == ("freed",) and graded.score == 1.0
    assert graded.detail["features"] == "meaning"
    assert 0.0 <= graded.detail["estimate"] <= 1.0


@needs_model
def test_an_off_topic_answer_earns_nothing_by_meaning(ctx: Context) -> None:
    graded = marking.grade(ctx, ITEM, OFF_TOPIC)
    assert graded.score == 0.0 and graded.missed == ("freed",)


@needs_model
def test_an_applied_task_finds_a_criterions_concept_by_meaning(ctx: Context) -> None:
    criteria = [Criterion("memory", "Explains reclamation", 2, ITEM.concepts)]
    score, report = marking.rubric(ctx, criteria, f"Notes.\n{PARAPHRASE}")
    assert score == 1.0 and report[0]["found"] == ["freed"]
    assert marking.rubric(ctx, criteria, OFF_TOPIC)[0] == 0.0


def test_with_the_model_off_it_still_grades_on_words(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, db_url, embedding_model="off")
    off = Context(settings, make_database(settings.url), Clock())
    try:
        paraphrase = marking.grade(off, ITEM, PARAPHRASE)
        worded = marking.grade(off, ITEM, "Memory is freed automatically.")
    finally:
        off.db.dispose()
    assert paraphrase.score == 0.0 and paraphrase.missed == ("freed",)
    assert worded.score == 1.0 and worded.found == ("freed",)
    assert paraphrase.detail["features"] == worded.detail["features"] == "lexical"
    assert set(paraphrase.detail) == {"estimate", "features"}  # the shape meaning gives too
