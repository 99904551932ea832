"""LexicalIndex.top: the n best passages, found without adding every long column, exactly as a full scoring
and sort find them (the same rows, the same float32 scores, ties to the lower row)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import retrieval.lexical as lexical
from retrieval.lexical import LexicalIndex, _best
from retrieval.text import fold_script, lexical_terms, query_terms


@pytest.fixture()
def prune_everything(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Prune on any index, treat columns of more than 20% of the passages as long, prefer lookups to adding long
    columns whole, and record how many candidates each pruned search kept."""
    monkeypatch.setattr(lexical, "PRUNE_MIN_PASSAGES", 0)
    monkeypatch.setattr(lexical, "PRUNE_LONG_SHARE", 0.2)
    monkeypatch.setattr(lexical, "PRUNE_MIN_DF", 1)
    monkeypatch.setattr(lexical, "LOOKUP_COST", 1)
    kept: list[int] = []
    real = lexical._candidates

    def counting(partial: np.ndarray, n: int, bound: float, pool: np.ndarray) -> np.ndarray | None:
        found = real(partial, n, bound, pool)
        kept.append(-1 if found is None else len(found))
        return found

    monkeypatch.setattr(lexical, "_candidates", counting)
    return kept


def _assert_same_top(index: LexicalIndex, terms: list[str], n: int) -> None:
    rows, scores = index.top(terms, n)
    full_rows, full_scores = _best(index.scores(terms), n)
    assert rows.tolist() == full_rows.tolist(), terms
    assert scores.tobytes() == full_scores.tobytes(), terms  # the same float32 sums, to the bit


def _pool(eval_dir: Path) -> tuple[list[list[str]], list[str]]:
    passages: list[list[str]] = []
    questions: list[str] = []
    for name in ("drcd_dev_simplified_questions.json", "cmrc2018_dev.json"):
        for article in json.loads((eval_dir / name).read_text(encoding="utf-8"))["data"]:
            for paragraph in article["paragraphs"]:
                passages.append(lexical_terms(fold_script(paragraph["context"])))
                questions.extend(q["question"] for q in paragraph["qas"][:1])
    return passages, questions


@pytest.mark.slow
def test_the_pruned_top_is_the_full_top_on_the_chinese_pools(shared_eval: Path, prune_everything: list[int]) -> None:
    passages, questions = _pool(shared_eval)
    index = LexicalIndex.build(passages)
    searches = 0
    pruned: list[int] = []  # candidates left for the long columns, per search that pruned
    for question in questions[::4]:
        for n in (1, 10, 100):
            prune_everything.clear()
            _assert_same_top(index, query_terms(fold_script(question)), n)
            searches += 1
            if prune_everything and prune_everything[-1] > 0:
                pruned.append(prune_everything[-1])
    # The test is worth something only if most searches really did leave passages out.
    assert len(pruned) > searches / 2
    assert np.median(pruned) < index.size / 4


CJK = "的是在了国中人一上大和年区合新发展"  # few characters, so that some columns hold most passages


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.text(alphabet=CJK + " ab", min_size=1, max_size=40), min_size=1, max_size=60),
    question=st.text(alphabet=CJK + "ab", min_size=1, max_size=12),
    n=st.integers(min_value=1, max_value=30),
)
def test_the_pruned_top_is_the_full_top_on_any_corpus(prune_everything: Any, texts: list[str], question: str, n: int) -> None:
    terms = [lexical_terms(fold_script(text)) for text in texts]
    if not any(terms):
        return
    index = LexicalIndex.build(terms)
    _assert_same_top(index, query_terms(fold_script(question)), n)


def test_ties_go_to_the_lower_row_and_only_positive_scores_count(prune_everything: Any) -> None:
    same = lexical_terms(fold_script("上合新区发展"))
    index = LexicalIndex.build([lexical_terms("其他"), same, same, same, same, lexical_terms("新区")])
    rows, scores = index.top(query_terms("上合新区"), 3)
    assert rows.tolist() == [1, 2, 3] and len(set(scores.tolist())) == 1
    rows, _ = index.top(query_terms("上合新区"), 10)
    assert rows.tolist() == [1, 2, 3, 4, 5]  # row 0 shares nothing: it is not a result
    assert index.top(["没有"], 5)[0].size == 0
