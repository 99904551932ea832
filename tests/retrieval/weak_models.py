"""Deliberately weak sentence encoders, made in the test: what the dense self-test (retrieval.selftest) must keep out.

- ``static_model``: a real sentence-transformers model, a StaticEmbedding (mean of per-token vectors, the kind of
  model issue 13's weak Chinese model was) over a character tokenizer of Chinese, its token vectors random. Its
  tokenizer has no unknown token, so the unknown-token gate cannot look at it.
- ``RandomEncoder``: a seeded random unit vector for each text (the same text, the same vector).
- ``ConstantEncoder``: the same vector for every text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np


class RandomEncoder:
    """A seeded random unit vector per text, whatever the text says."""

    def __init__(self, dim: int = 64, seed: int = 0) -> None:
        self.dim, self.seed = dim, seed

    def encode(self, sentences: list[str], **kwargs: Any) -> np.ndarray:
        rows = []
        for text in sentences:
            digest = hashlib.blake2b(f"{self.seed}\0{text}".encode(), digest_size=8).digest()
            row = np.random.default_rng(int.from_bytes(digest, "little")).standard_normal(self.dim)
            rows.append(row / np.linalg.norm(row))
        return np.asarray(rows, dtype=np.float32).reshape(len(sentences), self.dim)


class ConstantEncoder:
    """One vector for every text."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    def encode(self, sentences: list[str], **kwargs: Any) -> np.ndarray:
        return np.tile(np.full(self.dim, 1.0 / np.sqrt(self.dim), dtype=np.float32), (len(sentences), 1))


def static_model(texts: Iterable[str], dim: int = 64, seed: int = 0) -> Any:
    """A StaticEmbedding SentenceTransformer with random token vectors over a character tokenizer of these texts.

    Each Chinese character is a token (BERT's pre-tokenizer splits them apart), as are Latin words and digits; a
    piece the vocabulary lacks maps to a padding token, which has no vector's say in the mean (the tokenizer
    declares no unknown token, as a static model's may not).
    """
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=True)
    pre = pre_tokenizers.BertPreTokenizer()
    vocab = {"[PAD]": 0}
    for text in texts:
        for piece, _ in pre.pre_tokenize_str(normalizer.normalize_str(text)):
            vocab.setdefault(piece, len(vocab))
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[PAD]"))
    tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre
    weights = np.random.default_rng(seed).standard_normal((len(vocab), dim)).astype(np.float32)
    weights[0] = 0.0
    return SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)], device="cpu")


def save_static_model(texts: Iterable[str], path: Path, dim: int = 64, seed: int = 0) -> Path:
    """static_model saved to a directory, for ``quotebot eval --model PATH``."""
    static_model(texts, dim, seed).save(str(path))
    return path
