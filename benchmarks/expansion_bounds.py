"""Query expansion on bad input: how long a question of each hostile shape takes to expand and to rank, and how
many expansions and terms it gets (the bounds of retrieval/expand.py), on an existing index.

    python -m benchmarks.expansion_bounds --index DIR [--repeat 5]

Shapes: a 2,000-character question, 300 English words, one character repeated 2,000 times, mixed scripts, emoji,
control characters. Each is timed through ``expand`` alone and through ``Searcher.rank`` (the expansion, BM25 and the
evidence): the expansion's very first call (cold: pypinyin's table, the reversed CC-CEDICT on the first English
words), then a first and the best of ``--repeat`` further calls; with the adopted expanders, or ``--expanders``
('' for none: the question's own terms only).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from retrieval.config import IndexSettings
from retrieval.expand import ADOPTED, expand
from retrieval.search import Searcher

SHAPES = {
    "2,000 characters": ("我想问一下老婆和娃的户口怎么落，电瓶车上牌要多久，申清社保卡要带什么" * 60)[:2000],
    "300 English words": " ".join((["how", "do", "i", "apply", "for", "a", "social", "security", "card", "kindergarten",
                                    "pension", "residence", "permit", "elderly", "subsidy"] * 20)[:300]),
    "one character x2,000": "娃" * 2000,
    "mixed scripts": ("喺邊度 apply 電瓶車 ＡＢＣ 𠮶 ١٢٣ кириллица 老婆 かな 한국 " * 60)[:2000],
    "emoji": ("😀🙏🏻👨‍👩‍👧 老婆 🚲电瓶车" * 200)[:2000],
    "control characters": ("\x00\x01老婆\x1b[31m\u200b电瓶车\ufeff\x7f" * 200)[:2000],
}


def _timed(call, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    call()
    first = time.perf_counter() - started
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return first * 1000, best * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.expansion_bounds", description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--expanders", default=",".join(ADOPTED), help="comma-separated (default: the adopted ones; '' for none)")
    args = parser.parse_args(argv)
    kinds = tuple(kind for kind in args.expanders.split(",") if kind)
    searcher = Searcher.open(args.index, IndexSettings(model="none", progress=False), expansions=kinds)
    lexical = searcher._lexical  # noqa: SLF001 - the benchmark times expand alone, against the index's vocabulary
    print(f"expanders: {', '.join(kinds) or 'none'}")
    print(f"{'shape':<22} {'chars':>6} {'expansions':>10} {'terms':>6} | {'expand cold / first / best ms':>30} | {'rank first / best ms':>21}")
    for name, question in SHAPES.items():
        started = time.perf_counter()
        query = expand(question, lexical, kinds)
        cold = (time.perf_counter() - started) * 1000
        expand_first, expand_best = _timed(lambda q=question: expand(q, lexical, kinds), args.repeat)
        rank_first, rank_best = _timed(lambda q=question: searcher.rank(q, 10), args.repeat)
        print(f"{name:<22} {len(question):>6} {len(query.expansions):>10} {len(query.terms):>6} | "
              f"{cold:>9.1f} / {expand_first:>8.1f} / {expand_best:>8.1f} | {rank_first:>9.1f} / {rank_best:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
