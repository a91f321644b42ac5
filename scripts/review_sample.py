"""A random sample of the built-in items, with keys, for an independent content review.

    python scripts/review_sample.py OUT.md [--n 100] [--seed 20261206] [--not-in EARLIER.md]

The sample is drawn with a fixed seed over every item of every built-in skill, so the same
content and seed give the same sample. Each item is written with everything a reviewer
checks: stem, options with the key and each distractor's misconception, numeric answer and
tolerance, model answer and concepts, hints and the explanation.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from masterpath.content.loader import builtin_pack_dirs, read_packs


def render(skill: object, item: object) -> str:
    lines = [
        f"## {skill.id}:{item.id}",
        "",
        f"Skill: {skill.title}. Type: {item.type}. "  # type: ignore[attr-defined]
        f"Difficulty: {item.difficulty}.",
        "",
        "Stem:",
        "",
        item.stem.strip(),
        "",
    ]  # type: ignore[attr-defined]
    for option in item.options:  # type: ignore[attr-defined]
        mark = "CORRECT" if option.correct else "wrong"
        line = f"- ({option.id}) [{mark}] {option.text.strip()}"
        if option.misconception:
            line += f"\n  - misconception: {option.misconception.strip()}"
        lines.append(line)
    if item.type == "ordering":  # type: ignore[attr-defined]
        lines.append("  (ordering: the options above are in the correct order)")
    if item.answer is not None:  # type: ignore[attr-defined]
        lines.append(f"Answer: {item.answer}")  # type: ignore[attr-defined]
        if item.tolerance or item.unit:  # type: ignore[attr-defined]
            lines.append(f"Tolerance: {item.tolerance} {item.unit}".rstrip())  # type: ignore[attr-defined]
    if item.model_answer:  # type: ignore[attr-defined]
        lines += ["", "Model answer:", "", item.model_answer.strip()]  # type: ignore[attr-defined]
        for concept in item.concepts:  # type: ignore[attr-defined]
            lines.append(f"- concept {concept.id}: {' | '.join(concept.phrasings)}")
    for n, hint in enumerate(item.hints, 1):  # type: ignore[attr-defined]
        lines.append(f"Hint {n}: {hint.strip()}")
    lines += ["", "Explanation:", "", item.explanation.strip(), ""]  # type: ignore[attr-defined]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument(
        "--not-in", type=Path, help="an earlier sample whose items are left out of this one"
    )
    args = parser.parse_args()
    earlier = set()
    if args.not_in:
        earlier = set(re.findall(r"^## (\S+)$", args.not_in.read_text(encoding="utf-8"), re.M))
    everything = [
        (skill, item)
        for pack in read_packs(builtin_pack_dirs()).packs
        for skill in pack.skills
        for item in skill.items
    ]
    everything = [pair for pair in everything if f"{pair[0].id}:{pair[1].id}" not in earlier]
    everything.sort(key=lambda pair: f"{pair[0].id}:{pair[1].id}")
    chosen = random.Random(args.seed).sample(everything, args.n)
    chosen.sort(key=lambda pair: f"{pair[0].id}:{pair[1].id}")
    text = [f"# {args.n} items drawn from {len(everything)} (seed {args.seed})", ""]
    text += [render(skill, item) for skill, item in chosen]
    args.out.write_text("\n".join(text), encoding="utf-8")


if __name__ == "__main__":
    main()
