"""Which paragraph of the first document goes first: a choice among sibling paragraphs, learned from real questions.

The refined lexical ranking (retrieval.search.Searcher._refine) scores each candidate by BM25 and evidence terms whose
weights were set one at a time on real_dev. Its commonest miss on real questions is a sibling: another paragraph of
the right document, sharing as many of the question's words, stands first (retrieval/README.md, "Sibling
paragraphs"). So once the refined ranking has chosen the document, the paragraph of that document to put first is
chosen again by a linear model over the same evidence (``features``), fitted pairwise (the right paragraph against
each sibling) on real questions, cross-validated by document (``python -m benchmarks.fit_siblings``, which writes
retrieval/data/siblings.json). Which document comes first stays the refined ranking's call: the model only reorders
paragraphs of one document, so a pool whose documents are single paragraphs (the SQuAD-style pools) is ranked as
before. Everything here is pure.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from retrieval.evidence import Coverage

# The evidence a sibling is judged on, each as the refined ranking reads it (retrieval.search._refine).
TERMS = ("bm25", "sentence", "share", "title", "holds_answer", "answer_sentence", "numbers", "position", "expanded")


def features(relative_score: float, cover: Coverage, position: int) -> dict[str, float]:
    """A candidate's evidence: its BM25 score over the best candidate's, its best sentence's and its whole coverage
    of the question, its document title's, whether it holds the kind of answer asked and the coverage of its best
    sentence that does, the share of the question's numbers its own text holds, log(1 + its paragraph's number),
    and the part of its coverage that only expansions found."""
    return {
        "bm25": relative_score,
        "sentence": cover.sentence_share,
        "share": cover.share,
        "title": cover.title_share,
        "holds_answer": float(cover.holds_answer),
        "answer_sentence": cover.answer_sentence_share if cover.holds_answer else 0.0,
        "numbers": cover.number_share,
        "position": math.log1p(position),
        "expanded": cover.expanded_share,
    }


@dataclass(frozen=True)
class SiblingModel:
    """A linear score over ``features``; only its order among one question's candidates means something."""

    weights: Mapping[str, float]

    def score(self, evidence: Mapping[str, float]) -> float:
        return sum(weight * evidence[term] for term, weight in self.weights.items())

    @classmethod
    def from_dict(cls, raw: Mapping[str, object]) -> SiblingModel:
        weights = raw["weights"]
        if not isinstance(weights, Mapping) or set(weights) - set(TERMS):
            raise ValueError(f"sibling model weights must be a mapping over {TERMS}")
        return cls({str(term): float(weight) for term, weight in weights.items()})


KEEP_ORDER = SiblingModel({})  # every candidate scores alike: the refined order stands (the first of equals stays first)


def choose_first(ranking: Sequence[tuple[int, float]], doc_of: Mapping[int, str], evidence: Mapping[int, Mapping[str, float]],
                 model: SiblingModel) -> list[tuple[int, float]]:
    """The ranking with the first passage's best sibling by the model (among the candidates with evidence, the first
    included) moved to the front; everything else keeps its order. Unchanged when the first has no evidence."""
    if not ranking or ranking[0][0] not in evidence:
        return list(ranking)
    first_doc = doc_of.get(ranking[0][0])
    siblings = [i for i, (row, _) in enumerate(ranking) if row in evidence and doc_of.get(row) == first_doc]
    best = max(siblings, key=lambda i: (model.score(evidence[ranking[i][0]]), -i))
    if best == 0:
        return list(ranking)
    return [ranking[best], *ranking[:best], *ranking[best + 1:]]


@lru_cache(maxsize=1)
def default_model() -> SiblingModel:
    """The shipped model (retrieval/data/siblings.json)."""
    raw = json.loads(resources.files("retrieval").joinpath("data/siblings.json").read_text(encoding="utf-8"))
    return SiblingModel.from_dict(raw)
