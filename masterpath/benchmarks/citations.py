"""`masterpath bench citations`: is the mentor's first citation the right one?

Each labelled question names the skill page it is asked on. It is answered the way the mentor
answers (services `knowledge` and `mentor.context`: hybrid retrieval over every installed skill,
isolation included) and its first citation is compared with the labels:

- the tuning set (`tests/fixtures/mentor_questions.yaml`, written by the developers): a lesson
  `section` heading of the skill (an explanation resting first on that section counts), or
  `section: null` for a question outside the installed content;
- an independent set (`--independent`: `questions.yaml` written by one author who never saw the
  explanation bank, `labels.yaml` by a second who never saw a reply): any labelled unit id
  counts; `answers: []` means nothing installed answers it.

Figures carry Wilson 95% intervals. `--sweep` tries fusion weights on the tuning set only.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from masterpath.benchmarks.gate import wilson
from masterpath.domain import retrieval
from masterpath.errors import ContentError
from masterpath.services import Context, knowledge, meaning
from masterpath.services.mentor import context

NOTHING_OPEN = context.Open([], {})
_QUERIES: dict[str, Any] = {}  # the sweep's question vectors, computed once


def tuning(path: Path) -> list[dict[str, Any]]:
    """The developers' set, as (skill, question, acceptable ids or None for outside)."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    found = []
    for row in rows:
        heads = [row.get("section"), *row.get("also", [])]
        wanted = {f"{row['skill']}/lesson#{retrieval.anchor(h)}" for h in heads if h}
        found.append(
            {
                "skill": row["skill"],
                "question": row["question"],
                "answers": sorted(wanted),
                "sections": True,
            }
        )
    return found


def independent(folder: Path) -> list[dict[str, Any]]:
    questions = yaml.safe_load((folder / "questions.yaml").read_text(encoding="utf-8")) or []
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8")) or []
    by_n = {int(label["n"]): label for label in labels}
    if len(by_n) != len(questions):
        raise ContentError(f"{folder}: {len(questions)} questions but {len(by_n)} labels")
    return [
        {
            "skill": q["skill"],
            "question": q["question"],
            "answers": by_n[n]["answers"] or [],
            "scope": q.get("scope", "in"),
            "sections": False,
        }
        for n, q in enumerate(questions)
    ]


def _right(first: context.Source | None, row: dict[str, Any], know: knowledge.Knowledge) -> bool:
    if first is None:
        return False
    if first.id in row["answers"]:
        return True
    if row["sections"] and first.kind == "answer":  # the tuning set labels sections only
        unit = next(u for u in know.index.units if u.id == first.id)
        rests = [f"{unit.skill}/{s}" for s in unit.sources[:1]]
        return bool(rests) and rests[0] in row["answers"]
    return False


def _first(
    ctx: Context, row: dict[str, Any], weights: retrieval.Weights, *, fast: bool
) -> context.Source | None:
    """The reply's first citation, as the mentor makes it; `fast` (the sweep) ranks only, which
    gives the same first unit when no item is open."""
    know = knowledge.get(ctx)
    if fast:
        asked = retrieval.respelled(know.index, row["question"])
        if asked not in _QUERIES:
            _QUERIES[asked] = meaning.one(ctx, asked)
        query = _QUERIES[asked]
        hits = retrieval.search(
            know.index, asked, query=query, skill=row["skill"], limit=1, weights=weights
        )
        unit = hits[0].unit if hits else None
        return context.Source(unit.id, unit.title, "", kind=unit.kind) if unit else None
    found, _ = context.sources(
        ctx, know, question=row["question"], skill=row["skill"], found=NOTHING_OPEN, weights=weights
    )
    return found[0] if found else None


def score(
    ctx: Context,
    rows: list[dict[str, Any]],
    weights: retrieval.Weights = retrieval.WEIGHTS,
    *,
    fast: bool = False,
) -> dict[str, Any]:
    know = knowledge.get(ctx)
    right = inside = outside = recognised = invented = 0
    misses: list[dict[str, str]] = []
    started = time.perf_counter()
    for row in rows:
        first = _first(ctx, row, weights, fast=fast)
        if not row["answers"]:
            outside += 1
            recognised += first is None
            if first is not None:  # answered from a unit: the miss is the reply itself
                miss = {"skill": row["skill"], "question": row["question"], "cited": first.id}
                misses.append({**miss, "wanted": ""})
            continue
        inside += 1
        if _right(first, row, know):
            right += 1
            continue
        invented += first is None
        cited = first.id if first else ""
        misses.append(
            {
                "skill": row["skill"],
                "question": row["question"],
                "cited": cited,
                "wanted": row["answers"][0],
            }
        )
    seconds = time.perf_counter() - started
    return {
        "questions": len(rows),
        "answerable": inside,
        "first_citation_right": right,
        "accuracy": round(right / inside, 4) if inside else 0.0,
        "accuracy_ci95": wilson(right, inside),
        "said_outside_wrongly": invented,
        "said_outside_wrongly_share": round(invented / inside, 4) if inside else 0.0,
        "said_outside_wrongly_ci95": wilson(invented, inside),
        "outside": outside,
        "outside_recognised": recognised,
        "outside_recognised_share": round(recognised / outside, 4) if outside else 0.0,
        "outside_recognised_ci95": wilson(recognised, outside),
        "ms_per_question": round(1000 * seconds / max(1, len(rows)), 3),
        "misses": misses,
    }


def sweep(ctx: Context, rows: list[dict[str, Any]], progress: Callable[[str], None]) -> list[Any]:
    """Fusion weights tried on the tuning set, best first (accuracy, then outside handling)."""
    tried = []
    grid = itertools.product(
        (0.5, 1.0, 2.0),
        (0.0, 0.004, 0.01),
        (0.5, 1.0),
        (0.8, 1.0, 1.25),
        (0.4,),
        (0.5, 0.55),
        (0.8,),
    )
    for meaning_w, same, resource, answer, outside, high, cover in grid:
        weights = replace(
            retrieval.WEIGHTS,
            meaning=meaning_w,
            same_skill=same,
            resource=resource,
            answer=answer,
            outside=outside,
            outside_high=high,
            outside_coverage=cover,
        )
        got = score(ctx, rows, weights, fast=True)
        balanced = (
            got["accuracy"] + got["outside_recognised_share"] - got["said_outside_wrongly_share"]
        )
        tried.append(
            {
                "meaning": meaning_w,
                "same_skill": same,
                "resource": resource,
                "answer": answer,
                "outside": outside,
                "outside_high": high,
                "outside_coverage": cover,
                "accuracy": got["accuracy"],
                "outside_recognised": got["outside_recognised_share"],
                "said_outside_wrongly": got["said_outside_wrongly_share"],
                "balanced": round(balanced, 4),
            }
        )
        progress(str(tried[-1]))
    return sorted(tried, key=lambda t: -t["balanced"])


def table(result: dict[str, Any]) -> list[str]:
    """The result as text: each set's misses, then its accuracy."""
    lines = []
    for name, got in result.items():
        if "accuracy" not in got:
            continue
        for miss in got["misses"]:
            lines.append(
                f"miss  {miss['skill']}: {miss['question']!r} -> {miss['cited'] or 'outside'}"
                + ("" if miss["wanted"] else " (asked outside the content)")
            )
        right, total = got["first_citation_right"], got["answerable"]
        lines.append(
            f"{name}: first citation right for {right}/{total} ({got['accuracy']:.1%}); "
            f"outside recognised {got['outside_recognised']}/{got['outside']}"
        )
    return lines
