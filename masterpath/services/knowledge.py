"""What the mentor knows: every installed skill's units, indexed once per content version.

The index (BM25 plus unit vectors) is built on first use and kept per content key and model;
`warm` computes every vector the mentor and the isolation readers need (units, their sentences,
item stems and options) when content is loaded, so a learner's question only embeds itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from masterpath.domain import grading, isolation, retrieval
from masterpath.domain.content import Item, ItemType, Skill
from masterpath.services import Context, meaning
from masterpath.store import content as content_store


@dataclass(frozen=True)
class Knowledge:
    index: retrieval.Index
    titles: dict[str, str]  # skill id -> title


def get(ctx: Context) -> Knowledge:
    with ctx.db.begin() as tx:
        key = (content_store.content_key(tx), ctx.settings.embedding_model)
        known: Knowledge | None = ctx.cache.get("knowledge", key)
        if known is not None:
            return known
        skills = content_store.skill_models(tx)
    units = [u for s in skills.values() for u in retrieval.units(s)]
    vectors = meaning.vectors(ctx, retrieval.rows(units))
    index = retrieval.build(units, vectors, lexicon=meaning.lexicon(ctx))
    built = Knowledge(index, {s: d.title for s, d in skills.items()})
    return ctx.cache.put("knowledge", key, built)


def texts(skills: Iterable[Skill], items: Iterable[Item]) -> list[str]:
    """Every text whose vector the mentor may need: computed once, at content load."""
    found: list[str] = []
    for skill in skills:
        found += retrieval.rows(retrieval.units(skill))
        rubric = skill.task.rubric if skill.task else ()  # applied tasks graded by meaning
        found += grading.reference_texts([c for r in rubric for c in r.concepts])
    for item in items:  # the isolation readers compare replies with each option and the stem
        found += [o.text for o in item.options]
        found.append(item.stem)
        if item.type is ItemType.SHORT_TEXT:  # short answers graded by meaning
            found += grading.reference_texts(
                item.concepts, model_answer=item.model_answer, question=item.stem
            )
    return list(dict.fromkeys(found))


def warm(ctx: Context) -> dict[str, Any]:
    """Compute and cache the vectors of all installed content; only what changed is embedded."""
    started = time.perf_counter()
    with ctx.db.begin() as tx:
        skills = content_store.skill_models(tx)
        items = [item for s in skills for item in content_store.items(tx, s)]
    found = texts(skills.values(), items)
    if meaning.vectors(ctx, found) is None:
        return {"texts": 0, "seconds": 0.0, "notice": meaning.status(ctx)}
    get(ctx)
    meaning.reader(ctx)  # loaded before the first question, not during it
    return {"texts": len(found), "seconds": round(time.perf_counter() - started, 2), "notice": ""}


def choices(ctx: Context, items: Sequence[Item]) -> list[isolation.Choice]:
    """The readers' view of the open choice items, with option vectors when there is a model."""
    found = []
    for item in items:
        plain = isolation.choice(item)
        if plain is None:
            continue
        vectors = meaning.vectors(ctx, [*plain.options, plain.stem], store_new=False)
        if vectors is None:
            found.append(plain)
            continue
        found.append(isolation.choice(item, vectors[:-1], vectors[-1]) or plain)
    return found
