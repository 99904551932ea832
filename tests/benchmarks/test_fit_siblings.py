"""benchmarks.fit_siblings on hand-built observations: the pairs it fits on, and a fit that learns what tells the
right sibling apart (here: holding the answer asked, where BM25 prefers a sibling that repeats the question)."""

from __future__ import annotations

import random

import pytest

from benchmarks.fit_siblings import Candidate, Observed, cross_validated, first_three, fit, pairs
from retrieval.siblings import TERMS


def _evidence(bm25: float, holds: float) -> dict[str, float]:
    return {**dict.fromkeys(TERMS, 0.0), "bm25": bm25, "holds_answer": holds}


def _question(n: int, rng: random.Random) -> Observed:
    """Refined order: a sibling first; the right one second. In two of three questions the right one holds the
    answer and BM25 scores it lower; in the rest it does not hold it and BM25 scores it higher (so both weigh)."""
    holds = n % 3 != 0
    right_bm25 = rng.uniform(0.70, 0.90) if holds else rng.uniform(0.92, 0.99)
    wrong_bm25 = rng.uniform(0.91, 1.0) if holds else rng.uniform(0.70, 0.90)
    first, second = (Candidate(1, f"d{n}", _evidence(wrong_bm25, 0.0), False),
                     Candidate(2, f"d{n}", _evidence(right_bm25, 1.0 if holds else 0.0), True))
    other = Candidate(3, f"o{n}", _evidence(0.8, 1.0), False)
    return Observed(f"q{n}", f"d{n}", (first, second, other))


@pytest.fixture(scope="module")
def observed() -> list[Observed]:
    rng = random.Random(7)
    return [_question(n, rng) for n in range(60)]


def test_pairs_are_the_right_sibling_against_each_other_both_ways(observed: list[Observed]) -> None:
    x, y, w = pairs(observed[:1])
    assert x.shape == (2, len(TERMS))  # one right, one sibling of its document; the other document is no pair
    assert list(y) == [1.0, 0.0]
    assert (x[0] == -x[1]).all()
    assert w.mean() == pytest.approx(1.0)


def test_the_fit_learns_what_the_refined_order_missed(observed: list[Observed]) -> None:
    model = fit(observed, l2=1.0)
    assert model.weights["bm25"] == 1.0 and model.weights["holds_answer"] > 0
    assert first_three(observed, None) == (0, 60)  # the refined order never has the right one first
    first, three = first_three(observed, model)
    assert first >= 50 and three == 60


def test_cross_validation_keeps_a_document_out_of_its_own_fit(observed: list[Observed]) -> None:
    figures = cross_validated({"synthetic": observed}, l2=1.0)
    first, three = figures["synthetic"]
    assert 40 <= first <= 60 and three == 60


def test_too_few_pairs_to_fit_on_are_refused() -> None:
    lone = Observed("q", "d", (Candidate(1, "d", _evidence(1.0, 0.0), True),))
    with pytest.raises(ValueError, match="no right paragraph"):
        fit([lone], l2=1.0)
