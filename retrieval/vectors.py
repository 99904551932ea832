"""The dense index: unit vectors in FAISS, searched by inner product (cosine similarity).

Exact search (flat) up to FLAT_LIMIT passages, where it takes a few milliseconds; HNSW above, which keeps a
query fast on a large corpus at a small cost in recall. IVF is there for very large corpora that must stay
small in memory. ``IndexSettings.vector_index`` picks one; "auto" follows the size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from retrieval.config import VectorIndexKind

FLAT_LIMIT = 50_000
HNSW_NEIGHBOURS = 32
HNSW_EF_SEARCH = 256  # measured at 1M vectors (benchmarks/million.py): recall@10 0.960 at 128, 0.988 at 256 (p95 3.5 ms)
HNSW_EF_CONSTRUCTION = 200
IVF_PROBES = 16  # at least; IVF_PROBE_SHARE of the lists on large indexes
IVF_PROBE_SHARE = 1 / 32  # 125 of 4,000 lists at 1M vectors; measured there (benchmarks/million.py): nprobe 128 recall@10 0.985, 16 only 0.853


def choose_kind(requested: VectorIndexKind, size: int) -> str:
    """The index kind to build for a corpus of this size."""
    if requested != "auto":
        return requested
    return "flat" if size <= FLAT_LIMIT else "hnsw"


def build_vectors(vectors: np.ndarray, kind: str) -> Any:
    """A FAISS index over unit vectors (rows), searched by inner product."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    size, dim = vectors.shape
    index: Any
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    elif kind == "ivf":
        # About 4*sqrt(n) lists, with at least 39 training points per list as FAISS recommends.
        lists = max(1, min(int(4 * np.sqrt(size)), size // 39))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = ivf_probes(lists)
    else:
        raise ValueError(f"unknown vector index kind {kind!r} (expected flat, hnsw or ivf)")
    index.add(vectors)
    return index


def ivf_probes(lists: int) -> int:
    """How many of an IVF index's lists a search visits."""
    return min(lists, max(IVF_PROBES, round(lists * IVF_PROBE_SHARE)))


def save_vectors(index: Any, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def load_vectors(path: Path) -> Any:
    import faiss

    index: Any = faiss.read_index(str(path))
    # Search-time settings are not all kept in the file.
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    if hasattr(index, "nprobe"):
        index.nprobe = ivf_probes(index.nlist)
    return index


def search_vectors(index: Any, query: np.ndarray, n: int) -> list[tuple[int, float]]:
    """The n nearest rows to a unit query vector: (row, cosine similarity), best first."""
    n = min(n, index.ntotal)
    if n <= 0:
        return []
    sims, rows = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), n)
    return [(int(r), float(s)) for r, s in zip(rows[0], sims[0], strict=True) if r >= 0]
