"""Fusion of the lexical and the dense ranking: weighted reciprocal-rank fusion.

    fused(p) = w_lex / (K + rank_lex(p)) + w_dense / (K + rank_dense(p))       (ranks from 1; absent: no term)

Reciprocal-rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009) uses ranks, not scores, so BM25 sums and
cosine similarities need no common scale. The weights were measured (retrieval/README.md, "Fusion"):
on the English test set with all-MiniLM-L6-v2, lexical alone R@1 0.750, dense alone 0.889, fused with the
weights below 0.917. On the Chinese pools an encoder that cannot read the text (59% unknown tokens) is kept
out by the coverage check, so the fused ranking there is the lexical one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RRF_K = 20  # 60 in the paper; 20 lets a confident first place count more than a crowd of middling ranks
MAX_LEXICAL_ODDS = 20.0  # past this, dense retrieval cannot move the lexical first place at all


@dataclass(frozen=True)
class FusionWeights:
    lexical: float = 1.0
    dense: float = 1.0
    k: int = RRF_K


DEFAULT_WEIGHTS = FusionWeights()


def weights_for_evidence(base: FusionWeights, lexical_confidence: float) -> FusionWeights:
    """Scale the lexical weight by the odds that the lexical first place answers (retrieval.decline.confidence).

    A question whose words the best lexical passage covers is left to the lexical ranking (odds up to 20:1,
    which no dense ranking can overturn); one whose words it misses, a paraphrase, is left to the dense one.
    """
    p = min(max(lexical_confidence, 0.0), 1.0)
    odds = MAX_LEXICAL_ODDS if p >= 1.0 else min(MAX_LEXICAL_ODDS, p / (1.0 - p))
    return FusionWeights(lexical=base.lexical * odds, dense=base.dense, k=base.k)


def fuse(
    lexical: Sequence[tuple[int, float]],
    dense: Sequence[tuple[int, float]],
    weights: FusionWeights = DEFAULT_WEIGHTS,
) -> list[tuple[int, float]]:
    """Fuse two rankings of (id, score), best first, into one list of (id, fused score), best first.

    Ties keep the lexical order, then the dense order.
    """
    fused: dict[int, float] = {}
    order: dict[int, int] = {}
    for weight, ranking in ((weights.lexical, lexical), (weights.dense, dense)):
        for rank, (item, _score) in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (weights.k + rank)
            order.setdefault(item, len(order))
    return sorted(fused.items(), key=lambda pair: (-pair[1], order[pair[0]]))
