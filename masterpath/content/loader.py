"""Read a content-pack folder into a validated Pack, collecting every problem at once.

Layout of a pack folder:

    pack.yaml                   id, version, title, description
    careers/<slug>.yaml         one career guide each
    skills/<id>/skill.yaml      one skill each, with its items, cards and task
    skills/<id>/lesson.md       the skill's lesson (Markdown)
    skills/<id>/explanations.md questions learners ask, answered (see content/explanations.py)
    skills/<id>/asked.yaml      optional: other ways learners ask what each unit answers
                                (see content/asked.py)
    skills/<id>/lab.md          optional: the skill's hands-on lab (see content/labs.py)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from masterpath.content import asked, explanations, labs
from masterpath.content.schema import Career, Pack, PackInfo, Skill
from masterpath.content.source import Located, Path_, parse
from masterpath.domain import graph
from masterpath.errors import Problem

BUILTIN = Path(__file__).parent / "packs"
M = TypeVar("M", bound=BaseModel)


@dataclass
class Report:
    """The outcome of reading packs: the packs, and the problems and warnings found."""

    packs: list[Pack] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Read:
    info: PackInfo | None = None
    careers: list[tuple[Career, Located]] = field(default_factory=list)
    skills: list[tuple[Skill, Located]] = field(default_factory=list)
    broken: list[tuple[str, list[str], Located]] = field(default_factory=list)


def builtin_pack_dirs() -> list[Path]:
    return sorted(p.parent for p in BUILTIN.glob("*/pack.yaml"))


def pack_ids(root: Path) -> set[str]:
    """The ids a pack folder or export file declares (empty when unreadable)."""
    path = root if root.is_file() else root / "pack.yaml"
    try:
        located, _ = parse(path.read_text(encoding="utf-8"), file=str(path))
    except OSError:
        return set()
    data = located.data if located else None
    if root.is_file() and isinstance(data, dict) and isinstance(data.get("packs"), list):
        infos = [p.get("info") for p in data["packs"] if isinstance(p, dict)]
        return {str(i["id"]) for i in infos if isinstance(i, dict) and "id" in i}
    return {str(data["id"])} if isinstance(data, dict) and "id" in data else set()


def read_packs(roots: Sequence[Path], *, known_skills: Iterable[str] = ()) -> Report:
    """Validate the packs together: references may cross them, or name `known_skills`."""
    report = Report()
    reads: list[_Read] = []
    for root in map(Path, roots):
        if root.is_file():
            reads += _read_export(root, report.problems)
        else:
            reads.append(_read_folder(root, report.problems))
    careers = [pair for read in reads for pair in read.careers]
    skills = [pair for read in reads for pair in read.skills]
    broken = [entry for read in reads for entry in read.broken]
    _check_ids(careers, skills, report.problems)
    _check_graph(careers, skills, broken, set(known_skills), report)
    if report.ok:
        for read in reads:
            assert read.info is not None
            report.packs.append(
                Pack(
                    info=read.info,
                    careers=[career for career, _ in read.careers],
                    skills=[skill for skill, _ in read.skills],
                )
            )
    return report


def _read_folder(root: Path, problems: list[Problem]) -> _Read:
    read = _Read()
    if not (root / "pack.yaml").is_file():
        problems.append(Problem("not a content pack: pack.yaml is missing", file=str(root)))
        return read
    found = _model(root / "pack.yaml", PackInfo, problems)
    read.info = found[0] if found else None
    for path in sorted((root / "careers").glob("*.yaml")):
        career = _model(path, Career, problems)
        if career:
            read.careers.append(career)
    for path in sorted((root / "skills").glob("*/skill.yaml")):
        skill = _model(path, Skill, problems, lesson=path.parent / "lesson.md")
        if skill is None:
            _keep_broken(path, read)
        elif skill[0].id != path.parent.name:
            problems.append(
                skill[1].problem(("id",), f"must match its folder {path.parent.name!r}")
            )
        elif skill:
            read.skills.append(skill)
    return read


def _keep_broken(path: Path, read: _Read) -> None:
    """Keep an invalid skill's id (its folder) and prerequisites so graph checks still run."""
    located, _ = parse(path.read_text(encoding="utf-8", errors="replace"), file=str(path))
    _keep_broken_data(located or Located(str(path), {}, {}), path.parent.name, read)


