"""The process's vectors: one-off texts are kept only among the most recent."""

from __future__ import annotations

import secrets

import numpy as np
import pytest
from sqlalchemy import select

from masterpath.services import Context, meaning
from masterpath.store.models import EmbeddingRow


def test_one_off_texts_are_kept_only_among_the_most_recent(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(meaning, "PASSING_KEPT", 2)
    token = secrets.token_hex(4)  # texts no earlier test embedded
    first, second, third = (f"one-off question {n} about ports ({token})" for n in range(3))
    vector = meaning.one(ctx, first)
    assert vector is not None
    assert meaning.one(ctx, first) is vector  # kept: not computed again
    meaning.passing(ctx, [second, third])  # two newer texts push the first out
    assert len(meaning._PASSING) == 2
    again = meaning.one(ctx, first)
    assert again is not vector and again is not None  # computed again, to the same values
    np.testing.assert_allclose(again, vector, atol=1e-6)


def test_vectors_are_stored_in_the_database_and_read_back_from_it(ctx: Context) -> None:
    """The content's vectors: computed once and stored; a process that has not computed them
    reads them from the database rather than from the model (the suite may start with the
    built-in content's vectors in memory, conftest.py, so these texts are new to every run)."""
    from masterpath.store import embeddings as store

    token = secrets.token_hex(4)
    texts = [f"a lesson sentence about volumes ({token})", f"another about networks ({token})"]
    model = meaning.embedder(ctx)
    assert model is not None
    keys = [(model.name, meaning._key(t)) for t in texts]
    try:
        made = meaning.vectors(ctx, texts)
        assert made is not None and made.shape == (2, model.dimensions)
        with ctx.db.begin() as tx:
            stored = store.known(tx, model=model.name, hashes=[k for _, k in keys])
        assert set(stored) == {k for _, k in keys}
        for (_, digest), row in zip(keys, made, strict=True):
            np.testing.assert_array_equal(np.frombuffer(stored[digest], dtype="<f4"), row)
        # A process without them in memory: a row changed in the database is what it reads.
        for key in keys:
            del meaning._VECTORS[key]
        marked = np.zeros(model.dimensions, dtype="<f4")
        marked[0] = 1.0
        with ctx.db.begin() as tx:
            for row in tx.session.scalars(
                select(EmbeddingRow).where(EmbeddingRow.text_hash == keys[0][1])
            ):
                row.vector = marked.tobytes()
        again = meaning.vectors(ctx, texts)
        assert again is not None
        np.testing.assert_array_equal(again[0], marked)
        np.testing.assert_array_equal(again[1], made[1])
    finally:  # never leave the changed vector in the process's memory (nor .test-vectors)
        for key in keys:
            meaning._VECTORS.pop(key, None)


KV_CACHE = (
    "How do I calculate how much KV cache one token needs?. Use 2 × layers × KV heads × head "
    "dimension × bytes per element. The 2 is because both a key and a value vector are stored "
    "for every layer and KV head. A model with 40 layers, 8 KV heads and head dimension 128, "
    "cached in FP16 (2 bytes), needs 2 × 40 × 8 × 128 × 2 = 163,840 bytes, or 160 KiB per token."
)


def test_the_reader_tells_an_answering_passage_from_one_on_the_same_topic(ctx: Context) -> None:
    if meaning.reader(ctx) is None:
        pytest.skip("the embedding model is not installed")
    asked = "how many bytes of kv cache does each token take, roughly?"
    assert meaning.answered(ctx, asked, [KV_CACHE])
    assert not meaning.answered(ctx, "how do I replace the brake pads on a 2015 civic?", [KV_CACHE])
    # the best of several passages decides
    assert meaning.answered(ctx, asked, ["Bake the loaf for 40 minutes at 220 °C.", KV_CACHE])
    # the margin raises the bar: the same passage, scored once, falls on either side of it
    judge = meaning.reader(ctx)
    assert judge is not None
    score = float(judge.scores(asked, [KV_CACHE])[0])
    margin = score - judge.threshold
    assert meaning.answered(ctx, asked, [KV_CACHE], margin=margin - 0.01)
    assert not meaning.answered(ctx, asked, [KV_CACHE], margin=margin + 0.01)


def test_without_the_model_closeness_alone_decides(ctx: Context) -> None:
    off = Context(ctx.settings.model_copy(update={"embedding_model": "off"}), ctx.db, ctx.clock)
    assert meaning.reader(off) is None
    assert meaning.answered(off, "how do I replace the brake pads on a 2015 civic?", [KV_CACHE])
