"""Fusion of the lexical and dense rankings, as a pure function on hand-built rankings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from retrieval.fusion import FusionWeights, fuse


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
