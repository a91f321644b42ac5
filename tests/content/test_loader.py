from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from masterpath.content.loader import builtin_pack_dirs, read_packs
from masterpath.content.schema import Option
from masterpath.content.source import parse
from masterpath.domain.content import Skill

FIXTURE = Path(__file__).parents[1] / "fixtures" / "pack"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(FIXTURE, target)
    return target


def messages(report_problems: Sequence[object]) -> list[str]:
    return [str(p) for p in report_problems]


def test_fixture_pack_is_valid_and_has_every_item_type() -> None:
    report = read_packs([FIXTURE])
    assert report.ok, report.problems
    (pack,) = report.packs
    assert {c.slug for c in pack.careers} == {"data-wrangler", "pipeline-builder"}
    types = {item.type for skill in pack.skills for item in skill.items}
    assert types == {
        "single_choice",
        "multiple_choice",
        "true_false",
        "numeric",
        "ordering",
        "short_text",
    }


def test_lesson_markdown_is_read_from_the_skill_folder() -> None:
    (pack,) = read_packs([FIXTURE]).packs
    skill = next(s for s in pack.skills if s.id == "python-basics")
    assert skill.lesson.startswith("# Python basics")


def test_builtin_packs_are_valid_without_warnings() -> None:
    report = read_packs(builtin_pack_dirs())
    assert report.ok, messages(report.problems)
    assert report.warnings == []
    assert any(c.slug == "ai-engineering-architect" for p in report.packs for c in p.careers)


def test_yaml_lines_are_remembered_for_nested_values() -> None:
    located, problems = parse("a:\n  b:\n    - x\n    - y\n", file="f.yaml")
    assert problems == [] and located is not None
    assert located.line(("a", "b", 1)) == 4
    assert located.line(("a", "b", 1, "missing")) == 4


def test_duplicate_yaml_key_is_a_problem() -> None:
    _, problems = parse("a: 1\na: 2\n", file="f.yaml")
    assert [str(p) for p in problems] == ["f.yaml:2: duplicate key 'a'"]


def test_five_planted_errors_are_all_reported_with_file_and_line(pack: Path) -> None:
    skills = pack / "skills"
    # 1. bad YAML
    (skills / "sql-basics" / "skill.yaml").write_text("id: sql-basics\ntitle: [unclosed\n")
    # 2. unknown field, 3. missing required field
    text = (skills / "python-basics" / "skill.yaml").read_text()
    text = text.replace("hours: 4\n", "hours: 4\ncolour: blue\n").replace(
        "summary: Values, lists and functions.\n", ""
    )
    (skills / "python-basics" / "skill.yaml").write_text(text)
    # 4. cycle: data-cleaning <-> pipeline-orchestration
    path = skills / "data-cleaning" / "skill.yaml"
    path.write_text(
        path.read_text().replace(
            "prerequisites: [python-basics, sql-basics]",
            "prerequisites: [python-basics, pipeline-orchestration]",
        )
    )
    # 5. salary min > max
    career = pack / "careers" / "pipeline-builder.yaml"
    career.write_text(career.read_text().replace("salary: {min: 80000", "salary: {min: 180000"))

    report = read_packs([pack])
    found = messages(report.problems)
    assert not report.ok
    expect = [
        f"{skills}/sql-basics/skill.yaml:3: invalid YAML: expected ',' or ']', but got "
        "'<stream end>' (while parsing a flow sequence on line 2)",
        f"{skills}/python-basics/skill.yaml:4 colour: unknown field",
        f"{skills}/python-basics/skill.yaml:1 summary: Field required",
        f"{skills}/data-cleaning/skill.yaml:5 prerequisites: prerequisite cycle: "
        "data-cleaning → pipeline-orchestration → data-cleaning",
        f"{pack}/careers/pipeline-builder.yaml:6 salary: salary min (180000) is greater than max",
    ]
    for start in expect:
        assert any(line.startswith(start) for line in found), (start, found)
    assert len(found) == 5, found


def test_duplicate_skill_id_and_dangling_prerequisite(pack: Path) -> None:
    clone = pack / "skills" / "copy"
    shutil.copytree(pack / "skills" / "sql-basics", clone)
    path = pack / "skills" / "pipeline-orchestration" / "skill.yaml"
    path.write_text(path.read_text().replace("[data-cleaning]", "[data-cleaning, nowhere]"))
    found = messages(read_packs([pack]).problems)
    assert f"{clone}/skill.yaml:1 id: must match its folder 'copy'" in found
    assert f"{path}:5 prerequisites.1: unknown prerequisite 'nowhere'" in found


