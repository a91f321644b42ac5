"""Learners' typos, spelled as the content spells them. Pure.

A misspelt word ("dokcer", "embedings") reaches neither BM25, which matches whole words, nor the
embedding model, which splits it into pieces that mean little, so the mentor would say "can't
find" about a question it can answer. A word is respelled only when it is not a word: not in
the lexicon (the embedding model's tokenizer's whole words, given from outside), not a
contraction typed without its apostrophe, not either with a common ending, and not used by the
content; and only into a content word one edit away (two from ten letters) with the same first
letter. Without a lexicon nothing is respelled.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

SHORTEST = 5  # shorter words are left as they are: one edit makes another word too easily
READ = 1_000  # characters of a text whose typos are corrected (a 50 KB message costs no more)
CONTRACTIONS = frozenset(
    """arent isnt wasnt werent dont doesnt didnt cant couldnt shouldnt wouldnt wont hasnt havent
    hadnt whats thats theres heres wheres hows whos youre theyre youve theyve""".split()  # noqa: SIM905
)
ENDINGS = ("s", "es", "d", "ed", "ing", "er", "ers", "ly")
_LETTERS = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Speller:
    lexicon: frozenset[str] = frozenset()  # words that are not typos
    by_length: dict[int, list[str]] = field(default_factory=dict)  # the content's words, most
    # used first


def speller(texts: Iterable[str], *, lexicon: frozenset[str]) -> Speller:
    """A speller for content made of `texts`, with the words known to be words."""
    used = Counter(w for text in texts for w in _LETTERS.findall(text.lower()))
    by_length: dict[int, list[str]] = {}
    for word, _ in used.most_common():
        by_length.setdefault(len(word), []).append(word)
    return Speller(lexicon, by_length)


def respelled(speller: Speller, text: str) -> str:
    """The text with each typo spelled as the content spells it; the rest as written."""
    if not speller.lexicon:
        return text
    seen: dict[str, str | None] = {}  # each word looked up once

    def fix(match: re.Match[str]) -> str:
        low = match.group().lower()
        if low not in seen:
            seen[low] = _nearest(speller, low)
        return seen[low] or match.group()

    return _LETTERS.sub(fix, text[:READ]) + text[READ:]


def _nearest(speller: Speller, low: str) -> str | None:
    """The content word a typo stands for; None when `low` is no typo or is near no word."""
    if len(low) < SHORTEST or _known(speller, low):
        return None
    allowed = 1 if len(low) < 10 else 2
    near = [
        used
        for n in range(-allowed, allowed + 1)
        for used in speller.by_length.get(len(low) + n, [])
        if used[0] == low[0]  # typos rarely touch the first letter
    ]
    best = process.extractOne(low, near, scorer=DamerauLevenshtein.distance, score_cutoff=allowed)
    return str(best[0]) if best else None


def _known(speller: Speller, low: str) -> bool:
    """A word, a contraction, either with an ending, or a word of the content."""
    if low in speller.lexicon or low in CONTRACTIONS:
        return True
    if any(low.endswith(end) and low[: -len(end)] in speller.lexicon for end in ENDINGS):
        return True
    return low in speller.by_length.get(len(low), ())
