"""The content-pack format, validated with pydantic. Unknown fields are errors."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from masterpath.content import asked
from masterpath.domain.content import ItemType

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
LocalId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=40)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Phrasing = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=asked.MAX_CHARS)
]
Url = Annotated[str, StringConstraints(pattern=r"^https://[^\s/$.?#].[^\s]*$")]


def _iso_date(value: object) -> object:
    """A calendar date written as YYYY-MM-DD (YAML reads it as a date; JSON keeps a string)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a date on the calendar ({exc})") from None
    raise ValueError(f"give a date as YYYY-MM-DD, not {value!r}")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
ExamCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9.-]*$", max_length=20)]

Demand = Literal["low", "moderate", "high", "very_high", "extremely_high"]
Difficulty = Literal["beginner", "intermediate", "advanced", "expert"]
ResourceKind = Literal["docs", "article", "video", "course", "book", "repo"]
CertificationStatus = Literal["active", "retiring", "retired"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackInfo(Strict):
    id: Slug
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.+-]+$")]
    title: Text
    description: str = ""
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")] = "en"  # ISO 639


class Salary(Strict):
    min: int = Field(ge=0)
    max: int = Field(ge=0)
    currency: Literal["USD", "EUR", "GBP"] = "USD"
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Salary:
        if self.min > self.max:
            raise ValueError(f"salary min ({self.min}) is greater than max ({self.max})")
        return self


class Span(Strict):
    """A duration such as 3–6 months, 1–2 years, or ongoing."""

    min: int | None = Field(None, ge=0)
    max: int | None = Field(None, ge=0)
    unit: Literal["weeks", "months", "years"] | None = None
    ongoing: bool = False

    @model_validator(mode="after")
    def _complete(self) -> Span:
        if self.ongoing:
            return self
        if self.min is None or self.max is None or self.unit is None:
            raise ValueError("give min, max and unit, or ongoing: true")
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self

    @property
    def text(self) -> str:
        if self.ongoing:
            return "Ongoing"
        if self.min == self.max:
            return f"{self.min} {self.unit}"
        return f"{self.min}–{self.max} {self.unit}"


class Stage(Strict):
    id: LocalId
    title: Text
    duration: Span
    summary: Text
    key_actions: list[Text] = Field(min_length=1)
    skills: list[Slug] = []


class Certification(Strict):
    """A credential worth preparing for. Exam facts change: `as_of` dates them (the day they
    were last checked against the issuer's pages), and a retiring or retired credential says
    when and names its successor."""

    name: Text
    issuer: Text
    description: Text
    url: Url | None = None
    skills: list[Slug] = []
    exam_code: ExamCode | None = None
    as_of: IsoDate | None = None
    status: CertificationStatus | None = None
    retires_on: IsoDate | None = None
    successor: Text | None = None

    @model_validator(mode="after")
    def _dated_facts_agree(self) -> Certification:
        problem = _certification_problem(self)
        if problem:
            raise ValueError(problem)
        return self


def _certification_problem(cert: Certification) -> str:  # noqa: PLR0911 - one rule a line
    ending = cert.status in ("retiring", "retired")
    if cert.status and cert.as_of is None:
        return "a status is a dated fact: give as_of, the day it was checked"
    if cert.successor and not ending:
        return "a successor needs status: retiring or status: retired"
    if cert.retires_on and not ending:
        return "retires_on needs status: retiring or status: retired"
    if cert.status == "retiring" and cert.retires_on is None:
        return "a retiring certification needs retires_on, the last day of its exam"
    if cert.as_of and cert.retires_on:
        if cert.status == "retiring" and cert.retires_on < cert.as_of:
            return f"retires_on {cert.retires_on} is before as_of {cert.as_of}: status is retired"
        if cert.status == "retired" and cert.retires_on > cert.as_of:
            return f"retires_on {cert.retires_on} is after as_of {cert.as_of}: status is retiring"
    return ""


class Question(Strict):
    question: Text
    answer: Text


class InterviewQuestion(Strict):
    question: Text
    strong_answer: Text
    skills: list[Slug] = []


class Resource(Strict):
    title: Text
    url: Url
    kind: ResourceKind
    minutes: int | None = Field(None, ge=1)
    # What the learner will find on the page, in one sentence: the mentor names a resource by
    # it (a title alone is never the content of a reply).
    summary: str = Field("", max_length=240)


class Career(Strict):
    slug: Slug
    title: Text
    aliases: list[Text] = []  # other names people use for the role, for matching goals
    goals: list[Text] = []  # goals people write when the career fits them, matched by meaning
    field: Text
    tagline: Text
    summary: Text
    salary: Salary
    demand: Demand
    demand_note: str = ""
    time_to_career: Span
    difficulty: Difficulty
    learn: Text
    highlights: list[Text] = Field(min_length=1)
    audience: list[Text] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)
    certifications: list[Certification] = []
    faq: list[Question] = []
    interview: list[InterviewQuestion] = []
    resources: list[Resource] = []

    @property
    def skill_ids(self) -> list[str]:
        return [skill for stage in self.stages for skill in stage.skills]


