"""Item statistics aggregated in SQL: a few rows per item, whatever the size of the ledger."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Text, case, cast, func, select

from masterpath.store.db import Tx
from masterpath.store.evidence import counted
from masterpath.store.models import Evidence


def _graded() -> list[Any]:
    return [Evidence.source_kind == "item", Evidence.grader != "self", counted()]


def totals(tx: Tx) -> list[Any]:
    """Per item: (item_id, skill_id, answers, correct), from graded answers that count."""
    query = (
        select(
            Evidence.source_id,
            func.min(Evidence.skill_id).label("skill_id"),
            func.count().label("answers"),
            func.sum(case((Evidence.score >= 0.999, 1), else_=0)).label("correct"),
        )
        .where(*_graded())
        .group_by(Evidence.source_id)
    )
    return list(tx.session.execute(query))


def moments(tx: Tx) -> list[Any]:
    """Per item, sums over learners of x = the learner's mean score on the item and y = their
    mean score on the skill's other items (domain/item_stats.py says why): n, sx, sy, sxx, syy,
    sxy. Learners with no other answer on the skill are left out."""
    score = cast(Evidence.score, Float)
    per = (
        select(
            Evidence.user_id,
            Evidence.skill_id,
            Evidence.source_id,
            func.sum(score).label("s"),
            func.count().label("n"),
        )
        .where(*_graded())
        .group_by(Evidence.user_id, Evidence.skill_id, Evidence.source_id)
        .subquery()
    )
    total = (
        select(
            Evidence.user_id,
            Evidence.skill_id,
            func.sum(score).label("s"),
            func.count().label("n"),
        )
        .where(*_graded())
        .group_by(Evidence.user_id, Evidence.skill_id)
        .subquery()
    )
    x = cast(per.c.s, Float) / per.c.n
    y = (cast(total.c.s, Float) - per.c.s) / (total.c.n - per.c.n)
    pairs = (
        select(per.c.source_id, x.label("x"), y.label("y"))
        .join_from(
            per,
            total,
            (per.c.user_id == total.c.user_id) & (per.c.skill_id == total.c.skill_id),
        )
        .where(total.c.n > per.c.n)
        .subquery()
    )
    query = select(
        pairs.c.source_id,
        func.count().label("n"),
        func.sum(pairs.c.x).label("sx"),
        func.sum(pairs.c.y).label("sy"),
        func.sum(pairs.c.x * pairs.c.x).label("sxx"),
        func.sum(pairs.c.y * pairs.c.y).label("syy"),
        func.sum(pairs.c.x * pairs.c.y).label("sxy"),
    ).group_by(pairs.c.source_id)
    return list(tx.session.execute(query))


def responses(tx: Tx, item_ids: list[str]) -> list[Any]:
    """Per item and distinct stored detail (as JSON text): how many answers gave it."""
    if not item_ids:
        return []
    text = cast(Evidence.detail, Text)
    query = (
        select(Evidence.source_id, text.label("detail"), func.count().label("answers"))
        .where(*_graded(), Evidence.source_id.in_(item_ids))
        .group_by(Evidence.source_id, text)
    )
    return list(tx.session.execute(query))
