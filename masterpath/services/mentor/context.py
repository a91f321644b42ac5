"""The mentor's context, isolated by meaning: which units and sentences it may use, and the last
guard on a reply.

While an item is open, a sentence is withheld when it favours the correct option over the
distractors — by shared words or by embedding similarity (the two readers of
`domain/isolation`) — and a unit containing the key's words is withheld whole. Each unit is
checked against the open items of its own skill. A reply is checked with both readers before it
is sent; sentences are taken out, worst first, until neither reader lands on a key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from masterpath.domain import answer_types, isolation, retrieval
from masterpath.domain.content import Item
from masterpath.domain.grading import terms
from masterpath.mentor import Prompt
from masterpath.mentor import Source as Source  # the benchmarks read it from here
from masterpath.services import Context, meaning
from masterpath.services.knowledge import Knowledge

MAX_QUESTION = 1_000  # characters of a question that are embedded (the model reads 256 tokens)
MAX_WITHHELD_SHARE = 0.5  # an explanation missing more than this share is not used at all
READ = 3  # the best units the reader reads: the question is outside when none answers it


@dataclass(frozen=True)
class Open:
    """What is open for the learner: items' data (verbatim guard) and choices by skill."""

    keys: list[Item]
    choices: dict[str, list[isolation.Choice]]

    def of(self, skill: str) -> list[isolation.Choice]:
        return self.choices.get(skill, [])

    @property
    def every_choice(self) -> list[isolation.Choice]:
        return [c for found in self.choices.values() for c in found]


def _favoured(
    ctx: Context, texts: Sequence[str], choices: Sequence[isolation.Choice]
) -> list[bool]:
    if not choices or not texts:
        return [False] * len(texts)
    vectors = meaning.passing(ctx, list(texts))
    return [
        any(isolation.favours_key(t, None if vectors is None else vectors[n], c) for c in choices)
        for n, t in enumerate(texts)
    ]


def safe_sentences(ctx: Context, unit: retrieval.Unit, found: Open) -> list[str] | None:
    """The unit's sentences that favour no open key of its skill; None when the unit is out."""
    sentences = retrieval.sentences(unit.body) or [unit.body]
    if found.keys and isolation.leaks(unit.body, found.keys):
        return None
    favoured = _favoured(ctx, sentences, found.of(unit.skill))
    kept = [s for s, bad in zip(sentences, favoured, strict=True) if not bad]
    if unit.kind == "answer" and len(kept) < len(sentences) * (1 - MAX_WITHHELD_SHARE):
        return None
    return kept or None


@dataclass(frozen=True)
class Asked:
    question: str
    query: np.ndarray | None  # its vector
    skill: str  # the page it is asked on
    found: Open
    know: Knowledge


def sources(
    ctx: Context,
    know: Knowledge,
    *,
    question: str,
    skill: str,
    found: Open,
    limit: int = 2,
    weights: retrieval.Weights = retrieval.WEIGHTS,
) -> tuple[list[Source], list[str]]:
    """The isolated sources for a question, and the nearest skills when it is outside."""
    question = retrieval.respelled(know.index, question)
    query = meaning.one(ctx, question[:MAX_QUESTION]) if question.strip() else None
    asked = Asked(question, query, skill, found, know)
    hits = retrieval.search(
        know.index, question, query=query, skill=skill, limit=limit + 4, weights=weights
    )
    read = [f"{h.unit.title}. {h.unit.body}" for h in hits[:READ]]
    if (
        hits
        and query is not None
        and not meaning.answered(ctx, question, read, margin=weights.reader_margin)
    ):
        hits = []  # close in meaning, but none of the best units answers it
    if not hits:
        near = retrieval.nearest_skills(know.index, query) if query is not None else []
        return [], [f"[{know.titles.get(s, s)}](/skills/{s})" for s in near]
    chosen: list[Source] = []
    for hit in hits:
        kept = safe_sentences(ctx, hit.unit, found)
        if kept is None:
            continue
        chosen.append(_source(ctx, asked, hit.unit, kept))
        if hit.unit.kind == "answer":
            chosen += _answer_sources(ctx, asked, hit.unit)
        if len(chosen) >= limit:
            break
    return chosen[: max(limit, 2)], []


def outside(know: Knowledge, question: str) -> dict[str, list[str]]:
    """What a reply can say of a question the content does not answer: the names in it that the
    content never mentions, the kinds of fact it asks for (a price, a date) that the content
    does not state, and where such facts are found instead."""
    question = retrieval.respelled(know.index, question)
    kinds = answer_types.asked(question)
    return {
        "unknown": retrieval.unknown_names(know.index, question),
        "unstated": answer_types.said(kinds),
        "look": answer_types.looks(kinds),
    }


def search_titles(ctx: Context, know: Knowledge, question: str, skill: str) -> list[str]:
    """Headings of the skill's lesson sections that answer a question, best first (titles
    only: nothing of their text is used)."""
    question = retrieval.respelled(know.index, question)
    query = meaning.one(ctx, question[:MAX_QUESTION]) if question.strip() else None
    hits = retrieval.search(know.index, question, query=query, skill=skill, limit=8)
    return [h.unit.title for h in hits if h.unit.kind == "lesson" and h.unit.skill == skill]


