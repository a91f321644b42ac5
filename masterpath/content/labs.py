"""A skill's lab: `lab.md` beside its lesson, a hands-on exercise run on the learner's machine.

    ---
    title: Build and run a slim image for the scoring service     (imperative)
    minutes: 120                                                  (integer, 30 to 480)
    ---
    ## Starting point
    ...
    ## Steps
    1. ...
    ## Expected result
    ...
    ## How to check
    ...

The four sections are required, in that order, each with text (Steps with a numbered list);
other `## ` sections (`## What you will build`, `## Going further`) may come between or after.
Headings inside fenced code blocks are code, not sections. Every problem names the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from masterpath.content.source import parse as parse_yaml
from masterpath.errors import Problem

REQUIRED = ("Starting point", "Steps", "Expected result", "How to check")
MINUTES = (30, 480)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NUMBERED = re.compile(r"^ {0,3}\d{1,3}[.)]\s+\S")


def read(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The lab in `path` as pack data (title, minutes, markdown), and every problem in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(f"cannot read the file: {exc}", file=str(path))]
    return parse(text, file=str(path))


def parse(text: str, *, file: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    lines = text.splitlines()
    end = _front_matter_end(lines)
    if end is None:
        message = "a lab starts with front matter: a `---` line, title and minutes, a `---` line"
        return None, [Problem(message, file=file, line=1)]
    front, problems = _front_matter(lines[1:end], file=file)
    body = lines[end + 1 :]
    problems += [
        Problem(message, file=file, line=end + 2 + index)
        for index, message in _sections(body, last=len(lines) - end - 1)
    ]
    if problems or front is None:
        return None, problems
    return {**front, "markdown": "\n".join(body).strip() + "\n"}, []


def _front_matter_end(lines: list[str]) -> int | None:
    if not lines or lines[0].strip() != "---":
        return None
    return next((n for n in range(1, len(lines)) if lines[n].strip() == "---"), None)


def _front_matter(lines: list[str], *, file: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    located, problems = parse_yaml("\n".join(lines) or "", file=file)
    problems = [_shifted(p) for p in problems]
    if located is None and problems and problems[0].message.startswith("invalid YAML"):
        hint = '; put a title that contains ": " in quotes, title: "…"'
        problems[0] = Problem(problems[0].message + hint, file=file, line=problems[0].line)
    data = located.data if located else None
    if located is None or not isinstance(data, dict):
        if located is not None:
            problems.append(Problem("the front matter is not a mapping", file=file, line=2))
        return None, problems

    def at(key: str, message: str) -> Problem:
        line = located.line((key,))
        return Problem(message, file=file, line=None if line is None else line + 1, field=key)

    problems += [
        at(key, "unknown field; a lab has title and minutes")
        for key in data
        if key not in {"title", "minutes"}
    ]
    title, minutes = data.get("title"), data.get("minutes")
    if not isinstance(title, str) or not title.strip():
        problems.append(at("title", "give the lab a title (an imperative sentence)"))
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        problems.append(at("minutes", "give minutes as a whole number, the time the lab takes"))
    elif not MINUTES[0] <= minutes <= MINUTES[1]:
        problems.append(
            at(
                "minutes",
                f"{minutes} minutes is outside {MINUTES[0]} to {MINUTES[1]}; "
                "split a longer lab or fold a shorter one into the task",
            )
        )
    if problems:
        return None, problems
    return {"title": str(title).strip(), "minutes": minutes}, []


def _shifted(problem: Problem) -> Problem:
    line = None if problem.line is None else problem.line + 1  # the `---` line comes first
    return Problem(problem.message, file=problem.file, line=line, field=problem.field)


def _sections(body: list[str], *, last: int) -> list[tuple[int, str]]:
    """(line index in `body`, message) for every missing, empty or misplaced required section."""
    headings = _headings(body)
    found: list[tuple[int, str]] = []
    wanted = {name.lower(): name for name in REQUIRED}
    seen: list[str] = []
    for n, (at, title) in enumerate(headings):
        name = wanted.get(title.lower().rstrip(":").strip())
        if name is None:
            continue
        if name in seen:
            found.append((at, f"the section {name!r} appears twice"))
            continue
        if seen and REQUIRED.index(name) < REQUIRED.index(seen[-1]):
            found.append(
                (
                    at,
                    f"the section {name!r} comes after {seen[-1]!r}; keep the order "
                    + ", ".join(REQUIRED),
                )
            )
        seen.append(name)
        stop = headings[n + 1][0] if n + 1 < len(headings) else len(body)
        text = body[at + 1 : stop]
        if not any(line.strip() for line in text):
            found.append((at, f"the section {name!r} is empty"))
        elif name == "Steps" and not any(_NUMBERED.match(line) for line in text):
            found.append((at, "the section 'Steps' needs a numbered list (1. …)"))
    missing = [name for name in REQUIRED if name not in seen]
    if missing:
        names = ", ".join(f"'## {name}'" for name in missing)
        found.append(
            (
                max(last - 1, 0),
                f"missing section(s) {names}; a lab has " + ", ".join(REQUIRED) + ", in that order",
            )
        )
    return found


def _headings(body: list[str]) -> list[tuple[int, str]]:
    """The `## ` headings of `body` outside fenced code, with their line index."""
    found, fence = [], ""
    for index, line in enumerate(body):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
        elif opened:
            fence = opened.group(1)
        elif line.startswith("## "):
            found.append((index, line[3:].strip()))
    return found
