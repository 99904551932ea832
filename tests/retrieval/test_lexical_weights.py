"""Per-term weights in BM25 (LexicalIndex.scores / top): what query expansions use to weigh their terms below the
question's own. All weights 1 is the unweighted path, to the bit; a weight scales its term's contribution."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.lexical import LexicalIndex
from retrieval.text import fold_script, lexical_terms, query_terms

TEXTS = ["电动自行车应当登记上牌。", "居民身份证有效期为十年。", "申请公共租赁住房的条件。", "电动车充电要注意安全。", "配偶投靠落户需要结婚证。"]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build([lexical_terms(fold_script(text)) for text in TEXTS])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=st.text(alphabet="电动自行车身份证申请配偶落户安全abc 12", min_size=0, max_size=12), n=st.integers(1, 6))
def test_weights_of_one_are_the_unweighted_ranking_to_the_bit(index: LexicalIndex, question: str, n: int) -> None:
    terms = query_terms(fold_script(question))
    ones = [1.0] * len(terms)
    assert index.scores(terms, ones).tobytes() == index.scores(terms).tobytes()
    rows, scores = index.top(terms, n, ones)
    plain_rows, plain_scores = index.top(terms, n)
    assert rows.tolist() == plain_rows.tolist() and scores.tobytes() == plain_scores.tobytes()


def test_a_weight_scales_its_terms_contribution(index: LexicalIndex) -> None:
    alone = index.scores(["~配偶"])
    half = index.scores(["~配偶"], [0.5])
    assert np.allclose(half, alone * 0.5) and alone.max() > 0
    # The question's own term at 1 and an expansion's at 0.5 add up as the two weighted parts.
    both = index.scores(["登记", "~配偶"], [1.0, 0.5])
    assert np.allclose(both, index.scores(["登记"]) + half, atol=1e-6)


def test_a_term_of_weight_zero_adds_nothing(index: LexicalIndex) -> None:
    assert index.scores(["电动", "身份"], [1.0, 0.0]).tobytes() == index.scores(["电动"]).tobytes()


def test_weights_must_match_the_terms(index: LexicalIndex) -> None:
    with pytest.raises(ValueError, match="2 weights for 1 terms"):
        index.top(["电动"], 3, [1.0, 0.5])


def test_document_frequency(index: LexicalIndex) -> None:
    assert index.document_frequency("电动") == 2
    assert index.document_frequency("~配偶") == 1
    assert index.document_frequency("没有的词") == 0


def test_the_pruned_top_honours_weights(monkeypatch: Any) -> None:
    import retrieval.lexical as lexical

    monkeypatch.setattr(lexical, "PRUNE_MIN_PASSAGES", 0)
    monkeypatch.setattr(lexical, "PRUNE_LONG_SHARE", 0.2)
    monkeypatch.setattr(lexical, "PRUNE_MIN_DF", 1)
    monkeypatch.setattr(lexical, "LOOKUP_COST", 1)
    texts = [f"第{i}条 电动自行车{'登记' if i % 3 else '上牌'}管理。" for i in range(40)] + ["配偶落户。", "配偶投靠。"]
    index = LexicalIndex.build([lexical_terms(fold_script(text)) for text in texts])
    terms = ["电动", "车", "登记", "~配偶", "上牌"]
    weights = [1.0, 1.0, 0.3, 0.5, 0.8]
    rows, scores = index.top(terms, 5, weights)
    full = index.scores(terms, weights)
    order = np.lexsort((np.arange(len(full)), -full))[:5]
    assert rows.tolist() == order.tolist()
    assert np.allclose(scores, full[order])
