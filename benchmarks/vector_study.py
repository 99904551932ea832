"""Exact vs approximate vector search: recall@10 of HNSW and IVF against flat, and their latency.

The passage vectors are the ones the build encoded (read back from the index's embedding cache), the query
vectors are the benchmark questions encoded by the same model. Index parameters are retrieval.vectors' own
(built with retrieval.vectors.build_vectors). With ``latency_size`` above the number of real vectors, a
second, latency-only measurement tiles the real vectors with small noise up to that size: its recall is
not reported (the copies are near-duplicates), only what a search over that many vectors costs.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.measure import percentiles
from benchmarks.scale import make_corpus, read_paragraphs


def _vectors(opts: Any) -> tuple[np.ndarray, np.ndarray]:
    from benchmarks.worker import load_model
    from retrieval.build import indexed_text
    from retrieval.cache import EmbeddingCache, cache_path
    from retrieval.encoder import encode, text_hash

    corpus = make_corpus(read_paragraphs(Path(opts.eval_dir)), opts.size, seed=opts.seed)
    keys = [text_hash(indexed_text(p)) for p in corpus.passages]
    cache = EmbeddingCache(cache_path(opts.index_dir))
    try:
        found = cache.get(opts.model, sorted(set(keys)))
    finally:
        cache.close()
    missing = sum(1 for k in keys if k not in found)
    if missing:
        raise RuntimeError(f"{missing} passage vectors are not in the embedding cache; run the build phase first")
    encoder = load_model(opts)
    queries = encode(encoder, [q.text for q in corpus.questions[: opts.questions]], batch_size=64)
    return np.stack([found[k] for k in keys]).astype(np.float32), queries


def tiled(vectors: np.ndarray, size: int, noise: float, seed: int) -> np.ndarray:
    """size unit rows: the given rows repeated, each copy with its own Gaussian noise (in place, chunk by chunk)."""
    rng = np.random.default_rng(seed)
    out = np.empty((size, vectors.shape[1]), dtype=np.float32)
    step = 100_000
    for start in range(0, size, step):
        rows = np.arange(start, min(size, start + step)) % vectors.shape[0]
        chunk = vectors[rows] + rng.normal(0.0, noise, (rows.size, vectors.shape[1])).astype(np.float32)
        out[start : start + rows.size] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    return out


def recall(found: list[set[int]], truth: list[set[int]]) -> float:
    """Mean share of each query's true top rows that were found."""
    return float(np.mean([len(f & t) / max(1, len(t)) for f, t in zip(found, truth, strict=True)]))


def study(vectors: np.ndarray, queries: np.ndarray, kinds: tuple[str, ...] = ("hnsw", "ivf"), k: int = 10,
          with_recall: bool = True) -> dict[str, Any]:
    """Build each kind, search every query alone (k=100 as the Searcher does), compare the top 10 with flat."""
    from retrieval.faiss_vectors import build_vectors

    out: dict[str, Any] = {"size": int(vectors.shape[0])}
    truth: list[set[int]] = []
    for kind in ("flat", *kinds):
        started = time.perf_counter()
        index = build_vectors(vectors, kind)
        build_s = time.perf_counter() - started
        times, found = _search_each(index, queries, k)
        if kind == "flat":
            truth = found
        entry: dict[str, Any] = {"build_s": build_s, "latency": percentiles(times)}
        if with_recall:
            entry["recall_at_10"] = recall(found, truth)
        if kind == "hnsw" and with_recall:
            entry["ef_search"] = ef_sweep(index, queries, truth, k)
        out[kind] = entry
    return out


def ef_sweep(index: Any, queries: np.ndarray, truth: list[set[int]], k: int, efs: tuple[int, ...] = (64, 128, 256, 512)) -> dict[str, Any]:
    """Recall@k and latency of an HNSW index (retrieval.faiss_vectors.FaissVectors) at several efSearch values (the
    shipped one restored after)."""
    shipped = index.index.hnsw.efSearch
    out: dict[str, Any] = {}
    try:
        for ef in efs:
            index.index.hnsw.efSearch = ef
            times, found = _search_each(index, queries, k)
            out[str(ef)] = {"recall_at_10": recall(found, truth), "latency": percentiles(times)}
    finally:
        index.index.hnsw.efSearch = shipped
    return out


def _search_each(index: Any, queries: np.ndarray, k: int) -> tuple[list[float], list[set[int]]]:
    """Each query searched alone for the Searcher's CANDIDATES nearest rows: the seconds of each search, and the
    top k rows it found."""
    from retrieval.search import CANDIDATES

    times: list[float] = []
    found: list[set[int]] = []
    for q in queries:
        t = time.perf_counter()
        rows = index.search(q, CANDIDATES)
        times.append(time.perf_counter() - t)
        found.append({r for r, _ in rows[:k]})
    return times, found


def phase_vectors(opts: Any) -> dict[str, Any]:
    vectors, queries = _vectors(opts)
    out: dict[str, Any] = {"real": study(vectors, queries)}
    if opts.latency_size and opts.latency_size > vectors.shape[0]:
        big = tiled(vectors, opts.latency_size, 0.05, seed=opts.seed)
        out["tiled"] = study(big, queries[:300], with_recall=False)
    return out
