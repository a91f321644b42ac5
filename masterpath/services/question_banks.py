"""Moodle question banks: the installed items out as GIFT or Moodle XML, and a GIFT or Moodle
XML file in as a content pack folder (one skill holding every item that mapped) that
`masterpath content validate` and `masterpath content load` accept.

Importing writes files only; loading the pack is a separate, deliberate step (`content load`),
so an author can read and edit the items (add objectives, hints, difficulty) first.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from masterpath.content.loader import read_packs
from masterpath.errors import ContentError, InvalidInput, Problem
from masterpath.interop import bank as banks
from masterpath.interop import gift, moodle_xml
from masterpath.services import Context, packs

FORMATS = ("gift", "moodle-xml")
MAX_BYTES = 50 * 1024 * 1024
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Exported:
    text: str
    items: int
    left_out: list[str] = field(default_factory=list)  # items the format cannot carry


@dataclass(frozen=True)
class Imported:
    out: Path
    skill_id: str
    items: int
    skipped: list[Problem]


def _installed(ctx: Context) -> list[tuple[str, list[dict[str, Any]]]]:
    document = packs.export(ctx)
    return [
        (skill["id"], list(skill.get("items", [])))
        for pack in document["packs"]
        for skill in pack["skills"]
    ]


def export(ctx: Context, *, fmt: str) -> Exported:
    """Every installed item in `fmt` ("gift" or "moodle-xml"), grouped by skill as categories."""
    return write(_installed(ctx), fmt=fmt)


def write(skills: list[tuple[str, list[dict[str, Any]]]], *, fmt: str) -> Exported:
    count = sum(len(items) for _, items in skills)
    if fmt == "gift":
        text, left_out = gift.write(skills)
        return Exported(text, count - len(left_out), left_out)
    if fmt == "moodle-xml":
        return Exported(moodle_xml.write(skills), count)
    raise InvalidInput(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def _text(path: Path) -> str:
    if path.stat().st_size > MAX_BYTES:
        raise InvalidInput(f"{path.name}: larger than {MAX_BYTES // (1024 * 1024)} MiB; refused")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = Problem("the file is not UTF-8 text", path.name, line)
        raise InvalidInput(f"{path.name}:{line}: not UTF-8 text", problems=[problem]) from None


def read(path: Path, *, fmt: str) -> banks.Bank:
    text = _text(path)
    if fmt == "gift":
        return gift.read(text, file=path.name)
    if fmt == "moodle-xml":
        return moodle_xml.read(text, file=path.name)
    raise InvalidInput(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def _unique(found: banks.Bank) -> list[dict[str, Any]]:
    """The items with ids unique in one skill (categories may repeat an id)."""
    taken: set[str] = set()
    items = []
    for item in found.items:
        item["id"] = banks.local_id(item["id"], taken, 0)
        items.append(item)
    return items


def import_bank(
    path: Path, *, fmt: str, skill_id: str, out: Path, title: str = "", today: date
) -> Imported:
    """Write `path`'s items as a content pack at `out` (a new folder), all or nothing."""
    if not SLUG.fullmatch(skill_id):
        raise InvalidInput(f"--skill: {skill_id!r} is not a skill id (lowercase words and hyphens)")
    if out.exists() and any(out.iterdir()):
        raise InvalidInput(f"--out: {out} exists and is not empty; nothing was written")
    found = read(path, fmt=fmt)
    if not found.items:
        raise InvalidInput(
            f"{path.name}: no question could be mapped to an item", problems=found.skipped
        )
    items = _unique(found)
    skill: dict[str, Any] = {
        "id": skill_id,
        "title": title or f"Questions from {path.name}",
        "summary": f"Questions imported from {path.name} ({fmt}).",
        "hours": 1,
        "objectives": [{"id": banks.OBJECTIVE, "text": f"Answer the questions of {path.name}."}],
        "items": items,
    }
    info = {
        "id": f"imported-{skill_id}"[:60],
        "version": today.isoformat(),
        "title": title or f"Imported from {path.name}",
        "description": f"Items imported from {path.name} ({fmt}) by masterpath.",
    }
    _write_pack(out, info, skill)
    return Imported(out, skill_id, len(items), found.skipped)


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _write_pack(out: Path, info: dict[str, Any], skill: dict[str, Any]) -> None:
    """Write and validate in a folder beside `out`, then move it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=out.parent))
    try:
        (staging / "pack.yaml").write_text(_dump(info), encoding="utf-8")
        folder = staging / "skills" / skill["id"]
        folder.mkdir(parents=True)
        (folder / "skill.yaml").write_text(_dump(skill), encoding="utf-8")
        report = read_packs([staging])
        if not report.ok:
            raise ContentError("the imported pack does not validate", problems=report.problems)
        if out.exists():
            out.rmdir()
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