def test_duplicate_skill_across_packs(pack: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(FIXTURE, other)
    (other / "pack.yaml").write_text('id: other\nversion: "1"\ntitle: Other\n')
    shutil.rmtree(other / "careers")
    found = messages(read_packs([pack, other]).problems)
    assert any("duplicate id 'sql-basics', also in" in line for line in found)


def test_item_shape_errors_name_the_item(pack: Path) -> None:
    path = pack / "skills" / "python-basics" / "skill.yaml"
    path.write_text(
        path.read_text().replace("- {id: b, text: list, correct: true}", "- {id: b, text: list}")
    )
    found = messages(read_packs([pack]).problems)
    assert any(
        line.startswith(f"{path}:19 items.1: a single_choice item needs exactly one correct")
        for line in found
    ), found


def test_unknown_objective_and_stage_skill(pack: Path) -> None:
    path = pack / "skills" / "data-cleaning" / "skill.yaml"
    path.write_text(path.read_text().replace("objectives: [dupes]", "objectives: [nope]"))
    career = pack / "careers" / "pipeline-builder.yaml"
    career.write_text(
        career.read_text().replace(
            "skills: [pipeline-orchestration]", "skills: [pipeline-orchestra]"
        )
    )
    found = messages(read_packs([pack]).problems)
    assert f"{path}:12 items.0.objectives: unknown objective 'nope'" in found
    assert f"{career}:25 stages.1.skills.0: unknown skill 'pipeline-orchestra'" in found


def test_missing_pack_file_is_reported(tmp_path: Path) -> None:
    report = read_packs([tmp_path])
    assert messages(report.problems) == [f"{tmp_path}: not a content pack: pack.yaml is missing"]


def test_a_correct_option_cannot_carry_a_misconception() -> None:
    with pytest.raises(ValidationError, match="a correct option has no misconception"):
        Option(id="a", text="cd ~", correct=True, misconception="thinks ~ is the root")


def test_explanation_problems_name_the_file_and_line(pack: Path) -> None:
    bank = pack / "skills" / "python-basics" / "explanations.md"
    words = " ".join(["word"] * 70)
    bank.write_text(
        "# Questions\n\n"
        "## Why?\nSources: lesson#no-such-section\n\n" + words + "\n\n"
        "## Too short?\nSources: lesson#introduction\n\nOnly a few words.\n\n"
        "## No sources?\n\n" + words + "\n"
    )
    report = read_packs([pack])
    found = {(Path(p.file).name, p.line, p.message) for p in report.problems}
    assert ("explanations.md", 3, "'Why?': unknown source 'lesson#no-such-section'") in found
    assert ("explanations.md", 8, "'Too short?': the answer has 4 words; write 60–200") in found
    assert any(
        line == 13 and "the line after the question must be `Sources: …`" in message
        for _, line, message in found
    )
    assert not report.packs  # nothing half-read


def _with_certification(pack: Path, fields: str) -> Path:
    """The fixture career with its certification's dated facts replaced by `fields`."""
    career = pack / "careers" / "data-wrangler.yaml"
    text = career.read_text()
    start = text.index("    exam_code: FDC-01\n")
    end = text.index("faq:\n")
    career.write_text(text[:start] + fields + text[end:])
    return career


def _certification_line(career: Path) -> int:
    lines = career.read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if "- name: Fixture Data Certificate" in line)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ("    as_of: 2026-13-01\n", "as_of", "'2026-13-01' is not a date on the calendar"),
        ("    as_of: 1 May 2026\n", "as_of", "give a date as YYYY-MM-DD, not '1 May 2026'"),
        ("    as_of: 2026-05-01\n    status: dormant\n", "status", "Input should be 'active'"),
    ],
)
def test_a_bad_certification_date_or_status_names_the_field_and_line(
    pack: Path, fields: str, field: str, message: str
) -> None:
    career = _with_certification(pack, fields)
    line = next(n for n, text in enumerate(career.read_text().splitlines(), 1) if field in text)
    (problem,) = messages(read_packs([pack]).problems)
    assert problem.startswith(f"{career}:{line} certifications.0.{field}: {message}"), problem


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            "    as_of: 2026-05-01\n    successor: Something Newer\n",
            "a successor needs status: retiring or status: retired",
        ),
        (
            "    as_of: 2026-05-01\n    retires_on: 2026-12-31\n",
            "retires_on needs status: retiring or status: retired",
        ),
        ("    status: retired\n", "a status is a dated fact: give as_of"),
        (
            "    as_of: 2026-05-01\n    status: retiring\n",
            "a retiring certification needs retires_on",
        ),
        (
            "    as_of: 2026-05-01\n    status: retiring\n    retires_on: 2026-03-31\n",
            "retires_on 2026-03-31 is before as_of 2026-05-01: status is retired",
        ),
        (
            "    as_of: 2026-05-01\n    status: retired\n    retires_on: 2026-06-30\n",
            "retires_on 2026-06-30 is after as_of 2026-05-01: status is retiring",
        ),
    ],
)
def test_certification_facts_that_disagree_are_errors(
    pack: Path, fields: str, message: str
) -> None:
    career = _with_certification(pack, fields)
    (problem,) = messages(read_packs([pack]).problems)
    line = _certification_line(career)
    assert problem.startswith(f"{career}:{line} certifications.0: {message}"), problem


