"""Answer isolation for the mentor: what would give an open item's answer away. Pure.

While an item is unanswered (or any check is in progress) the mentor's context and reply must
not contain its key: the correct option's text, the numeric answer, the model answer's key
phrases, or a statement of which option is right. `secrets` lists the giveaways of one item,
`leaks` tests a text against them, and `withheld` names the passages retrieval must skip.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from masterpath.domain.content import Item, ItemType
from masterpath.domain.grading import phrase_in, terms

Vectors = NDArray[np.float32]

# "option b", "answer is (c)", "b is correct", "pick the second one": naming the right option.
_LETTER = r"(\(\s*[a-h1-8]\s*\)|\[\s*[a-h1-8]\s*\]|[A-H1-8]\b|[a-h]\s*(?=[).:!?]|$))"
_NAMING = re.compile(
    r"\b(?i:option|choice|answer|pick|choose|select)\s*(?i:is\s*)?:?\s*"
    + _LETTER
    + r"|\b[a-hA-H1-8]\s*[)\].]?\s+(?i:is\s+(the\s+)?(correct|right|true))\b"
    r"|\b(?i:(correct|right)\s+(option|choice|answer)\s+is)\b"
    r"|\b(?i:(first|second|third|fourth|fifth|last)\s+(one|option|choice)\s+is\s+(correct|right))\b",
)


def secrets(item: Item) -> list[list[str]]:
    """The item's giveaways, each as a phrase of stemmed words."""
    found: list[str] = []
    if item.type.is_choice:
        found += [o.text for o in item.correct_options]
    elif item.type is ItemType.NUMERIC:
        value = float(item.answer or 0.0)
        found += [f"{value:g}", f"{value:,.0f}" if value.is_integer() else f"{value:g}"]
    elif item.type is ItemType.SHORT_TEXT:
        found += [p for c in item.concepts for p in c.phrasings]
    phrases = [terms(text, drop_stop=True) for text in found]
    return [p for p in phrases if p and _distinctive(p)]


def _distinctive(phrase: Sequence[str]) -> bool:
    """Single very short words ("a", "no") would flag everything; they are not giveaways."""
    return len(phrase) > 1 or len(phrase[0]) > 2 or phrase[0].isdigit()


def leaks(text: str, items: Iterable[Item]) -> list[str]:
    """Why `text` gives an open item's answer away (empty when it does not)."""
    said = terms(text[:50_000], drop_stop=True)
    reasons = []
    if _NAMING.search(text):
        reasons.append("names an option as the answer")
    for item in items:
        for phrase in secrets(item):
            if phrase_in(phrase, said, gap=0):
                reasons.append(f"contains the key of {item.id.local or 'an item'}")
                break
        if item.type is ItemType.TRUE_FALSE and re.search(
            r"\b(statement|it)\s+is\s+(true|false)\b|\b(true|false)\s*[.!]?\s*$", text, re.I
        ):
            reasons.append("says whether the statement is true")
    return reasons


def withheld(passages: Iterable[tuple[str, str]], items: Iterable[Item]) -> set[str]:
    """Ids of (id, text) passages that contain an open item's key: kept out of the context."""
    keys = [phrase for item in items for phrase in secrets(item)]
    found = set()
    for passage_id, text in passages:
        said = terms(text, drop_stop=True)
        if any(phrase_in(phrase, said, gap=0) for phrase in keys):
            found.add(passage_id)
    return found


# Isolation by meaning. Two readers stand for a learner who cannot answer but reads the reply:
# one picks the option sharing the most words with it, the other the option closest in meaning.
# A text *favours the key* when either reader, reading it, lands on a correct option.


@dataclass(frozen=True)
class Choice:
    """An open choice item as the readers see it: option texts, their words and vectors."""

    item_id: str
    stem: str
    options: tuple[str, ...]
    correct: frozenset[int]
    vectors: Vectors | None = None  # one unit vector per option, or None: words only
    stem_vector: Vectors | None = None  # where the stem alone leads the meaning reader

    @property
    def option_words(self) -> list[set[str]]:
        return [set(terms(text, drop_stop=True)) for text in self.options]


def choice(
    item: Item, vectors: Vectors | None = None, stem: Vectors | None = None
) -> Choice | None:
    """The readers' view of a single or multiple choice item (None for other types)."""
    if not item.type.is_choice:
        return None
    correct = frozenset(n for n, o in enumerate(item.options) if o.correct)
    texts = tuple(o.text for o in item.options)
    return Choice(item.id.local, item.stem, texts, correct, vectors, stem)


def word_reader(text: str, item: Choice) -> int | None:
    """The option sharing the most words with the text; None on a tie or when none shares any."""
    said = set(terms(text[:50_000], drop_stop=True))
    shared = [len(said & words) for words in item.option_words]
    best = max(shared, default=0)
    return shared.index(best) if best > 0 and shared.count(best) == 1 else None


# Cosines closer than this cannot tell two options apart: a text about neither (an unrelated
# reply sits about 0.1 from every option) would land on one by rounding, and a reading that
# flips on a changed space is no reading. The word reader likewise picks nothing on a tie.
MEANING_TIE = 0.02


def meaning_reader(vector: Vectors | None, item: Choice) -> int | None:
    """The option closest in meaning to the text's vector; None without vectors, or when the
    two closest options are within `MEANING_TIE` of each other."""
    if vector is None or item.vectors is None or not len(item.vectors):
        return None
    similarity = item.vectors @ vector
    if len(similarity) > 1:
        second, best = np.sort(similarity)[-2:]
        if best - second < MEANING_TIE:
            return None
    return int(np.argmax(similarity))


def favours_key(text: str, vector: Vectors | None, item: Choice) -> bool:
    """Whether either reader, reading the text, lands on a correct option where reading the
    stem alone does not (a text that leads where the stem already leads gives nothing away)."""
    if not terms(text[:50_000], drop_stop=True):  # an empty text leads nowhere
        return False
    words = word_reader(text, item) in item.correct
    sense = meaning_reader(vector, item) in item.correct
    stem_words = word_reader(item.stem, item) in item.correct
    stem_sense = meaning_reader(item.stem_vector, item) in item.correct
    return (words and not stem_words) or (sense and not stem_sense)
