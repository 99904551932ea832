"""One benchmark phase in its own process, so that its peak memory (VmHWM) is its own.

    python -m benchmarks.worker PHASE OPTIONS_JSON RESULT_JSON

Phases: ``build`` (cold build, raw encode rate beside it, rebuild after adding 1%), ``serve`` (per-stage
latency of warm single-threaded queries, the raw query encode floor, micro-batching), ``memory`` (serving memory
of a Searcher opened as the bot opens it), ``vectors`` (exact vs approximate vector search), ``chats`` (many chats
at once). ``benchmarks.run`` starts them and writes the report.
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

from benchmarks.measure import cap_memory, drop_page_cache, memory_mib, percentiles, tree_bytes
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
    backend: str = "auto"  # what encodes questions (QUOTEBOT_ENCODER_BACKEND): auto, onnx or torch; builds use PyTorch
    # build: instead of encoding, fill the embedding cache with the real vectors of the dense index of this size,
    # tiled with noise (vector_study.tiled), and reuse the lexical index's term cache of the same size: a dense index
    # too large to encode here (1M passages: ~4 hours of MiniLM), for serving cost and memory only
    tiled_from: int = 0
    keep_caches: bool = False  # build: keep the term and embedding caches of an earlier build (not a cold build then)
    memory_limit_mib: int = 0  # memory phase: run in a memory cgroup of this size (0: no limit), the index read afresh

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
    """The encoder as a build loads it (PyTorch), by retrieval's own rules, with the sequence cap the options ask for."""
    from retrieval.encoder import load_encoder

    encoder = load_encoder(index_settings(opts)).encoder
    if encoder is None:
        raise RuntimeError(f"no encoder could be loaded from {opts.model}")
    if opts.max_seq_length:
        encoder.max_seq_length = opts.max_seq_length  # type: ignore[attr-defined]
    return encoder


def question_encoder(opts: Options, model: Any) -> Any:
    """The encoder a Searcher answers questions with (ONNX Runtime where the backend allows), same sequence cap."""
    from retrieval.encoder import for_questions

    encoder = for_questions(model, index_settings(opts))
    if opts.max_seq_length:
        encoder.max_seq_length = opts.max_seq_length
    return encoder


def index_settings(opts: Options) -> Any:
    from retrieval.config import IndexSettings

    return IndexSettings(model=opts.model, model_explicit=True, vector_index=opts.vector_index,  # type: ignore[arg-type]
                         max_unknown_rate=opts.max_unknown_rate, progress=False, threads=opts.threads,
                         dense_gate="open" if opts.max_unknown_rate >= 1.0 else "selftest",  # timing: keep the dense path on
                         encoder_backend=opts.backend, model_cache=Path(opts.data_dir) / "models")  # type: ignore[arg-type]