def _keep_broken_data(located: Located, skill_id: str, read: _Read) -> None:
    data = located.data
    pres = data.get("prerequisites") if isinstance(data, dict) else None
    if not (isinstance(pres, list) and all(isinstance(p, str) for p in pres)):
        pres = []
    if skill_id:
        read.broken.append((skill_id, pres, located))


def _read_export(path: Path, problems: list[Problem]) -> list[_Read]:
    """Packs from one JSON document written by `masterpath content export`."""
    try:
        located, found = parse(path.read_text(encoding="utf-8"), file=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(f"cannot read the file: {exc}", file=str(path)))
        return []
    problems.extend(found)
    data = located.data if located else None
    if located is None or not isinstance(data, dict) or not isinstance(data.get("packs"), list):
        problems.append(Problem("not a MasterPath export: no list of packs", file=str(path)))
        return []
    reads = []
    for n, entry in enumerate(data["packs"]):
        if not isinstance(entry, dict):
            problems.append(located.problem(("packs", n), "expected a pack"))
            continue
        read = _Read()
        info = _validate(located.sub(("packs", n, "info")), PackInfo, problems)
        read.info = info[0] if info else None
        for kind, model, target in (
            ("careers", Career, read.careers),
            ("skills", Skill, read.skills),
        ):
            for index in range(len(entry.get(kind) or [])):
                part = located.sub(("packs", n, kind, index))
                found_model = _validate(part, model, problems)
                if found_model:
                    target.append(found_model)  # type: ignore[arg-type]
                elif kind == "skills" and isinstance(part.data, dict):
                    _keep_broken_data(part, str(part.data.get("id", "")), read)
        reads.append(read)
    return reads


def _validate(
    located: Located, model: type[M], problems: list[Problem]
) -> tuple[M, Located] | None:
    if not isinstance(located.data, dict):
        problems.append(located.problem((), "expected a mapping of fields"))
        return None
    try:
        return model.model_validate(located.data), located
    except ValidationError as exc:
        problems.extend(_pydantic_problem(located, error) for error in exc.errors())
        return None


def _model(
    path: Path, model: type[M], problems: list[Problem], *, lesson: Path | None = None
) -> tuple[M, Located] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(f"cannot read the file: {exc}", file=str(path)))
        return None
    located, found = parse(text, file=str(path))
    problems.extend(found)
    if located is None:
        return None
    data = located.data
    if not isinstance(data, dict):
        problems.append(located.problem((), "expected a mapping of fields"))
        return None
    if lesson is not None and "lesson" not in data and lesson.is_file():
        data = {**data, "lesson": lesson.read_text(encoding="utf-8")}
    bank = lesson.parent / "explanations.md" if lesson is not None else None
    if bank is not None and "explanations" not in data and bank.is_file():
        bank_entries, trouble = explanations.read(bank, data)
        problems.extend(trouble)
        data = {**data, "explanations": bank_entries}
    phrasings = lesson.parent / "asked.yaml" if lesson is not None else None
    if phrasings is not None and "asked" not in data and phrasings.is_file():
        found_asked, trouble = asked.read(phrasings, data)
        problems.extend(trouble)
        data = {**data, "asked": found_asked}
    lab = lesson.parent / "lab.md" if lesson is not None else None
    if lab is not None and "lab" not in data and lab.is_file():
        found_lab, trouble = labs.read(lab)
        problems.extend(trouble)
        data = {**data, "lab": found_lab} if found_lab else data
    try:
        return model.model_validate(data), located
    except ValidationError as exc:
        problems.extend(_pydantic_problem(located, error) for error in exc.errors())
        return None


def _pydantic_problem(located: Located, error: Any) -> Problem:
    loc: Path_ = tuple(error["loc"])
    known = next(end for end in range(len(loc), -1, -1) if end == 0 or loc[:end] in located.lines)
    path = loc[:known]
    if error["type"] == "missing" and known < len(loc):
        path = (*path, loc[known])
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown field"
    return located.problem(path, message)


