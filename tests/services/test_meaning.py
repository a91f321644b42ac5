"""The process's vectors: one-off texts are kept only among the most recent."""

from __future__ import annotations

import secrets

import numpy as np
import pytest

from masterpath.services import Context, meaning


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