def test_a_dated_certification_loads_with_its_facts(pack: Path) -> None:
    _with_certification(
        pack,
        "    exam_code: FDC-01\n    as_of: 2026-05-01\n    status: retired\n"
        "    retires_on: 2026-03-31\n    successor: Fixture Data Certificate II\n",
    )
    report = read_packs([pack])
    assert report.ok, report.problems
    career = next(c for c in report.packs[0].careers if c.slug == "data-wrangler")
    (cert,) = career.certifications
    assert (cert.exam_code, cert.as_of, cert.status, cert.retires_on, cert.successor) == (
        "FDC-01",
        date(2026, 5, 1),
        "retired",
        date(2026, 3, 31),
        "Fixture Data Certificate II",
    )


def test_an_undated_certification_is_still_valid(pack: Path) -> None:
    _with_certification(pack, "")
    assert read_packs([pack]).ok


def test_other_phrasings_are_read_checked_and_exported(pack: Path, tmp_path: Path) -> None:
    folder = pack / "skills" / "python-basics"
    folder.joinpath("asked.yaml").write_text(
        'https://docs.python.org/3/tutorial/:\n  - "where is the official tutorial"\n'
    )
    report = read_packs([pack])
    assert report.ok, messages(report.problems)
    skill = next(s for s in report.packs[0].skills if s.id == "python-basics")
    tutorial = "https://docs.python.org/3/tutorial/"
    assert skill.asked == {tutorial: ["where is the official tutorial"]}
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"packs": [report.packs[0].model_dump(mode="json")]}))
    again = read_packs([export])
    assert again.ok and again.packs[0] == report.packs[0]
    assert Skill.from_data(skill.model_dump(mode="json")).asked == (
        ("https://docs.python.org/3/tutorial/", ("where is the official tutorial",)),
    )


def test_other_phrasings_problems_name_the_file_and_line(pack: Path, tmp_path: Path) -> None:
    folder = pack / "skills" / "python-basics"
    folder.joinpath("asked.yaml").write_text(
        "lesson#no-such-section:\n  - lost\n"
        'https://docs.python.org/3/tutorial/:\n  - "the tutorial"\n  - "The tutorial"\n'
        f'  - "{"x" * 201}"\n'
        "q#why-can-i-change-a-list-but-not-a-tuple: []\n"
    )
    report = read_packs([pack])
    found = {(Path(p.file).name, p.line, p.message) for p in report.problems}
    assert ("asked.yaml", 1, "'lesson#no-such-section' names none of the skill's units") in found
    assert ("asked.yaml", 5, "'The tutorial' repeats") in found
    assert ("asked.yaml", 6, "expected a phrasing of 1–200 characters") in found
    assert ("asked.yaml", 7, "expected a list of phrasings") in found
    assert not report.packs  # nothing half-read
    good = read_packs([FIXTURE]).packs[0].model_dump(mode="json")
    good["skills"][0]["asked"] = {"lesson#nowhere": ["a phrasing"]}
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"packs": [good]}))
    assert any("'lesson#nowhere' names none" in m for m in messages(read_packs([export]).problems))
