"""Fusion of the lexical and the dense ranking: reciprocal-rank fusion weighted by the lexical evidence.

    fused(p) = w_lex / (K + rank_lex(p)) + w_dense / (K + rank_dense(p))       (ranks from 1; absent: no term)
    w_lex = odds that the lexical first place answers (capped at 20), K = 20,
    w_dense = the index's dense weight, set at build time by the self-test (retrieval.selftest: 0.25 to 2, or dense off)

Reciprocal-rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009) uses ranks, not scores, so BM25 sums and
cosine similarities need no common scale. Measured (retrieval/README.md, "Dense retrieval and fusion") on the
English test set with all-MiniLM-L6-v2: R@1 lexical alone 0.722, dense alone 0.972, equal-weight RRF (K 60)
0.806, this fusion at dense weight 1 0.972. The weighting alone does not protect the ranking from a model that
reads the corpus badly (a random static Chinese model at weight 1 took the DRCD pool's R@1 from 0.959 to 0.812):
the build's self-test keeps such a model out, so the fused ranking there is the lexical one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RRF_K = 20  # 60 in the paper; 20 lets a confident first place count more than a crowd of middling ranks
MAX_ODDS = 20.0  # past this, one ranking's first place cannot be moved by the other's


@dataclass(frozen=True)
class FusionWeights:
    lexical: float = 1.0
    dense: float = 1.0
    k: int = RRF_K


DEFAULT_WEIGHTS = FusionWeights()


def _odds(p: float) -> float:
    p = min(max(p, 0.0), 1.0)
    return MAX_ODDS if p >= 1.0 else min(MAX_ODDS, p / (1.0 - p))


def weights_for_evidence(base: FusionWeights, lexical_confidence: float) -> FusionWeights:
    """Scale the lexical weight by the odds that the lexical first place answers (retrieval.decline.confidence).

    A question whose words the best lexical passage covers is left to the lexical ranking (at 20:1 no dense
    ranking can move its first place); a paraphrase whose words it misses is left to the dense ranking.
    """
    return FusionWeights(lexical=base.lexical * _odds(lexical_confidence), dense=base.dense, k=base.k)


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
