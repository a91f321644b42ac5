"""`masterpath content item-stats` and the instructor's item statistics page."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from masterpath.domain import item_stats as stats
from masterpath.domain.content import ItemType
from masterpath.errors import InvalidInput, Problem
from masterpath.services import Context, cohorts
from masterpath.store import Tx
from masterpath.store import content as content_store
from masterpath.store import item_stats as store

CHOICE = (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE)
MIN_ANSWERS = stats.MIN_ANSWERS
ItemStats = stats.ItemStats


def item_stats(ctx: Context, *, min_answers: int = MIN_ANSWERS) -> list[stats.ItemStats]:
    """Every item with graded answers that count, flagged items first."""
    if min_answers < 1:
        message = "--min-answers must be at least 1"
        raise InvalidInput(message, problems=[Problem(message, field="min_answers")])
    with ctx.db.begin() as tx:
        return _collect(tx, min_answers)


def for_teacher(
    ctx: Context, *, user_id: int, min_answers: int = MIN_ANSWERS
) -> list[stats.ItemStats]:
    with ctx.db.begin() as tx:
        cohorts.require_teacher(tx, user_id)
    return item_stats(ctx, min_answers=min_answers)


def _options(tx: Tx, item_ids: list[str]) -> dict[str, list[tuple[str, bool]]]:
    found = {}
    for item_id in item_ids:
        row = content_store.item(tx, item_id)
        if row is None:
            continue
        item = content_store.item_model(tx, row)
        if item.type in CHOICE:
            found[item_id] = [(o.id, o.correct) for o in item.options]
    return found


def _picks(rows: list[Any]) -> dict[str, Counter[str]]:
    found: dict[str, Counter[str]] = {}
    for row in rows:
        detail = json.loads(row.detail) if isinstance(row.detail, str) else row.detail
        chosen = stats.picked(detail.get("response") if isinstance(detail, dict) else None)
        counter = found.setdefault(row.source_id, Counter())
        for option in set(chosen):
            counter[option] += int(row.answers)
    return found


def _collect(tx: Tx, min_answers: int) -> list[stats.ItemStats]:
    totals = store.totals(tx)
    options = _options(tx, [row.source_id for row in totals])
    picks = _picks(store.responses(tx, sorted(options)))
    moments = {
        row.source_id: stats.Moments(
            int(row.n),
            float(row.sx),
            float(row.sy),
            float(row.sxx),
            float(row.syy),
            float(row.sxy),
        )
        for row in store.moments(tx)
    }
    found = [
        stats.item_stats(
            item_id=row.source_id,
            skill_id=row.skill_id,
            answers=int(row.answers),
            correct=int(row.correct or 0),
            moments=moments.get(row.source_id, stats.Moments()),
            picks=picks.get(row.source_id, {}),
            options=options.get(row.source_id, []),
            min_answers=min_answers,
        )
        for row in totals
    ]
    return sorted(found, key=stats.sort_key)


def as_json(found: stats.ItemStats) -> dict[str, Any]:
    return {
        "item": found.item_id,
        "skill": found.skill_id,
        "answers": found.answers,
        "share_correct": round(found.share_correct, 4),
        "discrimination": None if found.discrimination is None else round(found.discrimination, 4),
        "learners": found.learners,
        "options": {o.option_id: round(o.share, 4) for o in found.options},
        "flags": [str(f) for f in found.flags],
    }
