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


class Reads(Protocol):
    threshold: float

    def scores(self, question: str, passages: list[str]) -> NDArray[np.float64]:
        """How strongly each passage answers the question: above `threshold`, it does."""
        ...


_readers: dict[str, Reads | None] = {}


def load_reader(setting: str) -> Reads | None:
    """The reader that goes with the embedding model a setting names (only the packaged
    all-MiniLM-L6-v2 has one), once per process; None without it, and the mentor decides
    "outside the content" on closeness alone."""
    if setting not in _readers:
        _readers[setting] = _load_reader(setting)
    return _readers[setting]


def _load_reader(setting: str) -> Reads | None:
    model = load(setting)[0]
    if model is None or setting.strip():  # a model of the user's own: the reader is not its
        return None
    from masterpath.meaning.minilm import MiniLM, ModelMissing
    from masterpath.meaning.reader import Reader

    try:
        return Reader(model) if isinstance(model, MiniLM) else None
    except ModelMissing as exc:
        log.warning("The mentor's reader is off (%s): outside is judged on closeness alone.", exc)
        return None
