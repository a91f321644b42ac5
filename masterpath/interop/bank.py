"""What GIFT and Moodle XML share: items as the pack format writes them (dicts), the fields a
question bank carries, and the report of what could not be mapped.

A question bank carries an item's id (the question name), type, stem, options with their
correctness and misconceptions (per-answer feedback), answer and tolerance, accepted short
answers, and explanation (general feedback). It does not carry objectives, difficulty, hints,
concept weights or the assessment-only flag: imports give every item the one objective of
the skill they land in and the pack defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from masterpath.content.schema import Item
from masterpath.errors import Problem

OBJECTIVE = "imported"
ID = re.compile(r"[^a-z0-9]+")


@dataclass
class Bank:
    """Items read from a file, and every question that could not be mapped, by line."""

    items: list[dict[str, Any]] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # each item's category ("" for none)
    skipped: list[Problem] = field(default_factory=list)


def local_id(name: str, taken: set[str], line: int) -> str:
    """A pack id (lowercase words and hyphens) from a question name, unique in the bank."""
    base = ID.sub("-", name.lower()).strip("-")[:40].strip("-") or f"q{line}"
    found, n = base, 2
    while found in taken:  # ids are at most 40 characters
        found, n = f"{base[:36].strip('-')}-{n}", n + 1
    taken.add(found)
    return found


def option_ids(count: int) -> list[str]:
    return [chr(ord("a") + n) if n < 26 else f"o{n}" for n in range(count)]


def explanation_for(item: dict[str, Any]) -> str:
    """An explanation for a question that came without general feedback."""
    if item["type"] == "true_false":
        return f"The statement is {'true' if item.get('answer') else 'false'}."
    if item["type"] == "numeric":
        return f"The answer is {float(item.get('answer') or 0):g}."
    if item["type"] == "short_text":
        return f"A good answer: {item.get('model_answer', '')}"
    right = [o["text"] for o in item.get("options", []) if o.get("correct")]
    return "Correct: " + "; ".join(right) if right else "See the question's source."


def finish(bank: Bank, item: dict[str, Any], *, file: str, line: int, category: str = "") -> None:
    """Validate one mapped item with the pack schema: kept, or reported with its line."""
    item.setdefault("objectives", [OBJECTIVE])
    if not item.get("explanation"):
        item["explanation"] = explanation_for(item)
    try:
        Item.model_validate(item)
    except ValidationError as exc:
        reason = "; ".join(str(error["msg"]) for error in exc.errors())
        bank.skipped.append(Problem(f"question {item.get('id')!r}: {reason}", file, line))
        return
    bank.items.append(item)
    bank.categories.append(category)


def skip(bank: Bank, reason: str, *, file: str, line: int) -> None:
    bank.skipped.append(Problem(reason, file, line))


def carried(item: dict[str, Any]) -> dict[str, Any]:
    """The fields of an item a question bank carries (for round-trip comparison)."""
    kept: dict[str, Any] = {
        "id": item["id"],
        "type": item["type"],
        "stem": item["stem"].strip(),
        "explanation": item["explanation"].strip(),
        "options": [
            (o["text"].strip(), bool(o.get("correct")), o.get("misconception", "").strip())
            for o in item.get("options", [])
        ],
    }
    if item["type"] in ("true_false", "numeric"):
        kept["answer"] = item.get("answer")
    if item["type"] == "numeric":
        kept["tolerance"] = float(item.get("tolerance", 0.0))
    if item["type"] == "short_text":
        kept["model_answer"] = item["model_answer"].strip()
    return kept
