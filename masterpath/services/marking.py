"""Grading with meaning when the model is there: the vectors the domain graders need.

A learner's answer and its sentences are embedded at grading time and never stored. What the
answer is compared with (concept phrasings, model answers) is embedded once per process and
kept in its memory only, so grading inside a transaction never writes to the database. With no
model, or when embedding fails, the graders run on words alone: the verdict keeps its shape.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from masterpath.domain import grading
from masterpath.domain.content import Criterion, Item, ItemType
from masterpath.services import Context, meaning

log = logging.getLogger(__name__)


def grade(ctx: Context, item: Item, response: Any) -> grading.Grade:
    """`grading.grade`, with meaning for a short answer when the model is present."""
    short = item.type is ItemType.SHORT_TEXT
    if not short or not isinstance(response, str) or not response.strip():
        return grading.grade(item, response)
    if len(response) > grading.MAX_TEXT:
        return grading.grade(item, response)  # refused by name, before anything is embedded
    model_answer = item.model_answer
    texts = grading.reference_texts(item.concepts, model_answer=model_answer, question=item.stem)
    found = of(ctx, response, texts, reference=model_answer)
    return grading.grade(item, response, meaning=found)


def rubric(
    ctx: Context, criteria: Sequence[Criterion], text: str
) -> tuple[float | None, list[dict[str, Any]]]:
    """`grading.rubric`, each concept found by meaning too when the model is present."""
    texts = grading.reference_texts([c for r in criteria for c in r.concepts])
    return grading.rubric(criteria, text, meaning=of(ctx, text, texts) if text.strip() else None)


def of(
    ctx: Context, text: str, references: Sequence[str], *, reference: str = ""
) -> grading.Meaning | None:
    """Vectors of the text's sentences and of the references; None without a model."""
    model = meaning.embedder(ctx)
    if model is None or not references:
        return None
    parts = grading.sentences(text)
    try:
        mine = model.embed([t[: meaning.MAX_CHARS] for t in parts])
        known = meaning.vectors(
            ctx, [*references, reference] if reference else references, store_new=False
        )
    except Exception:  # a model failing mid-way must not fail the answer: grade on words
        log.exception("embedding failed; grading on words alone")
        return None
    if known is None:
        return None
    phrasings = dict(zip(references, known, strict=False))
    return grading.Meaning(
        sentences=mine,
        phrasings=phrasings,
        reference=known[-1] if reference else None,
    )