def _answer_sources(ctx: Context, asked: Asked, unit: retrieval.Unit) -> list[Source]:
    """The section or resource an explanation rests on, cited after it."""
    by_id = {u.id: u for u in asked.know.index.units if u.skill == unit.skill}
    for target in unit.sources[:1]:
        cited = by_id.get(f"{unit.skill}/{target}" if target.startswith("lesson#") else target)
        kept = safe_sentences(ctx, cited, asked.found) if cited else None
        if cited is not None and kept is not None:
            return [_source(ctx, asked, cited, kept)]
    return []


def _source(ctx: Context, asked: Asked, unit: retrieval.Unit, kept: list[str]) -> Source:
    query = asked.query
    vectors = meaning.vectors(ctx, kept, store_new=False) if query is not None else None
    count = 6 if unit.kind == "answer" else 3
    best = retrieval.best_sentences(
        kept, question=asked.question, query=query, vectors=vectors, count=count
    )
    other = unit.skill != asked.skill
    return Source(
        unit.id,
        unit.title,
        " ".join(kept),
        excerpt=" ".join(best),
        kind=unit.kind,
        url=link(unit),
        skill_title=asked.know.titles.get(unit.skill, unit.skill) if other else "",
    )


def link(unit: retrieval.Unit) -> str:
    if unit.kind == "resource":
        return unit.id
    place = unit.id.split("#", 1)[1]
    return f"/skills/{unit.skill}#{'q-' if unit.kind == 'answer' else ''}{place}"


# The last guard: a reply (or the context for an LLM) read by both readers.


def pointing(ctx: Context, text: str, choices: Sequence[isolation.Choice]) -> bool:
    """Whether either reader, reading the whole text, lands on an open item's key."""
    return any(_favoured(ctx, [text], choices))


def context_text(prompt: Prompt) -> str:
    """What a provider is given beyond the fixed rules and the item's stem."""
    parts = [f"{s.title}\n{s.text}" for s in prompt.sources]
    parts += prompt.hints + prompt.checklist + prompt.objectives
    if prompt.verdict:
        parts.append(str(prompt.verdict))
    return "\n".join(parts)


GENERIC_RUNG = (
    "Work it in steps: say briefly what the question asks, then test each option "
    "against what the lesson says."
)


def isolate(ctx: Context, prompt: Prompt, choices: Sequence[isolation.Choice]) -> Prompt:
    """The prompt with the pieces that lean most towards a key taken out, one at a time, until
    neither reader lands on a key reading the whole context."""
    for _ in range(60):
        if not pointing(ctx, context_text(prompt), choices):
            return prompt
        pieces = _pieces(prompt)
        if not pieces:
            break
        leaning = _lean(ctx, [text for _, _, text in pieces], choices)
        prompt = _without(prompt, pieces[int(np.argmax(leaning))])
    return replace(prompt, sources=[], objectives=[], hints=[GENERIC_RUNG] if prompt.hints else [])


def worst_sentence(
    ctx: Context, prompt: Prompt, choices: Sequence[isolation.Choice]
) -> Prompt | None:
    """The prompt without the excerpt sentence that leans most towards a key (None: nothing
    left to take out)."""
    candidates = [
        ("excerpt", n, s)
        for n, src in enumerate(prompt.sources)
        for s in retrieval.sentences(src.excerpt)
    ]
    if not candidates:
        return None
    leaning = _lean(ctx, [s for _, _, s in candidates], choices)
    return _without(prompt, candidates[int(np.argmax(leaning))])


Piece = tuple[str, int, str]  # where (text, excerpt, hint, objective), which, the text


def _pieces(prompt: Prompt) -> list[Piece]:
    found: list[Piece] = [
        ("text", n, s) for n, src in enumerate(prompt.sources) for s in _split(src.text)
    ]
    found += [("hint", n, h) for n, h in enumerate(prompt.hints) if h != GENERIC_RUNG]
    found += [("objective", n, o) for n, o in enumerate(prompt.objectives)]
    return found


def _split(text: str) -> list[str]:
    return retrieval.sentences(text) or ([text] if text.strip() else [])


def _without(prompt: Prompt, piece: Piece) -> Prompt:
    where, n, text = piece
    if where == "hint":
        number = prompt.hints[n].split(")", 1)[0] + ") " if prompt.hints[n].startswith("(") else ""
        return replace(prompt, hints=[number + GENERIC_RUNG])
    if where == "objective":
        return replace(prompt, objectives=[o for i, o in enumerate(prompt.objectives) if i != n])
    source = prompt.sources[n]
    rest = " ".join(s for s in _split(source.text) if s != text)
    excerpt = " ".join(s for s in retrieval.sentences(source.excerpt) if s != text)
    kept = list(prompt.sources)
    if rest and excerpt:
        kept[n] = replace(source, text=rest, excerpt=excerpt)
    else:
        del kept[n]
    return replace(prompt, sources=kept)


def _lean(ctx: Context, texts: list[str], choices: Sequence[isolation.Choice]) -> list[float]:
    """How far each text leans towards a key: the key's lead over the best distractor, in
    shared words plus cosine, summed over the open items."""
    vectors = meaning.passing(ctx, texts)
    found = []
    for n, text in enumerate(texts):
        said = set(terms(text, drop_stop=True))
        total = 0.0
        for c in choices:
            shared = [len(said & w) for w in c.option_words]
            cos = (
                list(c.vectors @ vectors[n])
                if vectors is not None and c.vectors is not None
                else [0.0] * len(c.options)
            )
            key = max(shared[i] + cos[i] for i in c.correct)
            other = max(
                (shared[i] + cos[i] for i in range(len(c.options)) if i not in c.correct),
                default=0.0,
            )
            total += key - other
        found.append(total)
    return found
