"""lab.md: front matter and the four required sections, every problem with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

from masterpath.content import labs
from masterpath.content.loader import read_packs

FIXTURE = Path(__file__).parents[1] / "fixtures" / "pack"

GOOD = """---
title: Run the scorer in a container
minutes: 90
---
## What you will build

An image.

## Starting point

The repository at tag `v1`.

## Steps

1. Write the Dockerfile.
2. Build it.

## Expected result

An image under 200 MB.

## How to check

`docker images` lists it.

## Going further

Multi-stage builds.
"""


def problems(text: str) -> list[tuple[int | None, str]]:
    found, trouble = labs.parse(text, file="lab.md")
    assert found is None or not trouble
    return [(p.line, p.message) for p in trouble]


def test_a_lab_in_the_format_is_read_with_its_extra_sections() -> None:
    found, trouble = labs.parse(GOOD, file="lab.md")
    assert trouble == []
    assert found is not None
    assert (found["title"], found["minutes"]) == ("Run the scorer in a container", 90)
    assert found["markdown"].startswith("## What you will build")
    assert "## Going further" in found["markdown"]


def test_front_matter_is_required() -> None:
    assert problems("## Starting point\n") == [
        (1, "a lab starts with front matter: a `---` line, title and minutes, a `---` line")
    ]


def test_front_matter_fields_are_checked_with_their_lines() -> None:
    text = GOOD.replace("minutes: 90", "minutes: 600\ncolour: blue").replace("title: Run", "title:")
    found = problems(text.replace("title: the scorer in a container", "title: ''"))
    assert (
        3,
        "600 minutes is outside 30 to 480; split a longer lab or fold a shorter one into the task",
    ) in found
    assert (4, "unknown field; a lab has title and minutes") in found
    assert any(line == 2 and "title" in message for line, message in found)


def test_minutes_must_be_a_whole_number() -> None:
    found = problems(GOOD.replace("minutes: 90", "minutes: 1.5 hours"))
    assert found == [(3, "give minutes as a whole number, the time the lab takes")]


def test_missing_empty_misordered_and_unnumbered_sections_are_each_reported() -> None:
    text = GOOD.replace("An image under 200 MB.\n", "").replace("1. Write", "- Write")
    text = text.replace("2. Build it.", "- Build it.")
    text = text.replace("## How to check\n\n`docker images` lists it.\n", "")
    text = text.replace("## Starting point\n\nThe repository at tag `v1`.\n\n", "")
    text += "\n## Starting point\n\nAt the end.\n"
    found = problems(text)
    lines = text.splitlines()
    assert (
        lines.index("## Steps") + 1,
        "the section 'Steps' needs a numbered list (1. …)",
    ) in found
    assert (
        lines.index("## Expected result") + 1,
        "the section 'Expected result' is empty",
    ) in found
    assert (
        lines.index("## Starting point") + 1,
        "the section 'Starting point' comes after 'Expected result'; keep the order Starting "
        "point, Steps, Expected result, How to check",
    ) in found
    assert any("missing section(s) '## How to check'" in message for _, message in found)
    assert len(found) == 4


def test_a_heading_inside_a_code_block_is_not_a_section() -> None:
    text = GOOD.replace("1. Write the Dockerfile.", "1. Write:\n\n   ```sh\n## How to check\n```")
    assert problems(text) == []
    hidden = GOOD.replace("## How to check", "```\n## How to check\n```")
    assert any("missing section(s) '## How to check'" in m for _, m in problems(hidden))


def test_the_loader_reads_the_lab_and_names_the_file_and_line(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE, pack)
    (python,) = [s for s in read_packs([pack]).packs[0].skills if s.id == "python-basics"]
    assert python.lab is not None and python.lab.minutes == 30
    assert [s.id for s in read_packs([pack]).packs[0].skills if s.lab] == ["python-basics"]
    lab = pack / "skills" / "python-basics" / "lab.md"
    lab.write_text(lab.read_text().replace("minutes: 30", "minutes: 20"))
    report = read_packs([pack])
    assert not report.packs
    assert [(Path(p.file).name, p.line) for p in report.problems] == [("lab.md", 3)]
    assert "20 minutes is outside 30 to 480" in str(report.problems[0])


def test_a_title_with_an_unquoted_colon_is_a_yaml_problem_with_a_hint() -> None:
    title = "title: Run the scorer in a container"
    (found,) = problems(GOOD.replace(title, "title: Scorer: run it in a container"))
    assert found[0] == 2
    assert found[1].startswith("invalid YAML: mapping values are not allowed here")
    assert found[1].endswith('put a title that contains ": " in quotes, title: "…"')
    assert problems(GOOD.replace(title, 'title: "Scorer: run it in a container"')) == []
