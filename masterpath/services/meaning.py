"""Vectors for texts: from the process's memory, then the database cache, then the model.

Keyed by model and a hash of the exact text, so a content reload embeds only what changed.
With no model (not installed, corrupt, or `MASTERPATH_EMBEDDING_MODEL=off`) every caller gets
None and falls back to BM25 alone; `status` says why, for the one visible notice.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from masterpath.meaning import NOTICE, Embedder, Reads, load, load_reader
from masterpath.meaning import goal_fit as goal_fit_file
from masterpath.meaning.goal_fit import GoalFit
from masterpath.services import Context
from masterpath.store import embeddings as store

Vectors = NDArray[np.float32]
MAX_CHARS = 2_000  # the model reads 256 tokens at most; longer text only costs hashing


# Vectors by (model, text hash), for the whole process. Unlike the caches on the context, this
# holds results of a pure function of its key: two apps (or tests) in one process can share it
# without seeing anything of each other, and the built-in content is embedded once a process.
_VECTORS: dict[tuple[str, str], Vectors] = {}

# One-off texts (questions, replies, the sentences and contexts the isolation guard reads) are
# kept too, but only the most recent few thousand (about 6 MB): the same lesson sentences and
# contexts recur on every turn about an item, yet a long-running server must not grow with
# what learners write.
PASSING_KEPT = 4_096
_PASSING: OrderedDict[tuple[str, str], Vectors] = OrderedDict()
_PASSING_LOCK = threading.Lock()


def _memory(ctx: Context) -> dict[tuple[str, str], Vectors]:
    return _VECTORS


def forget() -> None:
    """Empty the process's vectors, as a new process starts (`bench meaning` times that)."""
    _VECTORS.clear()
    with _PASSING_LOCK:
        _PASSING.clear()


def _recent(key: tuple[str, str]) -> Vectors | None:
    """A one-off text's vector when it is still among the recent ones."""
    with _PASSING_LOCK:
        found = _PASSING.get(key)
        if found is not None:
            _PASSING.move_to_end(key)
        return found


def _remember(key: tuple[str, str], vector: Vectors) -> None:
    with _PASSING_LOCK:
        _PASSING[key] = vector
        _PASSING.move_to_end(key)
        while len(_PASSING) > PASSING_KEPT:
            _PASSING.popitem(last=False)


def _known(model: str, text: str, memory: dict[tuple[str, str], Vectors]) -> Vectors | None:
    key = (model, _key(text))
    found = memory.get(key)
    return found if found is not None else _recent(key)


def embedder(ctx: Context) -> Embedder | None:
    return load(ctx.settings.embedding_model)[0]


READ_CHARS = 1_500  # a passage past this is cut: the reader reads 256 tokens at most


def reader(ctx: Context) -> Reads | None:
    """The reader that goes with the embedding model, None without it."""
    return load_reader(ctx.settings.embedding_model)


def answered(ctx: Context, question: str, passages: Sequence[str], *, margin: float = 0.0) -> bool:
    """Whether any of the passages answers the question, as the reader judges (its threshold
    raised by `margin`); True without a reader (the ranker's closeness is all there is then)."""
    judge = reader(ctx)
    if judge is None or not passages:
        return True
    question, read = question[:MAX_CHARS], [p[:READ_CHARS] for p in passages]
    # The best unit usually answers: read it alone first (about a third of the time of three).
    for batch in (read[:1], read[1:]):
        if batch and judge.scores(question, batch).max() >= judge.threshold + margin:
            return True
    return False


def goal_fit(ctx: Context, careers: Sequence[str]) -> GoalFit | None:
    """The goal-fit classifier when it was trained for these careers and the packaged model is
    the one in use; None otherwise (goals are matched on the rest of the evidence)."""
    model = embedder(ctx)
    if model is None or ctx.settings.embedding_model.strip():
        return None
    judge = _goal_fit()
    return judge if judge is not None and judge.applies(model.name, careers) else None


@functools.cache
def _goal_fit() -> GoalFit | None:
    return goal_fit_file.load()


def lexicon(ctx: Context) -> frozenset[str]:
    """The whole words the model's tokenizer knows, empty without a model: a learner's word among
    them is a word, not a typo (`retrieval.respelled`)."""
    words = getattr(embedder(ctx), "words", None)
    return frozenset(words()) if callable(words) else frozenset()


def status(ctx: Context) -> str:
    """Empty when meaning is on; otherwise the notice to show."""
    why = load(ctx.settings.embedding_model)[1]
    return NOTICE.format(why=why) if why else ""


def _key(text: str) -> str:
    return hashlib.sha256(text[:MAX_CHARS].encode("utf-8")).hexdigest()


def vectors(ctx: Context, texts: Sequence[str], *, store_new: bool = True) -> Vectors | None:
    """One unit vector per text (rows in order), or None without a model."""
    model = embedder(ctx)
    if model is None:
        return None
    keys = [_key(t) for t in texts]
    memory = _memory(ctx)
    missing = {k: t for k, t in zip(keys, texts, strict=True) if (model.name, k) not in memory}
    if missing:
        _fill(ctx, model, missing, store_new=store_new)
    if not texts:
        return np.zeros((0, model.dimensions), dtype=np.float32)
    return np.stack([memory[(model.name, k)] for k in keys])


def passing(ctx: Context, texts: Sequence[str]) -> Vectors | None:
    """Vectors of one-off texts (a reply, a context being isolated): read from memory where
    known, computed otherwise, and kept only among the recent ones (`PASSING_KEPT`), so a
    long-running server does not grow."""
    model = embedder(ctx)
    if model is None:
        return None
    memory = _memory(ctx)
    found = [_known(model.name, t, memory) for t in texts]
    todo = [n for n, v in enumerate(found) if v is None]
    if todo:
        made = model.embed([texts[n][:MAX_CHARS] for n in todo])
        for n, row in zip(todo, made, strict=True):
            found[n] = row
            _remember((model.name, _key(texts[n])), row)
    if not texts:
        return np.zeros((0, model.dimensions), dtype=np.float32)
    return np.stack([v for v in found if v is not None])


def one(ctx: Context, text: str) -> Vectors | None:
    """A single text's vector (a learner's question or goal: computed, never stored, and kept
    only among the recent one-off texts, so they do not grow the process)."""
    model = embedder(ctx)
    if model is None:
        return None
    known = _known(model.name, text, _memory(ctx))
    if known is not None:
        return known
    made: Vectors = model.embed([text[:MAX_CHARS]])[0]
    _remember((model.name, _key(text)), made)
    return made


def _fill(ctx: Context, model: Embedder, missing: dict[str, str], *, store_new: bool) -> None:
    memory = _memory(ctx)
    cached: dict[str, bytes] = {}
    if store_new:  # the request path never touches the database (it may be inside a write)
        with ctx.db.begin() as tx:
            cached = store.known(tx, model=model.name, hashes=missing)
    for key, raw in cached.items():
        memory[(model.name, key)] = np.frombuffer(raw, dtype="<f4").copy()
    todo = [k for k in missing if k not in cached]
    if not todo:
        return
    made = model.embed([missing[k][:MAX_CHARS] for k in todo])
    for key, row in zip(todo, made, strict=True):
        memory[(model.name, key)] = row
    if store_new:
        with ctx.db.begin() as tx:
            fresh = store.known(tx, model=model.name, hashes=todo)  # another worker may have won
            store.add(
                tx,
                model=model.name,
                vectors={
                    k: r.astype("<f4").tobytes()
                    for k, r in zip(todo, made, strict=True)
                    if k not in fresh
                },
            )
