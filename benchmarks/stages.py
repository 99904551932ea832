"""One question through the real ``Searcher.search``, with the time of each stage it runs.

retrieval/search.py has no timing hook, so for the length of one call ``staged_search`` wraps the functions
and methods the Searcher calls (the names retrieval.search imported, and two methods of this Searcher) with
a clock, and restores them after: the code that runs is the real code, whatever its internals become.
Stages:

- screen: retrieval.decline.screen (control characters, greeting, gibberish);
- fold_tokenise: expand (folding, the question's terms and its query expansions), content_units (jieba + IDF weights);
- bm25: LexicalIndex.top, the 100 best passages by BM25;
- refine: Searcher._refine, the sentence coverage of the best lexical candidates (part of the lexical ranking);
- encode: the query encode (dense path only), and
- vector_search: FAISS search for the nearest passages (dense path only). Both run in another thread (the dense
  half) while this one ranks lexically, so they overlap the four stages above and are not on the critical path;
- dense_wait: how long the search then still waited for the dense half (dense path only): encode plus vector
  search minus the lexical stages, when the dense half is the longer;
- fuse_decline: the rest of Searcher.search: fusion, coverage of the final hits, confidence, bold terms, the Answer;
- format: bot.format.format_answer, the Telegram HTML message.

``critical_path`` sums every stage but ``encode`` and ``vector_search``: what one search waits for, one stage after
another.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from retrieval.model import Answer

STAGES = ("screen", "fold_tokenise", "bm25", "refine", "encode", "vector_search", "dense_wait", "fuse_decline", "format")
OVERLAPPED = ("encode", "vector_search")  # the dense half runs beside the critical path, not on it

# Names imported by retrieval.search, and the stage each belongs to.
_MODULE_STAGES = {"screen": "screen", "expand": "fold_tokenise", "content_units": "fold_tokenise",
                  "encode": "encode"}


@dataclass(frozen=True)
class Staged:
    answer: Answer
    message: str
    seconds: dict[str, float]  # stage -> seconds (stages that did not run are absent)


@contextmanager
def _clocked(searcher: Any, seconds: dict[str, float], clock: Callable[[], float]) -> Iterator[None]:
    import retrieval.search as module

    def wrap(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = clock()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[stage] = seconds.get(stage, 0.0) + clock() - started
        return timed

    saved = {name: getattr(module, name) for name in _MODULE_STAGES if hasattr(module, name)}
    for name, function in saved.items():
        setattr(module, name, wrap(_MODULE_STAGES[name], function))
    searcher._lexical.top = wrap("bm25", type(searcher._lexical).top.__get__(searcher._lexical))
    searcher._refine = wrap("refine", type(searcher)._refine.__get__(searcher))
    vectors = searcher._vectors  # any retrieval.vectors.VectorIndex: its search, timed where it is called
    if vectors is not None:
        searcher._vectors = _Timed(vectors, wrap("vector_search", vectors.search))
    encodes = searcher._encodes
    searcher._encodes = _WaitClock(encodes, wrap)
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(module, name, function)
        del searcher._lexical.top, searcher._refine
        searcher._vectors = vectors
        searcher._encodes = encodes


class _Timed:
    """Stands in for the Searcher's vector index, with its search timed."""

    def __init__(self, vectors: Any, search: Callable[..., Any]) -> None:
        self.size, self.search = vectors.size, search


class _WaitClock:
    """Stands in for the Searcher's encode pool: the futures it hands out time their ``result`` as dense_wait."""

    def __init__(self, pool: Any, wrap: Callable[[str, Callable[..., Any]], Callable[..., Any]]) -> None:
        self._pool, self._wrap = pool, wrap

    def submit(self, *args: Any, **kwargs: Any) -> Any:
        future = self._pool.submit(*args, **kwargs)
        future.result = self._wrap("dense_wait", future.result)
        return future


def staged_search(searcher: Any, question: str, *, k: int = 3, clock: Callable[[], float] = time.perf_counter) -> Staged:
    """Searcher.search(question, k) and format_answer as the bot calls them, with the seconds of each stage."""
    from bot.format import format_answer
    from bot.language import Script

    seconds: dict[str, float] = {}
    with _clocked(searcher, seconds, clock):
        started = clock()
        answer = searcher.search(question, k=k)
        whole = clock() - started
    seconds["fuse_decline"] = max(0.0, whole - critical_path(seconds)) if "fold_tokenise" in seconds else 0.0
    if "fold_tokenise" not in seconds:  # declined by the screen: nothing after it ran
        del seconds["fuse_decline"]
    started = clock()
    message = format_answer(answer, Script.SIMPLIFIED)
    seconds["format"] = clock() - started
    return Staged(answer, message, seconds)


def critical_path(seconds: dict[str, float]) -> float:
    """The stages one search waits for, one after another (all but the encode, which overlaps the lexical half)."""
    return sum(sec for stage, sec in seconds.items() if stage not in OVERLAPPED)


def same_answer(a: Answer, b: Answer) -> bool:
    """True when two answers quote the same passages in the same order (or decline for the same reason)."""
    return a.decline == b.decline and [h.passage.id for h in a.hits] == [h.passage.id for h in b.hits]