def _check_ids(
    careers: list[tuple[Career, Located]],
    skills: list[tuple[Skill, Located]],
    problems: list[Problem],
) -> None:
    keyed = [(c.slug, "slug", loc) for c, loc in careers] + [(s.id, "id", loc) for s, loc in skills]
    seen: dict[tuple[str, str], Located] = {}
    for key, name, located in keyed:
        if (name, key) in seen:
            other = seen[(name, key)].file
            problems.append(located.problem((name,), f"duplicate {name} {key!r}, also in {other}"))
        seen[(name, key)] = located
    for skill, located in skills:
        _check_skill(skill, located, problems)


def _check_skill(skill: Skill, located: Located, problems: list[Problem]) -> None:
    for name, ids in (
        ("objectives", [o.id for o in skill.objectives]),
        ("items", [i.id for i in skill.items]),
        ("flashcards", [c.id for c in skill.flashcards]),
    ):
        first: set[str] = set()
        for index, key in enumerate(ids):
            if key in first:
                problems.append(located.problem((name, index), f"duplicate id {key!r}"))
            first.add(key)
    units = skill.model_dump(include={"explanations", "lesson", "resources"})
    strangers = asked.unknown(units, list(skill.asked)) if skill.asked else []
    for key in strangers:
        problems.append(located.problem(("asked", key), f"{key!r} names none of the skill's units"))
    objectives = {o.id for o in skill.objectives}
    for index, item in enumerate(skill.items):
        for ref in item.objectives:
            if ref not in objectives:
                path: Path_ = ("items", index, "objectives")
                problems.append(located.problem(path, f"unknown objective {ref!r}"))


def _check_graph(
    careers: list[tuple[Career, Located]],
    skills: list[tuple[Skill, Located]],
    broken: list[tuple[str, list[str], Located]],
    known: set[str],
    report: Report,
) -> None:
    refs = [(s.id, list(s.prerequisites), loc) for s, loc in skills] + broken
    where = {skill_id: located for skill_id, _, located in refs}
    prereqs = {skill_id: pres for skill_id, pres, _ in refs}
    exists = set(where) | known
    for _, pres, located in refs:
        for index, pre in enumerate(pres):
            if pre not in exists:
                path: Path_ = ("prerequisites", index)
                report.problems.append(located.problem(path, f"unknown prerequisite {pre!r}"))
    _check_item_skills(skills, exists, report.problems)
    for loop in graph.cycles(prereqs):
        located = where[loop[0]]
        chain = " → ".join([*loop, loop[0]])
        report.problems.append(located.problem(("prerequisites",), f"prerequisite cycle: {chain}"))
    for career, located in careers:
        _check_career(career, located, exists, report.problems)
        stages = [stage.skills for stage in career.stages]
        for index, skill_id in graph.unanchored(prereqs, stages):
            report.warnings.append(
                located.problem(
                    ("stages", index, "skills"),
                    f"skill {skill_id!r} has no prerequisite path back to stage {index}",
                )
            )


def _check_item_skills(
    skills: list[tuple[Skill, Located]], exists: set[str], problems: list[Problem]
) -> None:
    for skill, located in skills:
        for index, item in enumerate(skill.items):
            for ref in item.also_skills:
                if ref not in exists:
                    path: Path_ = ("items", index, "also_skills")
                    problems.append(located.problem(path, f"unknown skill {ref!r}"))


def _check_career(
    career: Career, located: Located, exists: set[str], problems: list[Problem]
) -> None:
    placed: set[str] = set()
    for s_index, stage in enumerate(career.stages):
        for index, skill_id in enumerate(stage.skills):
            path: Path_ = ("stages", s_index, "skills", index)
            if skill_id not in exists:
                problems.append(located.problem(path, f"unknown skill {skill_id!r}"))
            elif skill_id in placed:
                problems.append(located.problem(path, f"skill {skill_id!r} is in two stages"))
            placed.add(skill_id)
    for group in ("certifications", "interview"):
        for g_index, entry in enumerate(getattr(career, group)):
            for index, skill_id in enumerate(entry.skills):
                if skill_id not in exists:
                    path = (group, g_index, "skills", index)
                    problems.append(located.problem(path, f"unknown skill {skill_id!r}"))
