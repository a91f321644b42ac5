"""The numpy runtime gives sentence-transformers' own vectors; a missing model is a notice."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from masterpath import meaning
from masterpath.meaning.minilm import MiniLM, ModelMissing, packaged_zip

REFERENCE = Path(__file__).parents[1] / "fixtures" / "meaning" / "reference.json"


def test_vectors_equal_sentence_transformers_own() -> None:
    reference = json.loads(REFERENCE.read_text())
    ours = MiniLM().embed(reference["sentences"])
    theirs = np.asarray(reference["vectors"], dtype=np.float32)
    assert ours.shape == (len(reference["sentences"]), 384)
    assert np.abs(ours - theirs).max() < 1e-5  # written by scripts/reference_vectors.py
    assert (ours * theirs).sum(axis=1) == pytest.approx(np.ones(len(ours)), abs=1e-6)


def test_similar_sentences_are_closer_than_unrelated_ones() -> None:
    a, b, c = MiniLM().embed(
        [
            "How do I stop a container gracefully?",
            "What makes docker stop shut my server down cleanly?",
            "What is a good sourdough hydration for a beginner?",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.3


def test_a_corrupt_model_file_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "model.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ModelMissing, match="cannot read the model at"):
        MiniLM(broken)
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("config.json", "{}")
    with pytest.raises(ModelMissing, match=r"model\.safetensors"):
        MiniLM(empty)


def test_load_falls_back_with_a_reason_instead_of_raising(tmp_path: Path) -> None:
    model, why = meaning.load(str(tmp_path / "missing.zip"))
    assert model is None and "cannot read the model" in why
    assert meaning.load("off") == (None, "MASTERPATH_EMBEDDING_MODEL is off")
    assert packaged_zip().is_file()


def test_commands_without_meaning_never_import_the_model_runtime() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from masterpath.cli import main;"
        "CliRunner().invoke(main, ['user', '--help']); CliRunner().invoke(main, ['db', '--help']);"
        "print(sorted(m for m in ('tokenizers', 'safetensors', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
