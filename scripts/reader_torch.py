"""all-MiniLM-L6-v2 in torch as a cross-encoder for `scripts/train_reader.py`: the package's
weights, token types for the question and the passage, a one-number head on [CLS]. Only the
last `layers` encoder layers and the head are trained; the states before them are computed once
(`Reader.frozen`) and reused for every epoch."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import load as load_weights
from tokenizers import Tokenizer
from torch import nn

MAX_TOKENS = 256
Weights = dict[str, torch.Tensor]


def _mask(real: torch.Tensor) -> torch.Tensor:
    return torch.zeros(real.shape).masked_fill(~real, -1e9)[:, None, None, :]


class Layer(nn.Module):
    """One BERT encoder layer, query, key and value as one linear layer."""

    def __init__(self, w: Weights, p: str) -> None:
        super().__init__()
        self.qkv = nn.Linear(384, 3 * 384)
        self.out = nn.Linear(384, 384)
        self.norm1 = nn.LayerNorm(384, eps=1e-12)
        self.inner = nn.Linear(384, 1536)
        self.outer = nn.Linear(1536, 384)
        self.norm2 = nn.LayerNorm(384, eps=1e-12)
        a = p + "attention."
        with torch.no_grad():
            for part in ("weight", "bias"):
                joined = torch.cat([w[f"{a}self.{n}.{part}"] for n in ("query", "key", "value")])
                getattr(self.qkv, part).copy_(joined)
            for module, key in (
                (self.out, a + "output.dense"),
                (self.norm1, a + "output.LayerNorm"),
                (self.inner, p + "intermediate.dense"),
                (self.outer, p + "output.dense"),
                (self.norm2, p + "output.LayerNorm"),
            ):
                module.weight.copy_(w[key + ".weight"])
                module.bias.copy_(w[key + ".bias"])

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, 12, 32).permute(2, 0, 3, 1, 4)
        attended = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = self.norm1(x + self.out(attended.transpose(1, 2).reshape(b, t, 384)))
        return self.norm2(x + self.outer(nn.functional.gelu(self.inner(x))))


class Reader(nn.Module):
    def __init__(self, w: Weights, layers: int) -> None:
        super().__init__()
        self.split = 6 - layers
        self.word = nn.Embedding.from_pretrained(w["embeddings.word_embeddings.weight"])
        self.position = nn.Embedding.from_pretrained(w["embeddings.position_embeddings.weight"])
        self.types = nn.Embedding.from_pretrained(w["embeddings.token_type_embeddings.weight"])
        self.norm = nn.LayerNorm(384, eps=1e-12)
        with torch.no_grad():
            self.norm.weight.copy_(w["embeddings.LayerNorm.weight"])
            self.norm.bias.copy_(w["embeddings.LayerNorm.bias"])
        self.layers = nn.ModuleList(Layer(w, f"encoder.layer.{n}.") for n in range(6))
        self.head = nn.Linear(384, 1)
        for module in [self.norm, *self.layers[: self.split]]:
            for param in module.parameters():
                param.requires_grad = False

    def frozen(self, ids: torch.Tensor, types: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        """The states after the layers that are not trained."""
        positions = torch.arange(ids.shape[1])[None, :]
        x = self.norm(self.word(ids) + self.position(positions) + self.types(types))
        for layer in self.layers[: self.split]:
            x = layer(x, _mask(real))
        return x

    def trained(self, x: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        for layer in self.layers[self.split :]:
            x = layer(x, _mask(real))
        return self.head(x[:, 0]).squeeze(-1)  # type: ignore[no-any-return]

    def forward(self, ids: torch.Tensor, types: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        return self.trained(self.frozen(ids, types, real), real)


class Encoder:
    """(question, passage) pairs as padded ids, token types and the mask of real tokens."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(
        self, batch: list[tuple[str, str]] | list[str]
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        encoded = self.tokenizer.encode_batch(batch)
        width = max(len(e.ids) for e in encoded)
        ids = torch.zeros((len(encoded), width), dtype=torch.long)
        types = torch.zeros_like(ids)
        real = torch.zeros((len(encoded), width), dtype=torch.bool)
        for n, e in enumerate(encoded):
            ids[n, : len(e.ids)] = torch.tensor(e.ids)
            types[n, : len(e.ids)] = torch.tensor(e.type_ids)
            real[n, : len(e.ids)] = True
        return ids, types, real


def load(zip_path: Path, layers: int) -> tuple[Reader, Encoder]:
    with zipfile.ZipFile(zip_path) as archive:
        raw = load_weights(archive.read("model.safetensors"))
        tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode())
    tokenizer.enable_truncation(MAX_TOKENS, strategy="only_second")
    tokenizer.no_padding()
    w = {k: torch.from_numpy(np.array(v)) for k, v in raw.items()}
    return Reader(w, layers), Encoder(tokenizer)
