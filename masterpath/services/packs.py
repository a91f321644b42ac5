"""Validate content packs and install them, all or nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from masterpath.content import quality as content_quality
from masterpath.content.loader import Report, builtin_pack_dirs, pack_ids, read_packs
from masterpath.content.schema import Pack
from masterpath.domain.content import ItemId
from masterpath.errors import ContentError, Problem
from masterpath.services import Context
from masterpath.store import Tx, migrate
from masterpath.store import content as store


@dataclass(frozen=True)
class Installed:
    pack_id: str
    version: str
    changed: bool
    counts: dict[str, int]


@cache
def _builtin_skill_ids() -> frozenset[str]:
    report = read_packs(builtin_pack_dirs())
    return frozenset(skill.id for pack in report.packs for skill in pack.skills)


def validate(paths: Sequence[Path]) -> Report:
    """Check packs on disk; prerequisites may name skills of the built-in packs."""
    builtin = {p.resolve() for p in builtin_pack_dirs()}
    known = set() if {Path(p).resolve() for p in paths} <= builtin else _builtin_skill_ids()
    return read_packs(list(paths), known_skills=known)


def summary(report: Report) -> dict[str, int]:
    skills = [skill for pack in report.packs for skill in pack.skills]
    return {
        "careers": sum(len(pack.careers) for pack in report.packs),
        "skills": len(skills),
        "items": sum(len(skill.items) for skill in skills),
        "cards": sum(len(skill.flashcards) for skill in skills),
    }


def quality(
    paths: Sequence[Path], *, links: Path | None
) -> tuple[dict[str, Any], list[Problem], str]:
    """Counts and authoring problems of packs on disk (the built-in packs when none given)."""
    report = validate(list(paths) or builtin_pack_dirs())
    if not report.ok:
        raise ContentError(
            "the packs do not validate; run `masterpath content validate`", problems=report.problems
        )
    listed, notice = None, ""
    if links is not None and links.is_file():
        listed = content_quality.listed_links(links.read_text(encoding="utf-8"))
    else:
        notice = f"{links} not found: resource URLs were not checked against it"
    return (
        content_quality.stats(report.packs),
        content_quality.check(report.packs, links=listed),
        notice,
    )


def install(ctx: Context, paths: Sequence[Path]) -> list[Installed]:
    """Load packs into the database in one transaction; any problem changes nothing."""
    with ctx.db.begin() as tx:
        loading = {found for path in paths for found in pack_ids(path)}
        others = {skill.id for skill in store.skills(tx) if skill.pack_id not in loading}
        report = read_packs(list(paths), known_skills=others)
        if not report.ok:
            raise ContentError(
                f"{len(report.problems)} problem(s) in the content; nothing was loaded",
                problems=report.problems,
            )
        return [_install_pack(ctx, tx, pack) for pack in report.packs]


def install_builtin(ctx: Context) -> list[Installed]:
    return install(ctx, [*builtin_pack_dirs(), *ctx.settings.extra_packs])


def prepare(ctx: Context) -> list[Installed]:
    """Migrate and install the configured packs, once, under the install-wide lock."""
    with migrate.exclusive(ctx.db) as connection:
        migrate.upgrade(ctx.db, connection)
        return install_builtin(ctx)


def warm(ctx: Context) -> None:
    """Fill this process's content caches, as a worker does when it starts."""
    with ctx.db.begin() as tx:
        store.warm(tx)


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _install_pack(ctx: Context, tx: Tx, pack: Pack) -> Installed:
    now = ctx.clock.now()
    data = pack.model_dump(mode="json")
    digest = _digest(data)
    counts = {
        "careers": len(pack.careers),
        "skills": len(pack.skills),
        "items": sum(len(s.items) for s in pack.skills),
        "cards": sum(len(s.flashcards) for s in pack.skills),
    }
    existing = store.pack(tx, pack.info.id)
    if existing is not None and existing.content_hash == digest:
        return Installed(pack.info.id, pack.info.version, False, counts)
    _check_ownership(tx, pack)
    version = pack.info.version
    store.save_pack(
        tx,
        pack_id=pack.info.id,
        version=version,
        title=pack.info.title,
        description=pack.info.description,
        language=pack.info.language,
        content_hash=digest,
        now=now,
        summary=counts,
    )
    fresh = _rows(pack)
    for kind, rows in fresh.items():
        for key in store.keys(tx, kind, pack_id=pack.info.id) - rows.keys():
            store.retire(tx, kind, key, now=now)
    for kind in ("career", "skill", "item", "card"):
        for key, values in fresh[kind].items():
            store.upsert(tx, kind, key, values)
            if kind in ("item", "card"):
                store.add_revision(
                    tx,
                    kind=kind,
                    ref=key,
                    pack_version=version,
                    content_hash=values["content_hash"],
                    data=values["data"],
                    now=now,
                )
        store.flush(tx)
    return Installed(pack.info.id, version, True, counts)


def _check_ownership(tx: Tx, pack: Pack) -> None:
    owned = {row.id: row.pack_id for row in store.skills(tx)}
    clashes = [
        Problem(
            f"skill {skill.id!r} already belongs to pack {owned[skill.id]!r}",
            field=f"{pack.info.id}/skills/{skill.id}",
        )
        for skill in pack.skills
        if owned.get(skill.id, pack.info.id) != pack.info.id
    ]
    if clashes:
        raise ContentError("skill ids clash with another installed pack", problems=clashes)


def _rows(pack: Pack) -> dict[str, dict[str, dict[str, Any]]]:
    rows: dict[str, dict[str, dict[str, Any]]] = {"career": {}, "skill": {}, "item": {}, "card": {}}
    for career in pack.careers:
        rows["career"][career.slug] = {
            "pack_id": pack.info.id,
            "title": career.title,
            "data": career.model_dump(mode="json"),
        }
    for skill in pack.skills:
        body = skill.model_dump(mode="json")
        rows["skill"][skill.id] = {"pack_id": pack.info.id, "title": skill.title, "data": body}
        for item in skill.items:
            data = item.model_dump(mode="json")
            rows["item"][str(ItemId(skill.id, item.id))] = {
                "skill_id": skill.id,
                "item_type": item.type.value,
                "assessment_only": item.assessment_only,
                "data": data,
                "content_hash": _digest(data),
            }
        for card in skill.flashcards:
            data = card.model_dump(mode="json")
            rows["card"][str(ItemId(skill.id, card.id))] = {
                "skill_id": skill.id,
                "data": data,
                "content_hash": _digest(data),
            }
    return rows


def export(ctx: Context) -> dict[str, Any]:
    """Every installed pack as one JSON document (with answer keys: for authors and admins)."""
    with ctx.db.begin() as tx:
        return {
            "format": "masterpath-packs",
            "version": 1,
            "packs": [
                {
                    "info": {
                        "id": row.id,
                        "version": row.version,
                        "title": row.title,
                        "description": row.description,
                        "language": row.language,
                    },
                    "careers": [
                        c.data
                        for c in sorted(store.careers(tx, pack_id=row.id), key=lambda c: c.slug)
                    ],
                    "skills": [s.data for s in store.skills(tx, pack_id=row.id)],
                }
                for row in store.packs(tx)
            ],
        }
