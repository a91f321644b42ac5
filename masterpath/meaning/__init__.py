"""Sentence embeddings behind a small adapter, like the mentor's providers.

Loading weights is I/O, so it lives here, not in `domain/`; `domain/` receives the vectors
(numpy arrays) and does the ranking, fusion, isolation and grading math. The model is loaded
once per process, and only by the commands that need meaning: importing this package imports
neither `tokenizers` nor `safetensors`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)
OFF = "off"
NOTICE = "Sentence embeddings are off ({why}): matching runs on BM25 alone."


class Embedder(Protocol):
    name: str
    dimensions: int

    def embed(self, texts: list[str], *, batch: int = 16, threads: int = 2) -> NDArray[np.float32]:
        """Unit vectors, one row per text."""
        ...


_loaded: dict[str, tuple[Embedder | None, str]] = {}


def load(setting: str) -> tuple[Embedder | None, str]:
    """The model a setting names, once per process, and why there is none (empty when loaded).

    A missing or corrupt model never stops the product: the reason is logged once, and the
    caller falls back to BM25 and shows it.
    """
    if setting not in _loaded:
        _loaded[setting] = _load(setting)
        if _loaded[setting][1]:
            log.warning(NOTICE.format(why=_loaded[setting][1]))
    return _loaded[setting]


def _load(setting: str) -> tuple[Embedder | None, str]:
    if setting.strip().lower() == OFF:
        return None, "MASTERPATH_EMBEDDING_MODEL is off"
    from masterpath.meaning.minilm import MiniLM, ModelMissing

    try:
        return MiniLM(Path(setting) if setting.strip() else None), ""
    except ModelMissing as exc:
        return None, str(exc)
