"""One benchmark phase in its own process, so that its peak memory (VmHWM) is its own.

    python -m benchmarks.worker PHASE OPTIONS_JSON RESULT_JSON

Phases: ``build`` (cold build, raw encode rate beside it, rebuild after adding 1%), ``serve`` (per-stage
latency of warm single-threaded queries, the raw query encode floor, micro-batching), ``vectors`` (exact vs
approximate vector search). ``benchmarks.run`` starts them and writes the report.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.measure import memory_mib, percentiles, tree_bytes
from benchmarks.scale import Question, added_passages, make_corpus, read_paragraphs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Options:
    data_dir: str
    eval_dir: str
    size: int
    model: str = "none"  # a local sentence-transformers directory, or "none" (lexical only)
    seed: int = 13
    questions: int = 1000
    threads: int = 1
    max_unknown_rate: float = 1.0  # 1.0 keeps dense on for MiniLM on Chinese (timing only; see README)
    max_seq_length: int | None = None
    vector_index: str = "auto"
    raw_sample: int = 1000
    rebuild: bool = True
    latency_size: int = 0  # vectors phase: also time searches over this many (tiled) vectors
    chats: tuple[int, ...] = (1, 10, 100)

    @property
    def dense(self) -> bool:
        return self.model.strip().lower() != "none"

    @property
    def index_dir(self) -> Path:
        return Path(self.data_dir) / f"index-{self.size}-{'dense' if self.dense else 'lexical'}"


def set_threads(n: int) -> None:
    """Intra-op threads of torch and FAISS (on a shared 2-core machine, 2 torch threads can be 30x slower)."""
    from retrieval.encoder import use_threads

    use_threads(n)


def load_model(opts: Options) -> Any:
    """The encoder, loaded by retrieval's own rules, with the sequence cap the options ask for."""
    from retrieval.config import IndexSettings
    from retrieval.encoder import load_encoder

    encoder = load_encoder(IndexSettings(model=opts.model, model_explicit=True, threads=opts.threads)).encoder
    if encoder is None:
        raise RuntimeError(f"no encoder could be loaded from {opts.model}")
    if opts.max_seq_length:
        encoder.max_seq_length = opts.max_seq_length  # type: ignore[attr-defined]
    return encoder


def index_settings(opts: Options) -> Any:
    from retrieval.config import IndexSettings

    return IndexSettings(model=opts.model, model_explicit=True, vector_index=opts.vector_index,  # type: ignore[arg-type]
                         max_unknown_rate=opts.max_unknown_rate, progress=False, threads=opts.threads)


