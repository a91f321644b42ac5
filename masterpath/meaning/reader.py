"""The reader: does this passage answer this question?

all-MiniLM-L6-v2 fine-tuned as a cross-encoder (`scripts/train_reader.py`): the question and
the passage are read together as one BERT pair, "[CLS] question [SEP] passage [SEP]", so each
word of the question attends to the passage's, and a one-number head on the [CLS] state says
whether the passage answers it. Only the last layers were trained: `reader.safetensors` holds
those layers and the head (float16, a few MB); the first layers are the embedding model's own,
shared with it. The sentence embedder ranks; the reader only decides "outside the content" for
questions the ranker did find something close to.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from masterpath.meaning.minilm import LAYERS, MiniLM, ModelMissing

FILE = Path(__file__).with_name("reader.safetensors")
PREFIX = "reader."


class Reader:
    def __init__(self, model: MiniLM, path: Path = FILE) -> None:
        from safetensors import safe_open
        from safetensors.numpy import load_file

        try:
            weights = load_file(str(path))
            with safe_open(str(path), framework="numpy") as opened:
                metadata = opened.metadata() or {}
            trained = int(metadata["layers"])
            self.threshold = float(metadata["threshold"])
        except (OSError, KeyError, ValueError, Exception) as exc:
            raise ModelMissing(f"cannot read the reader at {path}: {exc}") from exc
        self._model = model
        self._head = weights.pop("head.weight").astype(np.float32).reshape(-1)
        self._bias = float(weights.pop("head.bias").reshape(-1)[0])
        model.add({PREFIX + k: v.astype(np.float32) for k, v in weights.items()})
        first = LAYERS - trained
        self._prefixes = tuple(f"encoder.layer.{n}." for n in range(first)) + tuple(
            f"{PREFIX}encoder.layer.{n}." for n in range(first, LAYERS)
        )

    def scores(self, question: str, passages: list[str]) -> NDArray[np.float64]:
        """How strongly each passage answers the question (a logit: above `threshold`, it
        answers it)."""
        if not passages:
            return np.zeros(0)
        firsts = self._model.firsts([(question, p) for p in passages], self._prefixes)
        return (firsts @ self._head + self._bias).astype(np.float64)