def phase_build(opts: Options) -> dict[str, Any]:
    from retrieval.build import build_index, indexed_text
    from retrieval.cache import cache_path
    from retrieval.layout import version_dir
    from retrieval.term_cache import term_cache_path

    paragraphs = read_paragraphs(Path(opts.eval_dir))
    corpus = make_corpus(paragraphs, opts.size, seed=opts.seed)
    encoder = load_model(opts) if opts.dense else None
    index_dir = opts.index_dir
    if not opts.keep_caches:  # cold: no index, no caches (all inside the index directory; older runs left them beside it)
        if index_dir.is_symlink() or index_dir.is_file():
            index_dir.unlink()
        shutil.rmtree(index_dir, ignore_errors=True)
        for old in index_dir.parent.glob(f".{index_dir.name}.*"):
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() and not old.is_symlink() else old.unlink()
    if opts.tiled_from:
        fill_tiled(opts, [indexed_text(p) for p in corpus.passages])
    # The raw encode rate of the same encoder on the same texts (a spread sample), measured just before the build
    # and again just after it: this machine's speed drifts by several percent within minutes, and the build is
    # compared with the mean of the two.
    step = max(1, len(corpus.passages) // opts.raw_sample)
    sample = [indexed_text(p) for p in corpus.passages[::step][: opts.raw_sample]]
    raw_before = _raw_rate(encoder, sample) if encoder is not None and not opts.tiled_from else None
    before = memory_mib()
    report = build_index(corpus.passages, index_dir, index_settings(opts), encoder=encoder)
    cold_memory = memory_mib()
    out: dict[str, Any] = {
        "passages": report.passages, "real_paragraphs": corpus.real_paragraphs, "synthetic_paragraphs": corpus.synthetic_paragraphs,
        "cold_s": report.seconds, "cold_rate": report.passages / report.seconds, "dense": report.dense_enabled,
        "vector_index": report.vector_index, "unknown_rate": report.unknown_rate, "warnings": list(report.warnings),
        "rss_before_mib": before.get("VmRSS"), "build_peak_mib": cold_memory.get("VmHWM"),
        "index_bytes": tree_bytes(version_dir(index_dir)), "cache_bytes": _size(cache_path(index_dir)), "term_cache_bytes": _size(term_cache_path(index_dir)),
    }
    if raw_before is not None:
        raw_after = _raw_rate(encoder, sample)
        out.update(raw_sample=len(sample), raw_rate_before=raw_before, raw_rate_after=raw_after, raw_rate=(raw_before + raw_after) / 2)
        out["pipeline_share_of_raw"] = out["cold_rate"] / out["raw_rate"]  # target >= 0.90
        out["overhead_pct"] = 100.0 * (1.0 - out["pipeline_share_of_raw"])
    if opts.rebuild:
        # The serving phase then runs on this index (1% larger); the added passages answer none of its questions.
        added = added_passages(paragraphs, max(1, opts.size // 100), seed=opts.seed)
        rebuild = build_index([*corpus.passages, *added], index_dir, index_settings(opts), encoder=encoder)
        out.update(rebuild_s=rebuild.seconds, rebuild_embedded=rebuild.embedded, rebuild_reused=rebuild.reused,
                   rebuild_ratio=report.seconds / rebuild.seconds, rebuild_peak_mib=memory_mib().get("VmHWM"))
    return out


def _raw_rate(encoder: Any, texts: list[str]) -> float:
    """Texts per second of one plain encode call over them (batches of 64, as a build encodes)."""
    from retrieval.encoder import encode

    started = time.perf_counter()
    encode(encoder, texts, batch_size=64)
    return len(texts) / (time.perf_counter() - started)


def fill_tiled(opts: Options, texts: list[str]) -> None:
    """The tiled_from option: vectors for every text put in the embedding cache, the term cache copied."""
    import numpy as np

    from benchmarks.vector_study import tiled
    from retrieval.cache import EmbeddingCache, cache_path
    from retrieval.encoder import text_hash
    from retrieval.term_cache import term_cache_path

    source = Options(**{**asdict(opts), "size": opts.tiled_from})
    real = EmbeddingCache(cache_path(source.index_dir))
    try:
        found = real.get(opts.model, real.hashes(opts.model))
    finally:
        real.close()
    if not found:
        raise RuntimeError(f"no vectors of {opts.model} in {cache_path(source.index_dir)}: build the dense index of {opts.tiled_from} first")
    vectors = tiled(np.stack(list(found.values())), len(texts), noise=0.05, seed=opts.seed)
    cache = EmbeddingCache(cache_path(opts.index_dir))
    try:
        for start in range(0, len(texts), 50_000):
            chunk = texts[start : start + 50_000]
            cache.put(opts.model, zip((text_hash(t) for t in chunk), vectors[start : start + len(chunk)], strict=True))
    finally:
        cache.close()
    lexical_terms = term_cache_path(Options(**{**asdict(opts), "model": "none"}).index_dir)
    if lexical_terms.exists():
        opts.index_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lexical_terms, term_cache_path(opts.index_dir))


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def phase_serve(opts: Options) -> dict[str, Any]:
    from benchmarks.stages import STAGES, critical_path, same_answer, staged_search
    from bot.format import format_answer
    from bot.language import Script
    from retrieval.search import Searcher

    questions = serve_questions(opts)
    model = load_model(opts) if opts.dense else None
    encoder = question_encoder(opts, model) if model is not None else None
    torch_floor = model if encoder is not None and encoder is not model else None  # the PyTorch model beside ONNX Runtime
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
    floor_torch: list[float] = []
    mismatches = answered = correct = gold_questions = 0
    for q in questions:
        if encoder is not None:
            t = time.perf_counter()
            encoder.encode([q.text])
            floor.append(time.perf_counter() - t)
        if torch_floor is not None:
            t = time.perf_counter()
            torch_floor.encode([q.text])
            floor_torch.append(time.perf_counter() - t)
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
    after_questions = memory_mib()
    out: dict[str, Any] = {
        "questions": len(questions), "open_s": open_s, "rss_after_open_mib": after_open.get("VmRSS"),
        "memory_after_questions_mib": after_questions,
        "dense": searcher.info.dense_enabled, "vector_index": searcher.info.vector_index, "encoder_backend": searcher.info.encoder_backend,
        "stages": {s: percentiles(v) for s, v in stages.items() if v}, "staged_total": percentiles(staged_total),
        "whole": percentiles(whole), "floor": percentiles(floor) if floor else None,
        "floor_torch": percentiles(floor_torch) if floor_torch else None,
        "mismatches": mismatches, "answered": answered, "gold_questions": gold_questions, "quoted_gold_first": correct,
    }
    out["pruning"] = pruning_effect(searcher, [q.text for q in questions[:300]])
    if floor:
        out["whole_over_floor_p50"] = out["whole"]["p50"] / out["floor"]["p50"]
        out["whole_over_floor_p95"] = out["whole"]["p95"] / out["floor"]["p95"]
        out["microbatch"] = microbatch(encoder, [q.text for q in questions])
        out["overlap"] = overlap_effect(searcher, [q.text for q in questions[:300]])
        if torch_floor is None:  # torch's threads apply to the PyTorch encoder only (ONNX Runtime's are fixed at load)
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
    """Per-query encode cost: one query per call vs ``batch`` queries in one call (interleaved rounds); for the ONNX
    Runtime encoder also the what-if of all ``batch`` in one run (its shipped cap is ``max_call`` texts a run)."""
    import numpy as np

    cap = getattr(encoder, "max_call", None)
    times: dict[str, list[float]] = {"one": [], "batched": [], "uncapped": []}
    for r in range(rounds):
        chunk = texts[r * batch : (r + 1) * batch] or texts[:batch]
        t = time.perf_counter()
        for text in chunk:
            encoder.encode([text])
        times["one"].append((time.perf_counter() - t) / len(chunk))
        t = time.perf_counter()
        encoder.encode(chunk, batch_size=batch)
        times["batched"].append((time.perf_counter() - t) / len(chunk))
        if cap is not None:
            encoder.max_call = batch
            t = time.perf_counter()
            encoder.encode(chunk, batch_size=batch)
            times["uncapped"].append((time.perf_counter() - t) / len(chunk))
            encoder.max_call = cap
    out = {"batch": batch, "one_ms": float(np.median(times["one"])) * 1000, "batched_ms": float(np.median(times["batched"])) * 1000,
           "gain": float(np.median(times["one"]) / np.median(times["batched"]))}
    if cap is not None:
        out.update(max_call=cap, uncapped_ms=float(np.median(times["uncapped"])) * 1000)
    return out


class _Inline:
    """An executor that runs each call in the caller's thread: the Searcher as it was before the overlap."""

    def submit(self, function: Any, *args: Any) -> Any:
        from concurrent.futures import Future

        future: Future[Any] = Future()
        future.set_result(function(*args))
        return future


def overlap_effect(searcher: Any, texts: list[str]) -> dict[str, float]:
    """Searcher.search with the dense half (encode, vector search) beside the lexical half (as shipped) and before
    it, interleaved."""
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


def pruning_effect(searcher: Any, texts: list[str]) -> dict[str, float]:
    """BM25's top 100 as shipped (LexicalIndex.top: long columns looked up for the candidates only) vs every column
    added whole and the scores sorted, interleaved question by question; and how many top-100 lists differ."""
    import numpy as np

    from retrieval.lexical import _best
    from retrieval.search import CANDIDATES
    from retrieval.text import fold_script, query_terms

    lexical = searcher._lexical  # the benchmark's what-if reaches into the Searcher on purpose
    times: dict[str, list[float]] = {"pruned": [], "whole": []}
    differ = 0
    for i, text in enumerate(texts):
        terms = query_terms(fold_script(text))
        found = {}
        for name in (("pruned", "whole") if i % 2 else ("whole", "pruned")):
            t = time.perf_counter()
            found[name] = lexical.top(terms, CANDIDATES) if name == "pruned" else _best(lexical.scores(terms), CANDIDATES)
            times[name].append(time.perf_counter() - t)
        differ += not (np.array_equal(found["pruned"][0], found["whole"][0]) and found["pruned"][1].tobytes() == found["whole"][1].tobytes())
    out = {f"{name}_{q}_ms": float(np.percentile(v, q)) * 1000 for name, v in times.items() for q in (50, 95)}
    out.update(questions=len(texts), differ=differ)
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


def phase_memory(opts: Options) -> dict[str, Any]:
    """Serving memory as the bot has it: the Searcher opened by itself (its own encoder: ONNX Runtime where the
    backend allows, the PyTorch model dropped), ``opts.questions`` questions searched and formatted, nothing else
    in the process; /proc/self/status before, after opening, and after the questions. With ``memory_limit_mib``
    the process first moves into a memory cgroup of that size and the index's pages are dropped from the page
    cache, so it reads them in (and is charged for them) as a server started in a box of that size would."""
    from bot.format import format_answer
    from bot.language import Script
    from retrieval.search import Searcher

    questions = serve_questions(opts)
    cap = None
    if opts.memory_limit_mib:
        cap = cap_memory(opts.memory_limit_mib)
        drop_page_cache(opts.index_dir)
    before = memory_mib()
    started = time.perf_counter()
    searcher = Searcher.open(opts.index_dir, index_settings(opts))
    open_s = time.perf_counter() - started
    after_open = memory_mib()
    seconds = []
    for q in questions:
        t = time.perf_counter()
        format_answer(searcher.search(q.text, k=3), Script.SIMPLIFIED)
        seconds.append(time.perf_counter() - t)
    return {"questions": len(questions), "open_s": open_s, "before": before, "after_open": after_open, "after_questions": memory_mib(),
            "latency": percentiles(seconds), "memory_limit_mib": opts.memory_limit_mib, "cgroup_peak_mib": cap.peak_mib() if cap else None,
            "dense": searcher.info.dense_enabled, "vector_index": searcher.info.vector_index, "encoder_backend": searcher.info.encoder_backend}


PHASES = {"build": phase_build, "serve": phase_serve, "memory": phase_memory}


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
