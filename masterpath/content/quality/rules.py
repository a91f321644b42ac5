"""The authoring rules of one skill (counts, objectives covered, hints, model answers) and of
one career, and the warnings: what passes every rule yet needs a person."""

from __future__ import annotations

from collections.abc import Sequence

from masterpath.content.schema import Career, Item, Pack, Skill, words
from masterpath.domain import content as model
from masterpath.domain import grading
from masterpath.domain.content import ItemType
from masterpath.errors import Problem

MIN_ITEMS, MIN_CARDS, MIN_RESOURCES, MIN_TYPES = 12, 8, 3, 4
LESSON_WORDS = (300, 5000)
OBJECTIVES = (2, 5)
MAX_TRUE_FALSE = 0.25
MIN_INTERVIEW, MIN_CAREER_RESOURCES = 5, 3


def check_skill(skill: Skill) -> list[Problem]:
    found: list[str] = []
    n_items = len(skill.items)
    lesson = words(skill.lesson)
    if not OBJECTIVES[0] <= len(skill.objectives) <= OBJECTIVES[1]:
        found.append(f"has {len(skill.objectives)} objectives; write 2 to 5")
    if not LESSON_WORDS[0] <= lesson <= LESSON_WORDS[1]:
        found.append(f"lesson has {lesson} words; write {LESSON_WORDS[0]} to {LESSON_WORDS[1]}")
    if len(skill.resources) < MIN_RESOURCES:
        found.append(f"has {len(skill.resources)} resources; list at least {MIN_RESOURCES}")
    elif skill.resources[0].kind != "docs":
        found.append("the first resource should be official documentation (kind: docs)")
    if n_items < MIN_ITEMS:
        found.append(f"has {n_items} items; write at least {MIN_ITEMS}")
    if len({i.type for i in skill.items}) < MIN_TYPES:
        found.append(f"uses fewer than {MIN_TYPES} item types")
    true_false = sum(i.type is ItemType.TRUE_FALSE for i in skill.items)
    if n_items and true_false / n_items > MAX_TRUE_FALSE:
        found.append(f"{true_false} of {n_items} items are true/false; at most a quarter")
    if len(skill.flashcards) < MIN_CARDS:
        found.append(f"has {len(skill.flashcards)} flashcards; write at least {MIN_CARDS}")
    if skill.task is None:
        found.append("has no applied task")
    found += _objective_coverage(skill) + _hints(skill.items)
    return [Problem(message, field=f"skill {skill.id}") for message in found]


def _objective_coverage(skill: Skill) -> list[str]:
    found = []
    for objective in skill.objectives:
        items = [i for i in skill.items if objective.id in i.objectives]
        held = sum(i.assessment_only for i in items)
        hard = sum(i.difficulty == "hard" for i in items)
        if len(items) < 3 or held < 2 or hard < 1:
            found.append(
                f"objective {objective.id!r} has {len(items)} items ({held} assessment-only, "
                f"{hard} hard); needs 3 items, 2 assessment-only, 1 hard"
            )
    return found


def _hints(items: list[Item]) -> list[str]:
    return [
        f"item {i.id!r} has {len(i.hints)} hints; give 1 to 3"
        for i in items
        if not 1 <= len(i.hints) <= 3
    ]


def check_model_answers(skill: Skill) -> list[Problem]:
    """Every short-text item's model answer earns full marks against its own concepts."""
    found = []
    for item in skill.items:
        if item.type is not ItemType.SHORT_TEXT:
            continue
        concepts = model.concepts(concept.model_dump() for concept in item.concepts)
        grade = grading.short_text(concepts, item.model_answer)
        if grade.missed:
            missed = ", ".join(repr(concept) for concept in grade.missed)
            message = (
                f"the model answer scores {grade.score:.2f} against its own concepts: no phrasing "
                f"of {missed} matches it; add the wording the model answer uses"
            )
            found.append(Problem(message, file=skill_file(skill), field=f"item {item.id}"))
    return found


def check_career(career: Career) -> list[Problem]:
    found = []
    if len(career.interview) < MIN_INTERVIEW:
        found.append(f"has {len(career.interview)} interview questions; write {MIN_INTERVIEW}")
    if len(career.resources) < MIN_CAREER_RESOURCES:
        found.append(f"has {len(career.resources)} related resources; list {MIN_CAREER_RESOURCES}")
    found += [
        f"certification {c.name!r} names no skills" for c in career.certifications if not c.skills
    ]
    return [Problem(message, field=f"career {career.slug}") for message in found]


def warnings(packs: Sequence[Pack]) -> list[Problem]:
    """What passes every rule yet needs a person: task criteria the rubric grader cannot score."""
    return [
        Problem(
            "has no concepts, so it cannot be graded automatically; an instructor must score it",
            file=skill_file(skill),
            field=f"task criterion {criterion.id}",
        )
        for pack in packs
        for skill in pack.skills
        if skill.task
        for criterion in skill.task.rubric
        if not criterion.concepts
    ]


def skill_file(skill: Skill) -> str:
    """Where a skill lives, relative to its pack folder (skill ids are unique across packs)."""
    return f"skills/{skill.id}/skill.yaml"
