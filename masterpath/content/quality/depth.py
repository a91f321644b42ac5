"""The depth rules: every built-in skill has a lab, a lesson deep enough for its hours, and
stated hours its parts account for (domain/hours.py)."""

from __future__ import annotations

from collections.abc import Sequence

from masterpath.content.quality.rules import skill_file
from masterpath.content.schema import Pack, Skill
from masterpath.domain import content as model
from masterpath.domain import hours, reading
from masterpath.errors import Problem

# Depth (issue 16): a lesson's prose (words outside fenced code) is at least 1,500 words for a
# skill of 20 hours or more and 1,000 otherwise, with at least two worked examples (`##` or
# `###` headings that start with "Worked example"); every built-in skill has a lab.
DEEP_HOURS = 20
DEPTH_WORDS = (1000, 1500)  # below DEEP_HOURS, at or above it
MIN_WORKED_EXAMPLES = 2


def check_depth(packs: Sequence[Pack]) -> list[Problem]:
    """The depth rules for every skill: a lab, a deep enough lesson, hours its parts account for."""
    return [
        problem
        for pack in packs
        for skill in pack.skills
        for problem in check_lab(skill) + check_lesson_depth(skill) + check_hours(skill)
    ]


def check_lab(skill: Skill) -> list[Problem]:
    """A built-in skill has a lab (its format is checked when the pack is read)."""
    if skill.lab is not None:
        return []
    message = "has no lab; write skills/<id>/lab.md (docs/content-packs.md, Labs)"
    return [Problem(message, file=f"skills/{skill.id}/lab.md", field=f"skill {skill.id}")]


def check_lesson_depth(skill: Skill) -> list[Problem]:
    """Prose words by the skill's hours, and worked examples (code is not counted as words)."""
    measured = reading.measure(skill.lesson)
    least = DEPTH_WORDS[1] if skill.hours >= DEEP_HOURS else DEPTH_WORDS[0]
    found = []
    if measured.prose_words < least:
        found.append(
            f"lesson has {measured.prose_words:,} words of prose (code blocks not counted); a "
            f"{skill.hours:g}-hour skill needs at least {least:,}"
        )
    if measured.worked_examples < MIN_WORKED_EXAMPLES:
        found.append(
            f"lesson has {measured.worked_examples} worked example(s); write at least "
            f"{MIN_WORKED_EXAMPLES}, each under a `##` or `###` heading starting 'Worked example'"
        )
    where = f"skills/{skill.id}/lesson.md"
    return [Problem(message, file=where, field=f"skill {skill.id}") for message in found]


def where_hours(skill: Skill) -> hours.Breakdown:
    """Where the skill's stated hours come from (domain/hours.py)."""
    return hours.for_skill(model.Skill.from_data(skill.model_dump(mode="json")))


def check_hours(skill: Skill) -> list[Problem]:
    """The stated hours lie within `hours.HONEST_BAND` of the sum of their parts."""
    found = where_hours(skill)
    if found.honest:
        return []
    low, high = found.bounds
    parts = ", ".join(f"{p.name} {p.minutes / 60:.1f}" for p in found.parts)
    message = (
        f"states {skill.hours:g} hours but its parts add up to {found.hours:.1f} hours ({parts}); "
        f"state {low:.1f} to {high:.1f} hours, or add the work that fills the difference"
    )
    return [Problem(message, file=skill_file(skill), field=f"skill {skill.id} hours")]
