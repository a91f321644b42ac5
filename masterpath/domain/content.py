"""The content model: skills, items, options, rubrics and cards as frozen values. Pure.

Content packs are validated by pydantic (`masterpath.content.schema`) and stored as JSON; the
stored JSON becomes these values once, where content is read (`from_data`), and grading,
selection and the mentor take them. Field names and enum values are the pack format's, so
`ItemType.SINGLE_CHOICE == "single_choice"` and templates read `item.stem` as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from masterpath.errors import InvalidInput

Data = Mapping[str, Any]  # one stored content object (the pack format, as JSON)


class ItemType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    NUMERIC = "numeric"
    ORDERING = "ordering"
    SHORT_TEXT = "short_text"

    @property
    def is_choice(self) -> bool:
        return self in CHOICE_TYPES


CHOICE_TYPES = frozenset({ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE})


class Mode(StrEnum):
    """How a piece of evidence was gathered (the `mode` of an answer)."""

    DIAGNOSTIC = "diagnostic"
    PRACTICE = "practice"
    MASTERY_CHECK = "mastery_check"
    RETENTION_CHECK = "retention_check"
    FLASHCARD = "flashcard"
    TASK = "task"


@dataclass(frozen=True, order=True)
class ItemId:
    """The id of an item (or a card) of a skill, written `skill:local`."""

    skill: str
    local: str

    @classmethod
    def parse(cls, text: str) -> ItemId:
        skill, sep, local = text.partition(":")
        if not sep or not skill or not local:
            raise InvalidInput(f"{text!r} is not an item id (skill:item)")
        return cls(skill, local)

    def __str__(self) -> str:
        return f"{self.skill}:{self.local}"


def _texts(values: Iterable[Any] | None) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool = False
    misconception: str = ""

    @classmethod
    def from_data(cls, data: Data) -> Option:
        return cls(
            str(data["id"]),
            str(data.get("text", "")),
            bool(data.get("correct", False)),
            str(data.get("misconception") or ""),
        )


@dataclass(frozen=True)
class Concept:
    """A key idea a short answer should contain, with the phrasings that express it."""

    id: str
    phrasings: tuple[str, ...]
    weight: float = 1.0

    @classmethod
    def from_data(cls, data: Data) -> Concept:
        weight = data.get("weight")
        return cls(str(data["id"]), _texts(data.get("phrasings")), float(weight or 1.0))


def concepts(values: Iterable[Data] | None) -> tuple[Concept, ...]:
    return tuple(Concept.from_data(c) for c in values or ())


@dataclass(frozen=True)
class Criterion:
    """One criterion of a task's rubric: its points, and the concepts that earn them."""

    id: str
    criterion: str
    points: int
    concepts: tuple[Concept, ...] = ()

    @classmethod
    def from_data(cls, data: Data) -> Criterion:
        return cls(
            str(data["id"]),
            str(data.get("criterion", "")),
            int(data["points"]),
            concepts(data.get("concepts")),
        )


@dataclass(frozen=True)
class Task:
    prompt: str
    rubric: tuple[Criterion, ...]
    pass_mark: float = 0.7

    @classmethod
    def from_data(cls, data: Data) -> Task:
        rubric = tuple(Criterion.from_data(c) for c in data.get("rubric") or ())
        return cls(str(data.get("prompt", "")), rubric, float(data.get("pass_mark", 0.7)))


def _answer(value: Any) -> bool | float | None:
    if value is None or isinstance(value, bool):
        return value
    return float(value)


@dataclass(frozen=True)
class Item:
    id: ItemId
    type: ItemType
    stem: str = ""
    objectives: tuple[str, ...] = ()
    difficulty: str = "medium"
    assessment_only: bool = False
    options: tuple[Option, ...] = ()
    answer: bool | float | None = None
    tolerance: float = 0.0
    unit: str = ""
    model_answer: str = ""
    concepts: tuple[Concept, ...] = ()
    explanation: str = ""
    hints: tuple[str, ...] = ()
    also_skills: tuple[str, ...] = ()

    @classmethod
    def from_data(cls, data: Data, *, skill: str) -> Item:
        """The item of `skill` stored as `data` (its local id is `data["id"]`)."""
        return cls(
            id=ItemId(skill, str(data.get("id", ""))),
            type=ItemType(data["type"]),
            stem=str(data.get("stem", "")),
            objectives=_texts(data.get("objectives")),
            difficulty=str(data.get("difficulty") or "medium"),
            assessment_only=bool(data.get("assessment_only", False)),
            options=tuple(Option.from_data(o) for o in data.get("options") or ()),
            answer=_answer(data.get("answer")),
            tolerance=float(data.get("tolerance") or 0.0),
            unit=str(data.get("unit") or ""),
            model_answer=str(data.get("model_answer") or ""),
            concepts=concepts(data.get("concepts")),
            explanation=str(data.get("explanation") or ""),
            hints=_texts(data.get("hints")),
            also_skills=_texts(data.get("also_skills")),
        )

    @property
    def correct_options(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.correct)


