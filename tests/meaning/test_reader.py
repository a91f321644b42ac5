"""The reader on numpy gives the scores torch gave when it was trained and exported
(`scripts/train_reader.py export` wrote the reference with the float16 weights that ship)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from masterpath.meaning.minilm import MiniLM, ModelMissing
from masterpath.meaning.reader import Reader

REFERENCE = Path(__file__).parents[1] / "fixtures" / "meaning" / "reader_reference.json"


@pytest.fixture(scope="module")
def reader() -> Reader:
    try:
        return Reader(MiniLM())
    except ModelMissing as exc:
        pytest.skip(f"the embedding model is not installed: {exc}")


def test_numpy_scores_match_the_trained_model(reader: Reader) -> None:
    rows = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert len(rows) >= 5
    for row in rows:
        (score,) = reader.scores(row["question"], [row["passage"]])
        assert score == pytest.approx(row["score"], abs=2e-3), row["question"]


def test_scores_come_one_per_passage_in_order(reader: Reader) -> None:
    row = json.loads(REFERENCE.read_text(encoding="utf-8"))[0]
    together = reader.scores(row["question"], [row["passage"], "Bake the bread for 40 minutes."])
    alone = reader.scores(row["question"], ["Bake the bread for 40 minutes."])
    assert together.shape == (2,)
    assert together[0] == pytest.approx(row["score"], abs=2e-3)
    assert together[1] == pytest.approx(alone[0], abs=1e-4)  # padding changes nothing
    assert len(reader.scores(row["question"], [])) == 0


def test_a_corrupt_reader_file_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "reader.safetensors"
    broken.write_bytes(b"not safetensors")
    with pytest.raises(ModelMissing, match="cannot read the reader"):
        Reader(MiniLM(), broken)
