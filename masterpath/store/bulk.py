"""Bulk inserts for generated data (benchmarks): many rows of one table in one statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from masterpath.store.db import Tx
from masterpath.store.models import Base


def add_rows(tx: Tx, model: type[Base], rows: list[dict[str, Any]]) -> None:
    if rows:
        tx.session.execute(insert(model), rows)
