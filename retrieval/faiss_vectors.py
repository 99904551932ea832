"""The embedded dense index (retrieval.vectors.VectorIndex): unit vectors in a FAISS file of the index's version
directory, searched by inner product (cosine similarity).

Exact search (flat) up to FLAT_LIMIT passages, where it takes a few milliseconds; HNSW above, which keeps a
query fast on a large corpus at a small cost in recall, its vectors stored as float16 (half the memory of float32:
a million 384-d vectors take 0.77 GB instead of 1.5; a component changes by less than FP16_TOLERANCE).
IVF is there for very large corpora that must stay small in memory. ``IndexSettings.vector_index`` picks one;
"auto" follows the size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from retrieval.config import VectorIndexKind
from retrieval.store import VECTORS

# Flat (exact) search costs ~0.11 ms a query per 1,000 vectors (384-d, one thread: 1.1 ms at 10k, 12.1 ms at 100k);
# HNSW 0.3-0.5 ms at recall@10 0.993-0.997 (benchmarks/RESULTS.md, run 5). Flat while it costs a couple of milliseconds.
FLAT_LIMIT = 20_000
HNSW_NEIGHBOURS = 32
# efSearch by the graph's size (float16 graphs, recall@10 against exact search): at 100k real MiniLM vectors 0.993 at
# 128 (p50 0.7 ms) and 0.996 at 256 (1.3 ms); at 1M tiled vectors 0.960 at 128 (p50 1.3 ms) and 0.987 at 256 (2.4 ms)
# (benchmarks/RESULTS.md, run 5). Between 100k and 1M it was not measured: the larger value from twice the size on.
HNSW_EF_SEARCH = 256
HNSW_EF_SEARCH_SMALL = 128
HNSW_SMALL_ROWS = 200_000
HNSW_EF_CONSTRUCTION = 200
# float16 vectors in the HNSW graph (faiss.IndexHNSWSQ, QT_fp16): at a million tiled MiniLM vectors, recall@10
# against exact search 0.987 at efSearch 256 (float32: 0.988), p95 3.0 ms, and 1.04 instead of 1.81 GB of index;
# the build took 1,386 s instead of 882 (benchmarks/RESULTS.md, run 5, "A million vectors in float16").
FP16_TOLERANCE = 1e-3  # a stored float16 component is within this of its float32 (unit vectors: |x| <= 1, 11-bit mantissa)
IVF_PROBES = 16  # at least; IVF_PROBE_SHARE of the lists on large indexes
IVF_PROBE_SHARE = 1 / 32  # 125 of 4,000 lists at 1M vectors; measured there (benchmarks/million.py): nprobe 128 recall@10 0.985, 16 only 0.853


class FaissVectors:
    """A FAISS index as a retrieval.vectors.VectorIndex; ``index`` is FAISS's own object (its settings, its file)."""

    def __init__(self, index: Any) -> None:
        self.index = index

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def search(self, query: np.ndarray, n: int) -> list[tuple[int, float]]:
        """The n nearest rows to a unit query vector: (row, cosine similarity), best first."""
        n = min(n, self.size)
        if n <= 0:
            return []
        sims, rows = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), n)
        return [(int(r), float(s)) for r, s in zip(rows[0], sims[0], strict=True) if r >= 0]


def choose_kind(requested: VectorIndexKind, size: int) -> str:
    """The index kind to build for a corpus of this size."""
    if requested != "auto":
        return requested
    return "flat" if size <= FLAT_LIMIT else "hnsw"


def build_vectors(vectors: np.ndarray, kind: str) -> FaissVectors:
    """A FAISS index over unit vectors (rows), searched by inner product."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    size, dim = vectors.shape
    index: Any
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_fp16, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors[:1])  # float16 has nothing to learn; FAISS wants the call
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = ef_search(size)
    elif kind == "ivf":
        # About 4*sqrt(n) lists, with at least 39 training points per list as FAISS recommends.
        lists = max(1, min(int(4 * np.sqrt(size)), size // 39))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = ivf_probes(lists)
    else:
        raise ValueError(f"unknown vector index kind {kind!r} (expected flat, hnsw or ivf)")
    index.add(vectors)
    return FaissVectors(index)


def extend_previous(previous: Path, vectors: np.ndarray, kind: str) -> FaissVectors | None:
    """The previous build's index with this build's new rows added, when the build only appends rows; else None.

    Rebuilding an HNSW graph is most of a small rebuild at scale (at 100k passages 108 s of a 113 s rebuild after
    adding 1%, benchmarks/RESULTS.md); adding the new 1% to the previous graph takes a second or two. The previous
    index is used only when it is the same kind, dimension and metric, and every row it holds has the vector this
    build has for that row (exactly; for HNSW's float16 vectors, to within FP16_TOLERANCE), compared in blocks, so
    that a changed model, text or order builds anew. IVF is always built anew: its lists keep no vectors to compare
    without a direct map.
    """
    import faiss

    kinds = {"flat": faiss.IndexFlatIP, "hnsw": faiss.IndexHNSWSQ}
    if kind not in kinds or not previous.is_file():
        return None
    try:
        index = load_vectors(previous).index
    except RuntimeError:  # FAISS reports an unreadable file so
        return None
    held = index.ntotal
    if type(index) is not kinds[kind] or index.metric_type != faiss.METRIC_INNER_PRODUCT or index.d != vectors.shape[1] or not 0 < held <= len(vectors):
        return None
    tolerance = FP16_TOLERANCE if kind == "hnsw" else 0.0
    for start in range(0, held, _COMPARE_ROWS):
        stop = min(held, start + _COMPARE_ROWS)
        if np.abs(index.reconstruct_n(start, stop - start) - vectors[start:stop]).max(initial=0.0) > tolerance:
            return None
    if kind == "hnsw":
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.add(np.ascontiguousarray(vectors[held:], dtype=np.float32))
    return FaissVectors(index)


_COMPARE_ROWS = 20_000  # rows of the previous index compared at a time (30 MB of 384-d vectors)


def ef_search(rows: int) -> int:
    """How many candidates an HNSW search of a graph this large keeps (FAISS's efSearch)."""
    return HNSW_EF_SEARCH_SMALL if rows <= HNSW_SMALL_ROWS else HNSW_EF_SEARCH


def ivf_probes(lists: int) -> int:
    """How many of an IVF index's lists a search visits."""
    return min(lists, max(IVF_PROBES, round(lists * IVF_PROBE_SHARE)))


def save_vectors(vectors: FaissVectors, path: Path) -> None:
    import faiss

    faiss.write_index(vectors.index, str(path))


def load_vectors(path: Path) -> FaissVectors:
    import faiss

    index: Any = faiss.read_index(str(path))
    # Search-time settings are not all kept in the file.
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = ef_search(index.ntotal)
    if hasattr(index, "nprobe"):
        index.nprobe = ivf_probes(index.nlist)
    return FaissVectors(index)


def open_faiss(version: Path) -> FaissVectors:
    """The dense index of an index version: its FAISS file (retrieval.vectors.OpenVectors)."""
    return load_vectors(version / VECTORS)
