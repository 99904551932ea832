"""Fusion of the lexical and dense rankings, as a pure function on hand-built rankings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from retrieval.fusion import FusionWeights, fuse, weights_for_evidence


def test_agreeing_rankings_keep_their_order() -> None:
    assert [i for i, _ in fuse([(1, 9.0), (2, 5.0), (3, 1.0)], [(1, 0.9), (2, 0.5), (3, 0.1)])] == [1, 2, 3]


def test_a_passage_both_rankings_like_beats_one_only_one_likes() -> None:
    fused = fuse([(1, 9.0), (2, 8.0)], [(2, 0.9), (3, 0.8)])
    assert fused[0][0] == 2
    assert {i for i, _ in fused} == {1, 2, 3}


def test_scores_do_not_matter_only_ranks() -> None:
    a = fuse([(1, 1000.0), (2, 1.0)], [(2, 0.99), (1, 0.01)])
    b = fuse([(1, 2.0), (2, 1.9)], [(2, 0.5), (1, 0.49)])
    assert [i for i, _ in a] == [i for i, _ in b]


def test_weights_decide_who_wins_a_disagreement() -> None:
    lexical, dense = [(1, 3.0), (2, 2.0)], [(2, 0.9), (1, 0.2)]
    assert fuse(lexical, dense, FusionWeights(lexical=1.0, dense=0.5))[0][0] == 1
    assert fuse(lexical, dense, FusionWeights(lexical=0.5, dense=1.0))[0][0] == 2


def test_ties_keep_the_lexical_order() -> None:
    assert [i for i, _ in fuse([(5, 1.0), (6, 1.0)], [(6, 1.0), (5, 1.0)])] == [5, 6]


rankings = st.lists(st.integers(0, 40), unique=True, max_size=15).map(lambda ids: [(i, float(len(ids) - n)) for n, i in enumerate(ids)])


@given(rankings)
def test_without_dense_the_lexical_ranking_is_unchanged(lexical: list[tuple[int, float]]) -> None:
    assert [i for i, _ in fuse(lexical, [])] == [i for i, _ in lexical]


@given(rankings, rankings)
def test_fused_holds_every_passage_once_best_first(lexical: list[tuple[int, float]], dense: list[tuple[int, float]]) -> None:
    fused = fuse(lexical, dense, FusionWeights(lexical=1.0, dense=0.7))
    ids = [i for i, _ in fused]
    assert sorted(ids) == sorted({i for i, _ in lexical} | {i for i, _ in dense})
    scores = [s for _, s in fused]
    assert scores == sorted(scores, reverse=True)


@given(rankings, rankings)
def test_zero_dense_weight_gives_the_lexical_order_first(lexical: list[tuple[int, float]], dense: list[tuple[int, float]]) -> None:
    fused = [i for i, _ in fuse(lexical, dense, FusionWeights(lexical=1.0, dense=0.0))]
    assert fused[: len(lexical)] == [i for i, _ in lexical]


def test_a_confident_lexical_first_place_cannot_be_moved_by_the_dense_ranking() -> None:
    lexical = [(1, 9.0)] + [(i, 1.0) for i in range(2, 60)]
    dense = [(i, 0.9) for i in range(2, 100)] + [(1, 0.0)]  # the dense ranking puts passage 1 last
    assert fuse(lexical, dense, weights_for_evidence(FusionWeights(), lexical_confidence=0.99))[0][0] == 1


def test_an_unconfident_lexical_ranking_leaves_the_order_to_the_dense_one() -> None:
    lexical = [(1, 2.0), (2, 1.9), (3, 1.0)]
    dense = [(3, 0.8), (2, 0.3), (1, 0.2)]
    assert fuse(lexical, dense, weights_for_evidence(FusionWeights(), lexical_confidence=0.05))[0][0] == 3
    assert fuse(lexical, dense, weights_for_evidence(FusionWeights(), lexical_confidence=0.95))[0][0] == 1


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_more_lexical_evidence_never_means_less_lexical_weight(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert weights_for_evidence(FusionWeights(), low).lexical <= weights_for_evidence(FusionWeights(), high).lexical
