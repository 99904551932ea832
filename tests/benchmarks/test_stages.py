"""The stage clock of benchmarks.stages on the dense path, where the dense half overlaps the lexical half."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.stages import critical_path, same_answer, staged_search
from benchmarks.worker import overlap_effect
from retrieval.search import Searcher
from tests.retrieval.conftest import (  # noqa: F401  (fixtures)
    HASHED,
    HashingEncoder,
    english_passages,
    english_set,
    hashed_index,
)


def test_staged_dense_search_answers_like_search_and_keeps_the_dense_half_off_the_critical_path(
    hashed_index: Path, english_set: dict[str, Any]  # noqa: F811  (the fixture)
) -> None:
    searcher = Searcher.open(hashed_index, HASHED, encoder=HashingEncoder())
    pool = searcher._encodes
    for question in [q["q"] for q in english_set["questions"][:5]]:
        staged = staged_search(searcher, question)
        assert same_answer(staged.answer, searcher.search(question))
        assert {"encode", "dense_wait", "vector_search", "fuse_decline"} <= set(staged.seconds)
        assert critical_path(staged.seconds) == sum(s for stage, s in staged.seconds.items() if stage not in ("encode", "vector_search"))
    assert searcher._encodes is pool  # the clock is taken off again
    effect = overlap_effect(searcher, [q["q"] for q in english_set["questions"][:4]])
    assert effect["questions"] == 4 and effect["overlapped_50_ms"] > 0 and effect["one_after_other_50_ms"] > 0
    assert searcher._encodes is pool
