"""Blind check of choice items: an independent reader answers from stem and options alone.

    python scripts/blind_check.py extract OUT.jsonl      # items without their keys
    python scripts/blind_check.py score ANSWERS.jsonl    # agreement with the keys

ANSWERS.jsonl has one {"id": "skill:item", "answer": ["b"] | true | false} per line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from masterpath.content.loader import builtin_pack_dirs, read_packs

TYPES = ("single_choice", "multiple_choice", "true_false")


def items() -> dict[str, dict[str, object]]:
    report = read_packs(builtin_pack_dirs())
    found = {}
    for pack in report.packs:
        for skill in pack.skills:
            for item in skill.items:
                if item.type in TYPES:
                    found[f"{skill.id}:{item.id}"] = {"skill": skill.title, "item": item}
    return found


def extract(out: Path) -> None:
    with out.open("w") as handle:
        for key, entry in items().items():
            item = entry["item"]
            row = {
                "id": key,
                "skill": entry["skill"],
                "type": item.type,
                "stem": item.stem,  # type: ignore[attr-defined]
                "options": [{"id": o.id, "text": o.text} for o in item.options],
            }  # type: ignore[attr-defined]
            handle.write(json.dumps(row) + "\n")


def key_of(item: object) -> object:
    if item.type == "true_false":  # type: ignore[attr-defined]
        return item.answer  # type: ignore[attr-defined]
    return sorted(o.id for o in item.options if o.correct)  # type: ignore[attr-defined]


def score(answers: Path) -> None:
    known = items()
    given = [json.loads(line) for line in answers.read_text().splitlines() if line.strip()]
    agree, disagree = 0, []
    for row in given:
        item = known[row["id"]]["item"]
        answer = row["answer"] if isinstance(row["answer"], bool) else sorted(row["answer"])
        if answer == key_of(item):
            agree += 1
        else:
            disagree.append((row["id"], answer, key_of(item)))
    print(
        f"agreement: {agree}/{len(given)} = {agree / max(1, len(given)):.1%} "
        f"({len(known)} choice items in the packs)"
    )
    for key, answer, expected in disagree:
        print(f"  {key}: reader {answer}, key {expected}")


if __name__ == "__main__":
    command, path = sys.argv[1], Path(sys.argv[2])
    extract(path) if command == "extract" else score(path)
