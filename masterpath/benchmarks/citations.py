"""How often the mentor's first citation is the right lesson section, on labelled questions.

Each question names a skill of the built-in packs and the `## ` section of its lesson that
answers it (or none, when it lies outside the skill's content). The mentor's retrieval
(`domain/retrieval`) is built per skill from the same passages the mentor uses, and its first
hit is compared with the labelled section, or with the other sections labelled acceptable.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import yaml

from masterpath.domain import retrieval
from masterpath.errors import ContentError
from masterpath.services import packs

PACKS = Path(__file__).parents[1] / "content" / "packs"


def _skills() -> dict[str, dict[str, Any]]:
    report = packs.validate(sorted(p.parent for p in PACKS.glob("*/pack.yaml")))
    if not report.ok:
        raise ContentError("the built-in packs do not validate", problems=report.problems)
    return {s.id: s.model_dump(mode="json") for pack in report.packs for s in pack.skills}


def _questions(path: Path, skills: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for number, row in enumerate(rows, start=1):
        if row.get("skill") not in skills:
            raise ContentError(f"{path}: question {number} names no built-in skill")
        headings = {h for h, _ in retrieval.sections(skills[row["skill"]]["lesson"])}
        for section in [row.get("section"), *row.get("also", [])]:
            if section is not None and section not in headings:
                raise ContentError(
                    f"{path}: question {number}: {row['skill']} has no section {section!r}"
                )
    return rows


def run(questions: Path) -> dict[str, Any]:
    skills = _skills()
    rows = _questions(questions, skills)
    indexes = {
        s: retrieval.build(retrieval.passages(skills[s])) for s in {r["skill"] for r in rows}
    }
    inside = right = outside = recognised = invented = 0
    misses: list[dict[str, str]] = []
    started = time.perf_counter()
    for row in rows:
        hits = retrieval.search(indexes[row["skill"]], row["question"])
        first = hits[0].passage.id if hits else None
        if row.get("section") is None:
            outside += 1
            recognised += first is None
            continue
        inside += 1
        wanted = {f"lesson#{retrieval.anchor(s)}" for s in [row["section"], *row.get("also", [])]}
        if first in wanted:
            right += 1
            continue
        invented += first is None
        misses.append({"skill": row["skill"], "question": row["question"], "cited": first or ""})
    seconds = time.perf_counter() - started
    return {
        "questions": len(rows),
        "skills": len(indexes),
        "first_citation_right": right,
        "answerable": inside,
        "accuracy": round(right / inside, 4) if inside else 0.0,
        "said_outside_wrongly": invented,
        "outside": outside,
        "outside_recognised": recognised,
        "ms_per_question": round(1000 * seconds / max(1, len(rows)), 3),
        "misses": misses,
    }
