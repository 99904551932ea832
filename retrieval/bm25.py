"""BM25 (Lucene variant) scores of a counted corpus, as a CSC matrix built with whole-array NumPy operations.

bm25s builds the same matrix from token lists with a Python loop per document (a Counter and a set
intersection each: 18% of the lexical build, profiled). Here each passage arrives already counted (its
distinct term ids and their frequencies), so the matrix is a handful of array operations per chunk of passages.

The formulas are bm25s's own (``bm25s.scoring._score_idf_lucene`` and ``_score_tfc_lucene``, after Kamphuis
et al., "Which BM25 do you mean? A large-scale reproducibility study of scoring variants", ECIR 2020), computed
in the same floating-point order, so the scores are bit-identical to ``bm25s.BM25(method="lucene").index``
(tests/retrieval/test_lexical_build.py checks it), and the matrix is laid out as bm25s lays it out:
columns are terms, rows within a column ascending, ``data`` float32, ``indices`` int32, ``indptr`` int64.

Memory is what limits the corpus size (a million passages have ~500M entries), so the counts are kept chunk by
chunk and the matrix is filled chunk by chunk, with no array over all entries beyond the counts themselves and
the matrix: 4 bytes of term id and 1-2 of count per entry in, 8 bytes out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def lucene_idf(df: int, n_docs: int) -> float:
    """Lucene's inverse document frequency: log(1 + (N - df + 0.5) / (df + 0.5))."""
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


class CountedPassages:
    """Passages as their distinct term ids and counts, one chunk of passages after another.

    A chunk is three flat arrays: the term ids of its passages one passage after another (int32), their
    counts (the smallest unsigned type that holds the chunk's largest: uint8 for ordinary passages) and the
    number of entries of each passage. One array per passage would cost ~100 bytes of NumPy bookkeeping each,
    one growing array a copy at every growth; chunks cost neither.
    """

    def __init__(self) -> None:
        self.chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, term_ids: Sequence[np.ndarray], counts: Sequence[np.ndarray]) -> None:
        """Append a chunk of passages, given as one array of distinct term ids and one of counts per passage."""
        sizes = np.fromiter(map(len, term_ids), dtype=np.int64, count=len(term_ids))
        ids = np.concatenate(term_ids).astype(np.int32) if term_ids else np.zeros(0, dtype=np.int32)
        frequency = np.concatenate(counts) if counts else np.zeros(0, dtype=np.uint8)
        if len(frequency) != len(ids) or (len(frequency) and int(frequency.min()) < 1):
            raise ValueError("every term of a passage needs a count of at least 1")
        if len(ids) >= 1 << 32:  # lucene_csc keeps an entry's place in its chunk in 32 bits
            raise ValueError("a chunk of counted passages holds fewer than 2**32 entries; add smaller chunks")
        self.chunks.append((ids, frequency.astype(np.min_scalar_type(int(frequency.max(initial=1)))), sizes))

    @property
    def passages(self) -> int:
        return sum(len(sizes) for *_, sizes in self.chunks)


def lucene_csc(passages: CountedPassages, n_terms: int, k1: float, b: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (data, indices, indptr) of the passages x terms BM25 matrix in compressed-column form.

    Takes the chunks over: ``passages`` is empty afterwards, so that its arrays are freed with the caller's
    last use of the matrix's inputs.
    """
    chunks = passages.chunks
    n_docs = passages.passages
    doc_len = np.zeros(n_docs)  # exact: float64 holds these integer sums
    df = np.zeros(n_terms, dtype=np.int64)
    first = 0
    for ids, counts, sizes in chunks:
        doc_len[first : first + len(sizes)] = np.bincount(_rows(sizes), weights=counts, minlength=len(sizes))
        np.add.at(df, ids, 1)
        first += len(sizes)
    # math.log for each possible df (at most one per passage), as bm25s computes it per term, rather than
    # np.log, whose vectorised float64 log may differ in the last bit.
    by_df = np.array([lucene_idf(d, n_docs) if d else 0.0 for d in range(int(df.max(initial=0)) + 1)], dtype=np.float32)
    idf = by_df[df]
    avg_len = doc_len.mean() if n_docs else 0.0
    norm = k1 * ((1 - b) + b * doc_len / avg_len) if avg_len else np.zeros(n_docs)

    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    del df
    data = np.empty(int(indptr[-1]), dtype=np.float32)
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
    filled = indptr[:-1].copy()  # the next free place in each term's column
    first = 0
    for ids, counts, sizes in chunks:
        rows = _rows(sizes) + np.int32(first)
        # bm25s: tf / (k1 * ((1 - b) + b * l_d / l_avg) + tf), in float64, times the float32 idf, stored as float32.
        freq = counts.astype(np.float64)
        scores = (idf[ids].astype(np.float64) * (freq / (norm[rows] + freq))).astype(np.float32)
        # The chunk's entries by term and, within a term, in passage order (the entry's place in the low 32
        # bits): chunks come in passage order, so each column's rows ascend, as bm25s's own sort leaves them.
        key = (ids.astype(np.int64) << 32) | np.arange(len(ids), dtype=np.int64)
        key.sort()
        order, term = key & 0xFFFFFFFF, key >> 32
        starts = np.flatnonzero(np.diff(term, prepend=-1))  # where each term's run begins
        runs = np.diff(starts, append=len(term))
        place = filled[term] + (np.arange(len(term)) - np.repeat(starts, runs))
        data[place] = scores[order]
        indices[place] = rows[order]
        filled[term[starts]] += runs
        first += len(sizes)
    chunks.clear()
    return data, indices, indptr


def _rows(sizes: np.ndarray) -> np.ndarray:
    """The passage (counted from 0) of each entry of a chunk."""
    return np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
