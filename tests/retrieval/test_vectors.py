"""The dense index's contract (retrieval.vectors): a second backend handed to the Searcher serves as FAISS does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval.config import IndexSettings
from retrieval.errors import IndexCorruptError
from retrieval.faiss_vectors import open_faiss
from retrieval.search import Searcher
from retrieval.vectors import VectorIndex


class ExactVectors:
    """A backend that is not FAISS: the rows' vectors in a NumPy array, searched exhaustively."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors
        self.searched = 0

    @property
    def size(self) -> int:
        return len(self.vectors)

    def search(self, query: np.ndarray, n: int) -> list[tuple[int, float]]:
        self.searched += 1
        sims = self.vectors @ query.reshape(-1)
        rows = np.argsort(-sims, kind="stable")[:max(0, n)]
        return [(int(row), float(sims[row])) for row in rows]


def _exact(version: Path) -> ExactVectors:
    """The version's vectors, read out of its FAISS file once (as a server would be loaded from the build)."""
    faiss_index = open_faiss(version).index
    return ExactVectors(faiss_index.reconstruct_n(0, faiss_index.ntotal))


@pytest.mark.parametrize("question", ["What are the dog licence fees?", "Is the playground in Lakeside Park open?",
                                      "When does the library close on Sundays?"])
def test_a_second_backend_under_the_contract_ranks_as_faiss_does(english_index: Path, minilm: Any,
                                                                  minilm_settings: IndexSettings, question: str) -> None:
    opened: list[ExactVectors] = []

    def open_exact(version: Path) -> VectorIndex:
        opened.append(_exact(version))
        return opened[-1]

    faiss_searcher = Searcher.open(english_index, minilm_settings, encoder=minilm)
    other = Searcher.open(english_index, minilm_settings, encoder=minilm, open_vectors=open_exact)
    assert other.info.dense_enabled
    assert [h.passage.id for h in other.search(question).hits] == [h.passage.id for h in faiss_searcher.search(question).hits]
    assert [r.row for r in other.rank(question, n=10)] == [r.row for r in faiss_searcher.rank(question, n=10)]
    assert opened[0].searched >= 2  # the dense half went through the other backend


def test_a_backend_that_holds_a_different_number_of_rows_is_refused(english_index: Path, minilm: Any,
                                                                     minilm_settings: IndexSettings) -> None:
    def short(version: Path) -> VectorIndex:
        whole = _exact(version)
        return ExactVectors(whole.vectors[:-1])

    with pytest.raises(IndexCorruptError, match="disagree on the number of passages"):
        Searcher.open(english_index, minilm_settings, encoder=minilm, open_vectors=short)
