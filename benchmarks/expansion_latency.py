"""What query expansion costs a question: the ranking's latency with and without it, measured side by side.

Two Searchers open the same index, one with the adopted expanders and one without; every question is ranked by both,
in alternating order, so that the load of a shared machine falls on both alike (``quotebot eval`` runs one after the
other differ by more than the expansion costs when other processes come and go). Prints p50 / p95 / max per
question for each, in wall time and in the thread's CPU time (which other processes do not inflate), and how many
questions the expansion changed at rank 1.

    python -m benchmarks.expansion_latency --index DIR QUESTIONS.json [--limit N]

DIR is an index (``quotebot eval`` keeps its pool's under QUOTEBOT_HOME/eval/squad-*); QUESTIONS.json a SQuAD-format
file whose questions are ranked (its answers are not used).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from retrieval.config import IndexSettings
from retrieval.expand import ADOPTED
from retrieval.search import Searcher


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.expansion_latency", description=__doc__.split("\n")[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    data = json.loads(args.questions.read_text(encoding="utf-8"))
    questions = [qa["question"] for article in data["data"] for paragraph in article["paragraphs"] for qa in paragraph["qas"]]
    questions = questions[: args.limit] if args.limit else questions
    settings = IndexSettings(model="none", progress=False)
    searchers = {"without": Searcher.open(args.index, settings, expansions=()), "with": Searcher.open(args.index, settings)}
    changed, report = side_by_side(searchers, questions)
    print(f"{len(questions)} questions, expanders: {', '.join(ADOPTED)}; first passage changed for {changed}")
    report("expansion")
    return 0


def side_by_side(searchers: dict[str, Searcher], questions: Sequence[str]) -> tuple[int, Callable[[str], None]]:
    """Rank every question with each searcher in turn (alternating which goes first), after warming both.

    Returns how many questions' first passage differs between "with" and "without", and a function that prints
    each searcher's wall and CPU p50 / p95 (``what``: the feature compared, for the label).
    """
    for searcher in searchers.values():  # warm both: jieba's dictionary, pypinyin's table, CC-CEDICT
        searcher.rank(questions[0])
        searcher.rank("how long does a residence permit take")
    times: dict[str, list[float]] = {name: [] for name in searchers}
    cpu: dict[str, list[float]] = {name: [] for name in searchers}
    changed = 0
    for i, question in enumerate(questions):
        order = list(searchers) if i % 2 == 0 else list(reversed(searchers))
        tops = {}
        for name in order:
            started, started_cpu = time.perf_counter(), time.thread_time()
            ranked = searchers[name].rank(question, n=10)
            cpu[name].append((time.thread_time() - started_cpu) * 1000)
            times[name].append((time.perf_counter() - started) * 1000)
            tops[name] = ranked[0].row if ranked else None
        changed += tops["with"] != tops["without"]

    def report(what: str) -> None:
        for name in searchers:
            wall, spent = times[name], cpu[name]
            print(f"{name:>8} {what}: wall p50 {statistics.median(wall):.2f} ms  p95 {_p95(wall):.2f} ms  max {max(wall):.1f} ms | "
                  f"CPU p50 {statistics.median(spent):.2f} ms  p95 {_p95(spent):.2f} ms")

    return changed, report


if __name__ == "__main__":
    sys.exit(main())