def phase_build(opts: Options) -> dict[str, Any]:
    from retrieval.build import build_index, indexed_text
    from retrieval.cache import cache_path
    from retrieval.encoder import encode
    from retrieval.term_cache import term_cache_path

    paragraphs = read_paragraphs(Path(opts.eval_dir))
    corpus = make_corpus(paragraphs, opts.size, seed=opts.seed)
    encoder = load_model(opts) if opts.dense else None
    index_dir = opts.index_dir
    for path in (index_dir, cache_path(index_dir), term_cache_path(index_dir)):  # cold: no index, no caches
        if path.is_symlink() or path.is_file():
            path.unlink()
    for old in index_dir.parent.glob(f".{index_dir.name}.*"):
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() and not old.is_symlink() else old.unlink()
    before = memory_mib()
    report = build_index(corpus.passages, index_dir, index_settings(opts), encoder=encoder)
    cold_memory = memory_mib()
    out: dict[str, Any] = {
        "passages": report.passages, "real_paragraphs": corpus.real_paragraphs, "synthetic_paragraphs": corpus.synthetic_paragraphs,
        "cold_s": report.seconds, "cold_rate": report.passages / report.seconds, "dense": report.dense_enabled,
        "vector_index": report.vector_index, "unknown_rate": report.unknown_rate, "warnings": list(report.warnings),
        "rss_before_mib": before.get("VmRSS"), "build_peak_mib": cold_memory.get("VmHWM"),
        "index_bytes": tree_bytes(index_dir), "cache_bytes": _size(cache_path(index_dir)), "term_cache_bytes": _size(term_cache_path(index_dir)),
    }
    if encoder is not None:
        # The raw encode rate of the same encoder on the same texts (a spread sample), right after the build.
        step = max(1, len(corpus.passages) // opts.raw_sample)
        sample = [indexed_text(p) for p in corpus.passages[::step][: opts.raw_sample]]
        started = time.perf_counter()
        encode(encoder, sample, batch_size=64)
        raw_s = time.perf_counter() - started
        out.update(raw_sample=len(sample), raw_s=raw_s, raw_rate=len(sample) / raw_s)
        out["pipeline_share_of_raw"] = out["cold_rate"] / out["raw_rate"]  # target >= 0.90
        out["overhead_pct"] = 100.0 * (1.0 - out["pipeline_share_of_raw"])
    if opts.rebuild:
        # The serving phase then runs on this index (1% larger); the added passages answer none of its questions.
        added = added_passages(paragraphs, max(1, opts.size // 100), seed=opts.seed)
        rebuild = build_index([*corpus.passages, *added], index_dir, index_settings(opts), encoder=encoder)
        out.update(rebuild_s=rebuild.seconds, rebuild_embedded=rebuild.embedded, rebuild_reused=rebuild.reused,
                   rebuild_ratio=report.seconds / rebuild.seconds, rebuild_peak_mib=memory_mib().get("VmHWM"))
    return out


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def phase_serve(opts: Options) -> dict[str, Any]:
    from benchmarks.stages import STAGES, critical_path, same_answer, staged_search
    from bot.format import format_answer
    from bot.language import Script
    from retrieval.search import Searcher

    questions = serve_questions(opts)
    encoder = load_model(opts) if opts.dense else None
    started = time.perf_counter()
    searcher = Searcher.open(opts.index_dir, index_settings(opts), encoder=encoder)
    open_s = time.perf_counter() - started
    after_open = memory_mib()
    for q in questions[:20]:  # warm: jieba, OpenCC, torch kernels, page cache
        staged_search(searcher, q.text)
        searcher.search(q.text)
    stages: dict[str, list[float]] = {s: [] for s in STAGES}
    staged_total: list[float] = []
    whole: list[float] = []
    floor: list[float] = []
    mismatches = answered = correct = gold_questions = 0
    for q in questions:
        if encoder is not None:
            t = time.perf_counter()
            encoder.encode([q.text])
            floor.append(time.perf_counter() - t)
        t = time.perf_counter()
        answer = searcher.search(q.text, k=3)
        format_answer(answer, Script.SIMPLIFIED)
        whole.append(time.perf_counter() - t)
        staged = staged_search(searcher, q.text)
        for stage, sec in staged.seconds.items():
            stages[stage].append(sec)
        staged_total.append(critical_path(staged.seconds))
        mismatches += not same_answer(answer, staged.answer)
        answered += answer.answered
        if q.gold is not None:
            gold_questions += 1
            correct += answer.answered and answer.hits[0].passage.doc_id == q.gold
    out: dict[str, Any] = {
        "questions": len(questions), "open_s": open_s, "rss_after_open_mib": after_open.get("VmRSS"),
        "dense": searcher.info.dense_enabled, "vector_index": searcher.info.vector_index,
        "stages": {s: percentiles(v) for s, v in stages.items() if v}, "staged_total": percentiles(staged_total),
        "whole": percentiles(whole), "floor": percentiles(floor) if floor else None,
        "mismatches": mismatches, "answered": answered, "gold_questions": gold_questions, "quoted_gold_first": correct,
    }
    if floor:
        out["whole_over_floor_p50"] = out["whole"]["p50"] / out["floor"]["p50"]
        out["whole_over_floor_p95"] = out["whole"]["p95"] / out["floor"]["p95"]
        out["microbatch"] = microbatch(encoder, [q.text for q in questions])
        out["overlap"] = overlap_effect(searcher, [q.text for q in questions[:300]])
        out["threads_effect"] = threads_effect(encoder, [q.text for q in questions[:30]])
    out["serve_peak_mib"] = memory_mib().get("VmHWM")
    return out


def serve_questions(opts: Options) -> list[Question]:
    """The serve phase's questions, made in a child process: the scale corpus they come from (gigabytes of
    Python objects at a million passages) must not count in the serving process's memory."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_questions, opts.eval_dir, opts.size, opts.seed, opts.questions).result()


def _questions(eval_dir: str, size: int, seed: int, count: int) -> list[Question]:
    return list(make_corpus(read_paragraphs(Path(eval_dir)), size, seed=seed).questions[:count])


def microbatch(encoder: Any, texts: list[str], batch: int = 60, rounds: int = 5) -> dict[str, float]:
    """Per-query encode cost: one query per call vs ``batch`` queries in one call (interleaved rounds)."""
    one: list[float] = []
    many: list[float] = []
    for r in range(rounds):
        chunk = texts[r * batch : (r + 1) * batch] or texts[:batch]
        t = time.perf_counter()
        for text in chunk:
            encoder.encode([text])
        one.append((time.perf_counter() - t) / len(chunk))
        t = time.perf_counter()
        encoder.encode(chunk, batch_size=batch)
        many.append((time.perf_counter() - t) / len(chunk))
    import numpy as np

    return {"batch": batch, "one_ms": float(np.median(one)) * 1000, "batched_ms": float(np.median(many)) * 1000,
            "gain": float(np.median(one) / np.median(many))}


class _Inline:
    """An executor that runs each call in the caller's thread: the Searcher as it was before the overlap."""

    def submit(self, function: Any, *args: Any) -> Any:
        from concurrent.futures import Future

        future: Future[Any] = Future()
        future.set_result(function(*args))
        return future


def overlap_effect(searcher: Any, texts: list[str]) -> dict[str, float]:
    """Searcher.search with the query encoded beside the lexical half (as shipped) and before it, interleaved."""
    import numpy as np

    pool = searcher._encodes
    times: dict[str, list[float]] = {"overlapped": [], "one_after_other": []}
    try:
        for i, text in enumerate(texts):
            for name in (("overlapped", "one_after_other") if i % 2 else ("one_after_other", "overlapped")):
                searcher._encodes = pool if name == "overlapped" else _Inline()
                t = time.perf_counter()
                searcher.search(text, k=3)
                times[name].append(time.perf_counter() - t)
    finally:
        searcher._encodes = pool
    out = {f"{name}_{q}_ms": float(np.percentile(v, q)) * 1000 for name, v in times.items() for q in (50, 95)}
    out["questions"] = len(texts)
    return out


def threads_effect(encoder: Any, texts: list[str]) -> dict[str, float]:
    """Median single-query encode time with 1 and with 2 torch threads, side by side, on this (shared) machine."""
    import numpy as np
    import torch

    was = torch.get_num_threads()
    out = {}
    for n in (1, 2):
        torch.set_num_threads(n)
        times = []
        for text in texts:
            t = time.perf_counter()
            encoder.encode([text])
            times.append(time.perf_counter() - t)
        out[f"threads_{n}_ms"] = float(np.median(times)) * 1000
    torch.set_num_threads(was)
    return out


PHASES = {"build": phase_build, "serve": phase_serve}


def main(argv: list[str]) -> int:
    phase, options, result = argv
    opts = Options(**json.loads(options))
    if phase == "vectors":
        from benchmarks.vector_study import phase_vectors as run
    elif phase == "chats":
        from benchmarks.chats import phase_chats as run
    else:
        run = PHASES[phase]
    set_threads(opts.threads)
    started = time.perf_counter()
    out = run(opts)
    out["phase_s"] = time.perf_counter() - started
    out["options"] = asdict(opts)
    Path(result).write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(main(sys.argv[1:]))