@dataclass(frozen=True)
class Card:
    id: ItemId
    front: str
    back: str

    @classmethod
    def from_data(cls, data: Data, *, skill: str) -> Card:
        return cls(ItemId(skill, str(data["id"])), str(data["front"]), str(data["back"]))


@dataclass(frozen=True)
class Objective:
    id: str
    text: str


@dataclass(frozen=True)
class Resource:
    title: str
    url: str
    kind: str
    minutes: int | None = None
    summary: str = ""

    @classmethod
    def from_data(cls, data: Data) -> Resource:
        minutes = data.get("minutes")
        return cls(
            str(data["title"]),
            str(data["url"]),
            str(data.get("kind", "")),
            None if minutes is None else int(minutes),
            str(data.get("summary") or ""),
        )


@dataclass(frozen=True)
class Explanation:
    question: str
    sources: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class Criteria:
    threshold: float | None = None
    min_correct: int | None = None
    retention_days: int = 2
    task_required: bool = True

    @classmethod
    def from_data(cls, data: Data) -> Criteria:
        threshold, least = data.get("threshold"), data.get("min_correct")
        return cls(
            None if threshold is None else float(threshold),
            None if least is None else int(least),
            int(data.get("retention_days", 2)),
            bool(data.get("task_required", True)),
        )


@dataclass(frozen=True)
class Lab:
    """A hands-on exercise the learner runs on their own machine (`lab.md` beside the lesson)."""

    title: str
    minutes: int
    markdown: str

    @classmethod
    def from_data(cls, data: Data) -> Lab:
        return cls(str(data["title"]), int(data["minutes"]), str(data.get("markdown") or ""))


@dataclass(frozen=True)
class Skill:
    id: str
    title: str
    summary: str = ""
    hours: float = 1.0
    prerequisites: tuple[str, ...] = ()
    backgrounds: tuple[str, ...] = ()
    objectives: tuple[Objective, ...] = ()
    lesson: str = ""
    resources: tuple[Resource, ...] = ()
    items: tuple[Item, ...] = ()
    flashcards: tuple[Card, ...] = ()
    task: Task | None = None
    criteria: Criteria = Criteria()
    explanations: tuple[Explanation, ...] = ()
    lab: Lab | None = None
    asked: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (unit, other ways learners ask it)

    @classmethod
    def from_data(cls, data: Data) -> Skill:
        sid, task, lab = str(data["id"]), data.get("task"), data.get("lab")
        return cls(
            id=sid,
            title=str(data.get("title", "")),
            summary=str(data.get("summary", "")),
            hours=float(data.get("hours", 1.0)),
            prerequisites=_texts(data.get("prerequisites")),
            backgrounds=_texts(data.get("backgrounds")),
            objectives=tuple(
                Objective(str(o["id"]), str(o["text"])) for o in data.get("objectives") or ()
            ),
            lesson=str(data.get("lesson") or ""),
            resources=tuple(Resource.from_data(r) for r in data.get("resources") or ()),
            items=tuple(Item.from_data(i, skill=sid) for i in data.get("items") or ()),
            flashcards=tuple(Card.from_data(c, skill=sid) for c in data.get("flashcards") or ()),
            task=None if task is None else Task.from_data(task),
            criteria=Criteria.from_data(data.get("criteria") or {}),
            explanations=tuple(
                Explanation(str(e["question"]), _texts(e.get("sources")), str(e["answer"]))
                for e in data.get("explanations") or ()
            ),
            lab=None if lab is None else Lab.from_data(lab),
            asked=tuple((str(k), _texts(v)) for k, v in (data.get("asked") or {}).items()),
        )

    @property
    def required_correct(self) -> int:
        return self.criteria.min_correct or max(4, len(self.objectives))

    def item(self, local: str) -> Item | None:
        return next((i for i in self.items if i.id.local == local), None)
