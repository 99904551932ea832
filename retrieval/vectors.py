"""The dense index's contract: what the searcher needs of the passages' vectors, whatever keeps them.

A dense index holds one unit vector for each passage row of an index version, and answers one question: which rows
lie nearest a unit query vector, by cosine similarity. retrieval.search needs no more than that and the number of
rows it holds (to check the version's parts agree), so that is the whole contract. The embedded backend is
retrieval.faiss_vectors (a FAISS file in the version's directory, built and extended by retrieval.build); a
server-side one (a Milvus collection for each version) would sit beside it, handed to ``Searcher.open`` as its
``open_vectors``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np


class VectorIndex(Protocol):
    """The passages' vectors of one index version, searched by cosine similarity."""

    @property
    def size(self) -> int:
        """How many rows (passages) it holds."""
        ...

    def search(self, query: np.ndarray, n: int) -> list[tuple[int, float]]:
        """The n rows nearest a unit query vector (fewer when it holds fewer): (row, cosine similarity), best first."""
        ...


# A backend's way in: the dense index of an index version, given the version's directory (retrieval.layout).
OpenVectors = Callable[[Path], VectorIndex]
