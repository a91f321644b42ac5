"""The sentence-vector cache: rows of float32 bytes keyed by (model, text hash)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select

from masterpath.store.db import Tx
from masterpath.store.models import EmbeddingRow

CHUNK = 500  # keys per IN (...) query


def known(tx: Tx, *, model: str, hashes: Iterable[str]) -> dict[str, bytes]:
    """The cached vectors among `hashes`, by hash."""
    wanted = list(dict.fromkeys(hashes))
    found: dict[str, bytes] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = tx.session.execute(
            select(EmbeddingRow.text_hash, EmbeddingRow.vector).where(
                EmbeddingRow.model == model,
                EmbeddingRow.text_hash.in_(wanted[start : start + CHUNK]),
            )
        )
        found.update({h: bytes(v) for h, v in rows})
    return found


def add(tx: Tx, *, model: str, vectors: Mapping[str, bytes]) -> None:
    """Store new vectors (the caller asked `known` first, in the same transaction)."""
    tx.session.add_all(EmbeddingRow(model=model, text_hash=h, vector=v) for h, v in vectors.items())
