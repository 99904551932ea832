"""BM25 (Lucene variant) scores of a counted corpus, as a CSC matrix built with whole-array NumPy operations.

bm25s builds the same matrix from token lists with a Python loop per document (a Counter and a set
intersection each: 18% of the lexical build, profiled). Here each passage arrives already counted (its
distinct term ids and their frequencies), so the matrix is a handful of array operations.

The formulas are bm25s's own (``bm25s.scoring._score_idf_lucene`` and ``_score_tfc_lucene``, after Kamphuis
et al., "Which BM25 do you mean? A large-scale reproducibility study of scoring variants", ECIR 2020), computed
in the same floating-point order, so the scores are bit-identical to ``bm25s.BM25(method="lucene").index``
(tests/retrieval/test_lexical_build.py checks it), and the matrix is laid out as bm25s lays it out:
columns are terms, rows within a column ascending, ``data`` float32, ``indices`` int32, ``indptr`` int64.
"""

from __future__ import annotations

import math

import numpy as np

_BLOCK = 1 << 22  # entries scored at a time: bounds the float64 temporaries (32 MiB each)


def lucene_idf(df: int, n_docs: int) -> float:
    """Lucene's inverse document frequency: log(1 + (N - df + 0.5) / (df + 0.5))."""
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


def lucene_csc(
    term_ids: np.ndarray, counts: np.ndarray, sizes: np.ndarray, n_terms: int, k1: float, b: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (data, indices, indptr) of the passages x terms BM25 matrix in compressed-column form.

    The passages come one after another in ``term_ids`` (their distinct term ids) and ``counts`` (how often
    each occurs); ``sizes[d]`` is how many entries passage d has.
    """
    n_docs = len(sizes)
    rows = np.repeat(np.arange(n_docs, dtype=np.int32), sizes)
    doc_len = np.bincount(rows, weights=counts, minlength=n_docs)  # exact: float64 holds these integer sums
    df = np.bincount(term_ids, minlength=n_terms)
    # math.log for each possible df (at most one per passage), as bm25s computes it per term, rather than
    # np.log, whose vectorised float64 log may differ in the last bit.
    by_df = np.array([lucene_idf(d, n_docs) if d else 0.0 for d in range(int(df.max(initial=0)) + 1)], dtype=np.float32)
    idf = by_df[df]

    # bm25s: tf / (k1 * ((1 - b) + b * l_d / l_avg) + tf), in float64, times the float32 idf, stored as float32.
    avg_len = doc_len.mean() if n_docs else 0.0
    norm = k1 * ((1 - b) + b * doc_len / avg_len) if avg_len else np.zeros(n_docs)
    data = np.empty(len(term_ids), dtype=np.float32)
    for start in range(0, len(term_ids), _BLOCK):
        part = slice(start, start + _BLOCK)
        freq = counts[part].astype(np.float64)
        data[part] = idf[term_ids[part]].astype(np.float64) * (freq / (norm[rows[part]] + freq))

    # Columns in term order, passages ascending within each: bm25s's own order (its numpy backend sorts the
    # same packed keys; each (term, passage) pair occurs once, so an unstable sort gives one answer).
    order = np.argsort((term_ids.astype(np.int64) << 32) | rows)
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    return data[order], rows[order], indptr
