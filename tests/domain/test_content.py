import pytest

from masterpath.domain.content import (
    Card,
    Concept,
    Criterion,
    Item,
    ItemId,
    ItemType,
    Mode,
    Option,
    Skill,
)
from masterpath.errors import InvalidInput

SKILL = {
    "id": "docker",
    "title": "Docker",
    "summary": "Containers.",
    "hours": 6.0,
    "prerequisites": ["shell"],
    "backgrounds": ["devops"],
    "objectives": [{"id": "build", "text": "Build an image"}],
    "lesson": "## Tags\nTags move.",
    "resources": [
        {
            "title": "Docs",
            "url": "https://docs.docker.com",
            "kind": "docs",
            "minutes": None,
            "summary": "",
        }
    ],
    "items": [
        {
            "id": "tag",
            "type": "single_choice",
            "stem": "What pins an image?",
            "objectives": ["build"],
            "difficulty": "hard",
            "assessment_only": True,
            "options": [
                {"id": "a", "text": "The tag", "correct": False, "misconception": "tags move"},
                {"id": "b", "text": "The digest", "correct": True, "misconception": ""},
            ],
            "answer": None,
            "tolerance": 0.0,
            "unit": "",
            "model_answer": "",
            "concepts": [],
            "explanation": "Digests do not move.",
            "hints": ["Think of sha256."],
            "also_skills": [],
        },
        {
            "id": "size",
            "type": "numeric",
            "stem": "How many?",
            "objectives": ["build"],
            "answer": 80,
            "explanation": "80.",
        },
    ],
    "flashcards": [{"id": "digest", "front": "Digest?", "back": "A content hash."}],
    "task": {
        "prompt": "Ship it.",
        "rubric": [
            {
                "id": "works",
                "criterion": "It works",
                "points": 2,
                "concepts": [{"id": "run", "phrasings": ["docker run"], "weight": 1.0}],
            }
        ],
        "pass_mark": 0.8,
    },
    "criteria": {
        "threshold": None,
        "min_correct": None,
        "retention_days": 3,
        "task_required": True,
    },
    "explanations": [{"question": "Why?", "sources": ["lesson#tags"], "answer": "Because."}],
}


def test_an_item_id_knows_its_skill_and_reads_back_as_written() -> None:
    found = ItemId.parse("docker:tag-vs-digest")
    assert (found.skill, found.local) == ("docker", "tag-vs-digest")
    assert str(found) == "docker:tag-vs-digest"
    assert ItemId.parse(str(found)) == found


@pytest.mark.parametrize("text", ["docker", ":tag", "docker:", ""])
def test_a_malformed_item_id_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="is not an item id"):
        ItemId.parse(text)


def test_enums_keep_the_stored_strings() -> None:
    assert ItemType("single_choice") is ItemType.SINGLE_CHOICE
    assert str(ItemType.SINGLE_CHOICE) == "single_choice" and f"{ItemType.NUMERIC}" == "numeric"
    assert ItemType.MULTIPLE_CHOICE.is_choice and not ItemType.ORDERING.is_choice
    assert [m.value for m in Mode] == [
        "diagnostic",
        "practice",
        "mastery_check",
        "retention_check",
        "flashcard",
        "task",
    ]


def test_a_stored_skill_becomes_typed_values_with_item_ids_of_the_skill() -> None:
    skill = Skill.from_data(SKILL)
    tag, size = skill.items
    assert tag.id == ItemId("docker", "tag") and tag.type is ItemType.SINGLE_CHOICE
    assert tag.options[1] == Option("b", "The digest", correct=True)
    assert tag.correct_options == (tag.options[1],)
    assert (tag.difficulty, tag.assessment_only, tag.hints) == ("hard", True, ("Think of sha256.",))
    assert size.answer == 80.0 and size.difficulty == "medium" and size.options == ()
    assert skill.item("size") is size and skill.item("nope") is None
    assert skill.flashcards == (Card(ItemId("docker", "digest"), "Digest?", "A content hash."),)
    assert skill.task is not None and skill.task.pass_mark == 0.8
    assert skill.task.rubric == (
        Criterion("works", "It works", 2, (Concept("run", ("docker run",)),)),
    )
    assert skill.criteria.retention_days == 3 and skill.required_correct == 4
    assert skill.prerequisites == ("shell",) and skill.resources[0].kind == "docs"
    assert skill.explanations[0].sources == ("lesson#tags",)


def test_true_false_answers_stay_booleans() -> None:
    data = {"id": "t", "type": "true_false", "answer": False}
    assert Item.from_data(data, skill="s").answer is False
