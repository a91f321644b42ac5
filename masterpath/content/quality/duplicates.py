"""Near-duplicates: items and lessons anywhere, flashcards across the bank, item stems across
skills (by the share of content words they have in common)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from masterpath.content.schema import Skill
from masterpath.domain import content as model
from masterpath.errors import Problem

NEAR_DUPLICATE = 0.9
# Cards anywhere in the bank, and item stems in different skills, whose content words (see
# `content_words`) overlap by more than this share (Jaccard) repeat one another. At 0.32 every
# duplicate a review found scored above it (stems 0.33 to 0.63, cards 0.36 to 1.0) and every
# pair left after the rewrite below it (at most 0.32); paraphrases with few shared words
# ("validate, encode" versus "validate, escape") still need a reviewer.
CARD_DUPLICATE = 0.32
STEM_DUPLICATE = 0.32
_FRAMING_WORDS = (
    "a about an and approximately are as at be belong belongs by can correct could did do "
    "does each every false following for from how if in into is it its many much of on or "
    "order put roughly should stage stages statement statements step steps that the these "
    "this to true was were what when where which who whom whose why will with would you your"
)
_FRAMING = frozenset(_FRAMING_WORDS.split())


def _shingles(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def content_words(text: str) -> frozenset[str]:
    """The words that carry a card's or stem's subject: "What is X?" and "X" give the same set.

    Lower case, letters only (punctuation and numbers go, so the same sum with other figures
    still matches), question and statement framing dropped, a plural -s trimmed.
    """
    found = set()
    for word in re.findall(r"[a-z]+", text.lower()):
        if len(word) < 2 or word in _FRAMING:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(word)
    return frozenset(found)


def similar_pairs(
    entries: Sequence[tuple[str, frozenset[str]]], *, across_skills: bool = False
) -> list[tuple[float, str, str]]:
    """Every pair of `skill:id` entries with its similarity, most similar first.

    `across_skills` leaves out pairs from the same skill. Empty word sets match nothing.
    """
    pairs = []
    for n, (left, a) in enumerate(entries):
        for right, b in entries[n + 1 :]:
            if across_skills and left.split(":")[0] == right.split(":")[0]:
                continue
            if a and b:
                pairs.append((similarity(a, b), left, right))
    return sorted(pairs, key=lambda pair: -pair[0])


def card_words(skills: Sequence[Skill]) -> list[tuple[str, frozenset[str]]]:
    return [
        (f"{s.id}:{c.id}", content_words(c.front + " " + c.back))
        for s in skills
        for c in s.flashcards
    ]


def stem_words(skills: Sequence[Skill]) -> list[tuple[str, frozenset[str]]]:
    return [(f"{s.id}:{i.id}", content_words(i.stem)) for s in skills for i in s.items]


def check_duplicates(skills: Sequence[Skill]) -> list[Problem]:
    """Near-duplicate items and lessons anywhere, cards across the pack, stems across skills."""
    items = [
        (str(model.ItemId(s.id, i.id)), _shingles(" ".join([i.stem, *(o.text for o in i.options)])))
        for s in skills
        for i in s.items
    ]
    lessons = [(s.id, _shingles(s.lesson)) for s in skills]
    found = []
    for kind, entries in (("item", items), ("lesson of", lessons)):
        for n, (left, a) in enumerate(entries):
            for right, b in entries[n + 1 :]:
                if similarity(a, b) >= NEAR_DUPLICATE:
                    found.append(Problem(f"{kind} {left} nearly repeats {right}", field=left))
    checks = (
        ("card", similar_pairs(card_words(skills)), CARD_DUPLICATE),
        ("item stem", similar_pairs(stem_words(skills), across_skills=True), STEM_DUPLICATE),
    )
    for kind, pairs, threshold in checks:
        found += [
            Problem(
                f"{kind} {left} nearly repeats {kind} {right} ({score:.2f} of their content "
                f"words shared, at most {threshold:.2f}); test what each skill adds",
                field=left,
            )
            for score, left, right in pairs
            if score > threshold
        ]
    return found
