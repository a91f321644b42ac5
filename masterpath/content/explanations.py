"""A skill's explanation bank: `explanations.md` beside its lesson.

    # Questions learners ask about <skill>          (optional title line)

    ## Why does `docker stop` wait ten seconds?      one question per `## ` heading
    Sources: lesson#runtime-behaviour-worth-knowing, https://docs.docker.com/get-started/

    The answer, 60–200 words of Markdown.

Every source must be a section of the skill's lesson or one of its resources; every problem is
reported with its file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from masterpath.domain.retrieval import anchor, sections
from masterpath.errors import Problem

MIN_WORDS, MAX_WORDS = 60, 200
_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")


def targets(skill: Mapping[str, Any]) -> set[str]:
    """What an explanation of the skill may cite: its lesson sections and resource URLs."""
    found = {f"lesson#{anchor(heading)}" for heading, _ in sections(str(skill.get("lesson", "")))}
    resources = skill.get("resources") or []
    return found | {str(r.get("url")) for r in resources if isinstance(r, dict)}


def read(path: Path, skill: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The explanations in `path`, and every problem found in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(f"cannot read the file: {exc}", file=str(path))]
    return parse(text, file=str(path), allowed=targets(skill))


def parse(text: str, *, file: str, allowed: set[str]) -> tuple[list[dict[str, Any]], list[Problem]]:
    found: list[dict[str, Any]] = []
    problems: list[Problem] = []
    blocks: list[tuple[int, str, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            blocks.append((number, line[3:].strip(), []))
        elif blocks:
            blocks[-1][2].append(line)
        elif line.strip() and not line.startswith("# "):
            problems.append(Problem("text before the first `## ` question", file=file, line=number))
    seen: set[str] = set()
    for at, question, body in blocks:
        entry, trouble = _entry(question, body, allowed)
        problems += [Problem(message, file=file, line=at) for message in trouble]
        if question.lower() in seen:
            problems.append(Problem(f"the question {question!r} repeats", file=file, line=at))
        seen.add(question.lower())
        if entry:
            found.append(entry)
    return found, problems


def _entry(question: str, body: list[str], allowed: set[str]) -> tuple[dict[str, Any], list[str]]:
    lines = [line for line in body if line.strip()]
    if not lines or not lines[0].startswith("Sources:"):
        return {}, [f"{question!r}: the line after the question must be `Sources: …`"]
    sources = [s.strip() for s in lines[0].removeprefix("Sources:").split(",") if s.strip()]
    trouble = [f"{question!r}: unknown source {s!r}" for s in sources if s not in allowed]
    if not sources:
        trouble.append(f"{question!r}: name at least one source")
    answer = "\n".join(body[body.index(lines[0]) + 1 :]).strip()
    count = len(_WORD.findall(answer))
    if not MIN_WORDS <= count <= MAX_WORDS:
        trouble.append(f"{question!r}: the answer has {count} words; write {MIN_WORDS}–{MAX_WORDS}")
    if trouble:
        return {}, trouble
    return {"question": question, "sources": sources, "answer": answer}, []