class Objective(Strict):
    id: LocalId
    text: Text


class Option(Strict):
    id: LocalId
    text: Text
    correct: bool = False
    # For a wrong option: the likely misconception behind choosing it. The mentor's feedback
    # names it, so it must not give the right option away.
    misconception: str = Field("", max_length=300)

    @model_validator(mode="after")
    def _only_wrong_options_have_misconceptions(self) -> Option:
        if self.correct and self.misconception:
            raise ValueError("a correct option has no misconception; put it on the wrong ones")
        return self


class Concept(Strict):
    """A key idea a short answer should contain, with the phrasings that express it."""

    id: LocalId
    phrasings: list[Text] = Field(min_length=1)
    weight: float = Field(1.0, gt=0)


class Item(Strict):
    id: LocalId
    type: ItemType
    stem: Text
    objectives: list[LocalId] = Field(min_length=1)
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    assessment_only: bool = False
    options: list[Option] = []
    answer: bool | float | None = None
    tolerance: float = Field(0.0, ge=0)
    unit: str = ""
    model_answer: str = ""
    concepts: list[Concept] = []
    explanation: Text
    hints: list[Text] = []
    also_skills: list[Slug] = []

    @model_validator(mode="after")
    def _shape(self) -> Item:
        problem = _item_problem(self)
        if problem:
            raise ValueError(problem)
        return self


def _item_problem(item: Item) -> str:  # noqa: PLR0911 - one rule per item type
    correct = sum(option.correct for option in item.options)
    if item.type.is_choice and len(item.options) < 2:
        return f"a {item.type} item needs at least two options"
    if item.type is ItemType.SINGLE_CHOICE and correct != 1:
        return f"a single_choice item needs exactly one correct option, found {correct}"
    if item.type is ItemType.MULTIPLE_CHOICE and correct < 1:
        return "a multiple_choice item needs at least one correct option"
    if item.type is ItemType.TRUE_FALSE and not isinstance(item.answer, bool):
        return "a true_false item needs answer: true or answer: false"
    if item.type is ItemType.NUMERIC and (item.answer is None or isinstance(item.answer, bool)):
        return "a numeric item needs a number as answer"
    if item.type is ItemType.ORDERING and len(item.options) < 3:
        return "an ordering item lists at least three options, in the correct order"
    if item.type is ItemType.SHORT_TEXT and not (item.concepts and item.model_answer):
        return "a short_text item needs a model_answer and at least one concept"
    if len({option.id for option in item.options}) != len(item.options):
        return "option ids repeat"
    return ""


class Flashcard(Strict):
    id: LocalId
    front: Text
    back: Text


class RubricCriterion(Strict):
    id: LocalId
    criterion: Text
    points: int = Field(ge=1)
    concepts: list[Concept] = []


class Task(Strict):
    prompt: Text
    rubric: list[RubricCriterion] = Field(min_length=1)
    pass_mark: float = Field(0.7, gt=0, le=1)


class Explanation(Strict):
    """A question learners ask about the skill, answered in the pack's own words, with the
    lesson sections (`lesson#anchor`) or resource URLs the answer rests on."""

    question: Text
    sources: list[Text] = Field(min_length=1)
    answer: Text


class Lab(Strict):
    """A hands-on exercise on the learner's own machine, from `lab.md` (content/labs.py)."""

    title: Text
    minutes: int = Field(ge=30, le=480)
    markdown: Text


class Criteria(Strict):
    threshold: float | None = Field(None, gt=0, lt=1)  # None: the engine's documented default
    min_correct: int | None = Field(None, ge=1)
    retention_days: int = Field(2, ge=0)
    task_required: bool = True


class Skill(Strict):
    id: Slug
    title: Text
    summary: Text
    hours: float = Field(gt=0)
    prerequisites: list[Slug] = []
    # Professional backgrounds ("devops", "data scientist") whose holders usually know this
    # skill already: hypotheses for the diagnostic to test, never credit on their own.
    backgrounds: list[Text] = []
    objectives: list[Objective] = Field(min_length=1)
    lesson: str = ""
    resources: list[Resource] = []
    items: list[Item] = []
    flashcards: list[Flashcard] = []
    task: Task | None = None
    criteria: Criteria = Criteria()
    explanations: list[Explanation] = []  # from explanations.md beside the lesson
    # Other ways learners ask what a unit answers, by unit (`q#…`, `lesson#…` or a resource
    # URL): matched by the mentor, never shown. From asked.yaml beside the lesson.
    asked: dict[str, list[Phrasing]] = {}
    lab: Lab | None = None  # from lab.md beside the lesson; optional in a pack

    @property
    def required_correct(self) -> int:
        return self.criteria.min_correct or max(4, len(self.objectives))


class Pack(Strict):
    info: PackInfo
    careers: list[Career]
    skills: list[Skill]


def words(markdown: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][\w'’-]*", markdown))
