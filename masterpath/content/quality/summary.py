"""The document `masterpath content stats --json` prints: careers, each skill's figures, cues."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from masterpath.content.quality.depth import where_hours
from masterpath.content.quality.testwise import cues
from masterpath.content.schema import Pack, Skill, words
from masterpath.domain import reading


def stats(packs: Sequence[Pack]) -> dict[str, Any]:
    """The document `masterpath content stats --json` prints."""
    careers = [c for p in packs for c in p.careers]
    member: dict[str, list[str]] = {}
    for career in careers:
        for skill_id in career.skill_ids:
            member.setdefault(skill_id, []).append(career.slug)
    skills = [s for p in packs for s in p.skills]
    return {
        "careers": [{"slug": c.slug, "skills": len(c.skill_ids)} for c in careers],
        "skills": [_skill_stats(s, member.get(s.id, [])) for s in skills],
        "cues": cues(skills),
    }


def _skill_stats(skill: Skill, careers: list[str]) -> dict[str, Any]:
    measured, found = reading.measure(skill.lesson), where_hours(skill)
    return {
        "id": skill.id,
        "careers": careers,
        "objectives": len(skill.objectives),
        "items": len(skill.items),
        "items_by_type": dict(sorted(Counter(i.type for i in skill.items).items())),
        "assessment_only": sum(i.assessment_only for i in skill.items),
        "cards": len(skill.flashcards),
        "resources": len(skill.resources),
        "lesson_words": words(skill.lesson),
        "lesson_prose_words": measured.prose_words,
        "lesson_code_lines": measured.code_lines,
        "worked_examples": measured.worked_examples,
        "has_task": skill.task is not None,
        "lab_minutes": skill.lab.minutes if skill.lab else None,
        "hours": {
            "stated": skill.hours,
            "parts": {part.name: round(part.minutes, 1) for part in found.parts},
            "computed": round(found.hours, 2),
            "honest_range": [round(bound, 2) for bound in found.bounds],
            "honest": found.honest,
        },
    }
