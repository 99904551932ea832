"""Vector search at a million passages: exact vs IVF vs HNSW, recall@10 against exact, latency, memory.

    python -m benchmarks.million --model PATH [--size 1000000] [--hnsw/--no-hnsw]

Encoding a million passages with MiniLM on 2 cores would take days, so the vectors are made from real ones:
the 10,000 passage vectors of the benchmark's dense build (read from its embedding cache: run
``python -m benchmarks.run --size 10000 --model PATH`` first) are tiled to ``--size`` rows and each copy gets
Gaussian noise of ``--noise`` per dimension, then is normalised again. At the default 0.05 (about the size of a
unit vector's own per-dimension spread at 384 dimensions) a copy keeps a cosine of about 0.7 with its source:
the rows are 10,000 loose clusters, not duplicates, so an approximate index has real work to do. The queries are
the benchmark's real questions, encoded by the same model. Exact top 10 (flat) is the truth for recall@10.
Every query is searched alone for 100 neighbours, as the Searcher asks.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click
import numpy as np

from benchmarks.measure import machine, memory_mib, percentiles
from benchmarks.vector_study import recall, tiled

K = 10


def timed_search(index: Any, queries: np.ndarray, n: int) -> tuple[list[set[int]], dict[str, float]]:
    """Top-K row sets and per-query latency, one query per call."""
    found, times = [], []
    for q in queries:
        started = time.perf_counter()
        _, rows = index.search(q.reshape(1, -1), n)
        times.append(time.perf_counter() - started)
        found.append({int(r) for r in rows[0][:K] if r >= 0})
    return found, percentiles(times)


@click.command()
@click.option("--model", required=True, type=click.Path(exists=True, file_okay=False), help="The model of the 10k dense build.")
@click.option("--size", type=int, default=1_000_000, show_default=True)
@click.option("--noise", type=float, default=0.05, show_default=True)
@click.option("--queries", "n_queries", type=int, default=300, show_default=True)
@click.option("--probes", default="8,16,32,64,128", show_default=True, help="IVF nprobe values to sweep ('' skips IVF).")
@click.option("--hnsw/--no-hnsw", default=True, show_default=True)
@click.option("--hnsw-m", type=int, default=32, show_default=True)
@click.option("--hnsw-ef-construction", type=int, default=40, show_default=True)
@click.option("--hnsw-storage", type=click.Choice(["flat", "fp16", "sq8"]), default="flat", show_default=True,
              help="How the HNSW index keeps the vectors: float32, float16 or 8-bit scalar quantised.")
@click.option("--ef-search", default="64,128,256", show_default=True, help="HNSW efSearch values to sweep.")
@click.option("--threads", type=int, default=2, show_default=True, help="FAISS threads while building; searches are one query per call.")
@click.option("--data-dir", type=click.Path(path_type=Path), default=Path("benchmarks/data"), show_default=True)
@click.option("--eval-dir", type=click.Path(path_type=Path), default=Path("../shared/eval"), show_default=True)
def main(model: str, size: int, noise: float, n_queries: int, probes: str, hnsw: bool, hnsw_m: int, hnsw_ef_construction: int,
         hnsw_storage: str, ef_search: str, threads: int, data_dir: Path, eval_dir: Path) -> None:
    """Flat vs IVF vs HNSW over a million tiled real vectors."""
    import faiss

    from benchmarks.vector_study import _vectors
    from benchmarks.worker import Options

    opts = Options(data_dir=str(data_dir), eval_dir=str(eval_dir), size=10_000, model=model, questions=n_queries, threads=1)
    real, queries = _vectors(opts)
    queries = np.ascontiguousarray(queries[:n_queries], dtype=np.float32)
    vectors = tiled(real, size, noise, seed=13)
    del real
    out: dict[str, Any] = {"machine": machine(), "size": size, "dim": int(vectors.shape[1]), "noise": noise, "queries": len(queries)}
    faiss.omp_set_num_threads(threads)

    def report(name: str, entry: dict[str, Any]) -> None:
        entry["rss_mib"] = memory_mib()
        out[name] = entry
        click.echo(f"{name}: {json.dumps(entry)}", err=True)

    dim = vectors.shape[1]
    flat = faiss.IndexFlatIP(dim)
    flat.add(vectors)
    _, truth_rows = flat.search(queries, K)  # batched, for the truth
    truth = [set(map(int, row)) for row in truth_rows]
    faiss.omp_set_num_threads(1)
    _, latency = timed_search(flat, queries[:100], 100)
    report("flat", {"latency": latency, "recall_at_10": 1.0})
    del flat

    ivf_probes = [int(p) for p in probes.split(",") if p.strip()]
    faiss.omp_set_num_threads(threads)
    lists = int(4 * np.sqrt(size))
    started = time.perf_counter()
    ivf = None if not ivf_probes else faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
    if ivf is not None:
        sample = vectors[np.random.default_rng(1).choice(size, min(size, 64 * lists), replace=False)]
        ivf.train(sample)
        ivf.add(vectors)
    build_s = time.perf_counter() - started
    faiss.omp_set_num_threads(1)
    for nprobe in ivf_probes:
        ivf.nprobe = nprobe
        found, latency = timed_search(ivf, queries, 100)
        report(f"ivf{lists}-nprobe{nprobe}", {"build_s": build_s, "latency": latency, "recall_at_10": recall(found, truth)})
    del ivf

    if hnsw:
        faiss.omp_set_num_threads(threads)
        started = time.perf_counter()
        if hnsw_storage == "flat":
            index = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
        else:
            kind = faiss.ScalarQuantizer.QT_fp16 if hnsw_storage == "fp16" else faiss.ScalarQuantizer.QT_8bit
            index = faiss.IndexHNSWSQ(dim, kind, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.train(vectors[np.random.default_rng(2).choice(size, min(size, 100_000), replace=False)])
        index.hnsw.efConstruction = hnsw_ef_construction
        index.add(vectors)
        out["hnsw_bytes"] = int(faiss.serialize_index(index).nbytes)
        build_s = time.perf_counter() - started
        faiss.omp_set_num_threads(1)
        for ef in (int(e) for e in ef_search.split(",")):
            index.hnsw.efSearch = ef
            found, latency = timed_search(index, queries, 100)
            report(f"hnsw{hnsw_m}-{hnsw_storage}-efc{hnsw_ef_construction}-ef{ef}", {"build_s": build_s, "latency": latency, "recall_at_10": recall(found, truth)})
    out["peak_rss_mib"] = memory_mib().get("VmHWM")
    path = data_dir / f"million-{size}-m{hnsw_m}-{hnsw_storage}-efc{hnsw_ef_construction}.json"
    path.write_text(json.dumps(out, indent=1), encoding="utf-8")
    click.echo(f"wrote {path}", err=True)


if __name__ == "__main__":
    main()
