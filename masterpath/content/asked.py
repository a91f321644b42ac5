"""Other ways learners ask what a skill's units answer: `asked.yaml` beside its lesson.

    q#why-does-docker-stop-wait-ten-seconds-and-then-kill-my-server:   an explanation
      - "docker stop hangs for ages then my app just dies"
    lesson#runtime-behaviour-worth-knowing:                            a lesson section
      - "why does ctrl-c not stop my container"
    https://docs.docker.com/reference/dockerfile/:                     a resource
      - "where's the full list of Dockerfile instructions"

The mentor matches a learner's question against these phrasings too (by meaning and by words);
learners never see them. Every key must name one of the skill's units; every problem names the
file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from masterpath.content import explanations
from masterpath.content.source import Located
from masterpath.content.source import parse as parse_yaml
from masterpath.domain.passages import anchor
from masterpath.errors import Problem

MAX_CHARS = 200  # one question, as a learner types it


def targets(skill: Mapping[str, Any]) -> set[str]:
    """What a phrasing may be attached to: the skill's explanations, lesson sections and
    resources, named as in `asked.yaml`."""
    asked = {
        f"q#{anchor(str(e.get('question', '')))}"
        for e in skill.get("explanations") or []
        if isinstance(e, Mapping)
    }
    return asked | explanations.targets(skill)


def unknown(skill: Mapping[str, Any], keys: list[str]) -> list[str]:
    """The keys that name none of the skill's units."""
    known = targets(skill)
    return [key for key in keys if key not in known]


def read(path: Path, skill: Mapping[str, Any]) -> tuple[dict[str, list[str]], list[Problem]]:
    """The phrasings in `path` by unit, and every problem found in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Problem(f"cannot read the file: {exc}", file=str(path))]
    located, problems = parse_yaml(text, file=str(path))
    if located is None:
        return {}, problems
    if not isinstance(located.data, dict):
        return {}, [*problems, located.problem((), "expected unit: [phrasings]")]
    strangers = unknown(skill, list(located.data))
    for key in strangers:  # reported once, here (the pack's own check would repeat it)
        problems.append(located.problem((key,), f"{key!r} names none of the skill's units"))
    found: dict[str, list[str]] = {}
    seen: set[str] = set()
    for key, said in located.data.items():
        if key not in strangers:
            found[key] = _phrasings(located, key, said, seen, problems)
    return found, problems


def _phrasings(
    located: Located, key: str, said: Any, seen: set[str], problems: list[Problem]
) -> list[str]:
    if not isinstance(said, list) or not said:
        problems.append(located.problem((key,), "expected a list of phrasings"))
        return []
    for n, each in enumerate(said):
        text = each.strip() if isinstance(each, str) else ""
        if not text or len(text) > MAX_CHARS:
            problems.append(
                located.problem((key, n), f"expected a phrasing of 1–{MAX_CHARS} characters")
            )
        elif text.lower() in seen:
            problems.append(located.problem((key, n), f"{text!r} repeats"))
        seen.add(text.lower())
    return [each.strip() for each in said if isinstance(each, str)]
