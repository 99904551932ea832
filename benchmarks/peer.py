"""A peer side by side: quotebot and txtai (hybrid: BM25 + dense, same model) on the two Chinese pools.

Same passages (every CMRC 2018 and DRCD dev paragraph, cut by corpus.split.split_paragraph, as
retrieval.evaluate's pools), same model (a local sentence-transformers directory), same questions (the first
``--questions`` of each pool), asked one at a time, interleaved, on one thread. R@1 and R@10: the question's
paragraph among the first 1 / 10 results. quotebot is built as the product builds it (its coverage gate
decides about the dense path); txtai with ``hybrid=True`` and its defaults.

    python -m benchmarks.peer --model PATH [--questions 500]

txtai is not a quotebot dependency: install it into the benchmark's environment (``pip install txtai==9.14.0``).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from benchmarks.measure import machine, percentiles


@click.command()
@click.option("--model", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--questions", type=int, default=500, show_default=True, help="Per pool.")
@click.option("--threads", type=int, default=1, show_default=True)
@click.option("--eval-dir", type=click.Path(path_type=Path), default=Path("../shared/eval"), show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=Path("benchmarks/data/peer.json"), show_default=True)
def main(model: Path, questions: int, threads: int, eval_dir: Path, out: Path) -> None:
    """quotebot vs txtai: R@1, R@10 and per-query latency on the DRCD and CMRC pools."""
    try:
        from txtai import Embeddings
    except ImportError:
        raise click.ClickException("txtai is not installed; `pip install txtai==9.14.0` into this environment to run the peer") from None
    from benchmarks.worker import set_threads
    from corpus.split import split_paragraph
    from retrieval.build import build_index
    from retrieval.config import IndexSettings
    from retrieval.evaluate import squad_pool
    from retrieval.search import Searcher

    files = {"drcd": eval_dir / "drcd_dev.json", "cmrc": eval_dir / "cmrc2018_dev.json"}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise click.ClickException(f"the shared eval data is missing ({', '.join(missing)})")
    set_threads(threads)
    pools = {name: squad_pool(path, [files[o] for o in files if o != name], split_paragraph) for name, path in files.items()}
    passages = pools["drcd"].passages
    result: dict[str, Any] = {"machine": machine(), "passages": len(passages), "model": str(model)}
    with tempfile.TemporaryDirectory(prefix="quotebot-peer-") as tmp:
        settings = IndexSettings(model=str(model), model_explicit=True, progress=False)
        t = time.perf_counter()
        report = build_index(passages, Path(tmp) / "index", settings)
        result["quotebot_build_s"] = time.perf_counter() - t
        result["quotebot_dense"] = report.dense_enabled
        result["quotebot_note"] = report.warnings[0] if report.warnings else ""
        searcher = Searcher.open(Path(tmp) / "index", settings)
        embeddings = Embeddings(path=str(model), hybrid=True, content=False)
        t = time.perf_counter()
        embeddings.index([(i, p.text, None) for i, p in enumerate(passages)])
        result["txtai_build_s"] = time.perf_counter() - t
        doc_of = [p.doc_id for p in passages]
        for name, pool in pools.items():
            asked = pool.questions[:questions]
            figures: dict[str, dict[str, Any]] = {"quotebot": {"r1": 0, "r10": 0, "t": []}, "txtai": {"r1": 0, "r10": 0, "t": []}}
            for item in asked[:10]:  # warm
                searcher.rank(item.question, n=10)
                embeddings.search(item.question, 10)
            for item in asked:
                t = time.perf_counter()
                ranked = searcher.rank(item.question, n=10)
                figures["quotebot"]["t"].append(time.perf_counter() - t)
                ours = [searcher.passage_at(r.row).doc_id for r in ranked]
                t = time.perf_counter()
                found = embeddings.search(item.question, 10)
                figures["txtai"]["t"].append(time.perf_counter() - t)
                theirs = [doc_of[int(i)] for i, _ in found]
                for system, docs in (("quotebot", ours), ("txtai", theirs)):
                    figures[system]["r1"] += bool(docs) and docs[0] == item.paragraph
                    figures[system]["r10"] += item.paragraph in docs
            result[name] = {system: {"questions": len(asked), "r1": f["r1"] / len(asked), "r10": f["r10"] / len(asked),
                                     "latency": percentiles(f["t"])} for system, f in figures.items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    click.echo(f"{len(passages):,} passages; quotebot build {result['quotebot_build_s']:.0f} s (dense {'on' if result['quotebot_dense'] else 'off'}), "
               f"txtai build {result['txtai_build_s']:.0f} s")
    for name in pools:
        for system in ("quotebot", "txtai"):
            r = result[name][system]
            click.echo(f"{name} pool, {system:8s}: R@1 {r['r1']:.3f}  R@10 {r['r10']:.3f}  p50 {r['latency']['p50']:.1f} ms  "
                       f"p95 {r['latency']['p95']:.1f} ms  ({r['questions']} questions)")


if __name__ == "__main__":
    main()
