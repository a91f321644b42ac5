"""What the mentor knows: every installed skill's units, indexed once per content version.

The index (BM25 plus unit vectors) is built on first use and kept per content key and model;
`warm` computes every vector the mentor and the isolation readers need (units, their sentences,
item stems and options) when content is loaded, so a learner's question only embeds itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from masterpath.domain import grading, isolation, retrieval
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
        skills = content_store.skill_data(tx)
    units = [u for s in skills.values() for u in retrieval.units(s)]
    vectors = meaning.vectors(ctx, retrieval.rows(units))
    built = Knowledge(
        retrieval.build(units, vectors), {s: str(d["title"]) for s, d in skills.items()}
    )
    return ctx.cache.put("knowledge", key, built)


def texts(skills: Iterable[Mapping[str, Any]], items: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every text whose vector the mentor may need: computed once, at content load."""
    found: list[str] = []
    for skill in skills:
        found += retrieval.rows(retrieval.units(skill))
        rubric = (skill.get("task") or {}).get("rubric", [])  # applied tasks graded by meaning
        found += grading.reference_texts([c for r in rubric for c in r.get("concepts") or []])
    for item in items:  # the isolation readers compare replies with each option and the stem
        found += [str(o["text"]) for o in item.get("options", [])]
        found.append(str(item.get("stem", "")))
        if item.get("type") == "short_text":  # short answers graded by meaning
            found += grading.reference_texts(
                item["concepts"], model_answer=str(item.get("model_answer") or ""),
                question=str(item.get("stem", "")),
            )  # fmt: skip
    return list(dict.fromkeys(found))


def warm(ctx: Context) -> dict[str, Any]:
    """Compute and cache the vectors of all installed content; only what changed is embedded."""
    started = time.perf_counter()
    with ctx.db.begin() as tx:
        skills = content_store.skill_data(tx)
        items = [row.data for s in skills for row in content_store.live_items(tx, s)]
    found = texts(skills.values(), items)
    if meaning.vectors(ctx, found) is None:
        return {"texts": 0, "seconds": 0.0, "notice": meaning.status(ctx)}
    get(ctx)
    return {"texts": len(found), "seconds": round(time.perf_counter() - started, 2), "notice": ""}


def choices(ctx: Context, items: Sequence[Mapping[str, Any]]) -> list[isolation.Choice]:
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
