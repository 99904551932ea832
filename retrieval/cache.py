"""The embedding cache: vectors kept by (model, text hash) beside the index, so a rebuild embeds only new text.

(Its lexical counterpart, folded text and term ids by term scheme and text hash, is retrieval.term_cache.)

It lives in the index directory beside the versions (retrieval.layout), so it survives the swap of one index
version for the next; it is only a cache, and deleting it costs time, not data.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from retrieval.layout import EMBEDDING_CACHE

_SCHEMA = "CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, hash))"
_CHUNK = 500  # SQLite limits the number of parameters of one statement


def cache_path(index_dir: Path) -> Path:
    """Where the embedding cache of an index directory lives."""
    return index_dir / EMBEDDING_CACHE


class EmbeddingCache:
    """Float32 vectors in SQLite, keyed by model name and text hash."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute(_SCHEMA)

    def get(self, model: str, hashes: Sequence[str], dim: int | None = None) -> dict[str, np.ndarray]:
        """The cached vectors among these hashes (of the right dimension, when dim is given)."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), _CHUNK):
            chunk = list(hashes[start : start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT hash, vector FROM embeddings WHERE model = ? AND hash IN ({marks})", [model, *chunk])
            for key, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if dim is None or vector.shape[0] == dim:
                    found[key] = vector
        return found

    def hashes(self, model: str) -> list[str]:
        """The text hashes the cache holds vectors of for this model."""
        return [key for (key,) in self._db.execute("SELECT hash FROM embeddings WHERE model = ?", [model])]

    def put(self, model: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store vectors (replacing any under the same key)."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                ((model, key, np.ascontiguousarray(vector, dtype=np.float32).tobytes()) for key, vector in items),
            )

    def close(self) -> None:
        self._db.close()
