"""BM25 (Lucene variant) scores of a counted corpus, as a compressed-column matrix built with whole-array NumPy
operations, and the matrix's files.

bm25s builds the same scores from token lists with a Python loop per document (a Counter and a set
intersection each: 18% of the lexical build, profiled). Here each passage arrives already counted (its
distinct term ids and their frequencies), so the matrix is a handful of array operations per chunk of passages.

The formulas are bm25s's own (``bm25s.scoring._score_idf_lucene`` and ``_score_tfc_lucene``, after Kamphuis
et al., "Which BM25 do you mean? A large-scale reproducibility study of scoring variants", ECIR 2020): a score is
the term's IDF times tf / (tf + k1 * (1 - b + b * length / mean length)), a factor between 0 and 1. bm25s keeps
each score as a float32 and each entry's passage as an int32 (8 bytes an entry: 4.0 GB at a million passages). A
``Matrix`` keeps the factor in 8 bits (its score is IDF x q / 255, within IDF / 510 of bm25s's, checked in
tests/retrieval/test_lexical_build.py; the retrieval figures did not move, retrieval/README.md) and the passage as
its place in a block of 65,536 passages (uint16) with, per column, where each block's entries begin (``blocks``):
3 bytes an entry, 1.5 GB at a million passages, on disk and in the memory a server maps.

Memory is what limits the corpus size at build time, so the counts are kept chunk by chunk and the matrix is
filled chunk by chunk, with no array over all entries beyond the counts themselves and the matrix: 4 bytes of
term id and 1-2 of count per entry in, 3 bytes out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BLOCK_BITS = 16
BLOCK = 1 << BLOCK_BITS  # passages per block: a place in a block fits a uint16
LEVELS = 255  # a score's tf factor is kept as round(factor * LEVELS), 1..255, in a uint8


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


@dataclass(frozen=True)
class Matrix:
    """The passages x terms BM25 matrix by columns: ``data`` (uint8: an entry's tf factor in 255ths) and ``rows``
    (uint16: an entry's passage less its block's first passage) one column after another; column t's entries of
    block b are ``blocks[t, b]:blocks[t, b + 1]``, all of them ``indptr[t]:indptr[t + 1]``; an entry's score is
    ``data * step[t]``, ``step`` being the term's IDF (``idf``, float32) / 255."""

    data: np.ndarray
    rows: np.ndarray
    blocks: np.ndarray  # int64, terms x (blocks + 1)
    indptr: np.ndarray  # int64, terms + 1
    idf: np.ndarray  # float32, one per term: no score of its column exceeds it
    passages: int

    FILES = ("data", "rows", "blocks", "indptr", "idf")

    @property
    def step(self) -> np.ndarray:
        return self.idf / np.float32(LEVELS)

    def save(self, directory: Path) -> None:
        """Write the arrays as .npy files into directory."""
        directory.mkdir(parents=True, exist_ok=True)
        for name in self.FILES:
            np.save(directory / f"{name}.npy", getattr(self, name))

    @classmethod
    def load(cls, directory: Path, passages: int) -> Matrix:
        """Read the arrays written by save: the entries memory-mapped, the per-term arrays in memory."""
        # Plain ndarray views of the maps (np.asarray): slicing a np.memmap runs Python code of its own for every
        # slice, which was a third of a query's time at a million passages (a few hundred slices a question).
        data, rows, blocks = (np.asarray(np.load(directory / f"{name}.npy", mmap_mode="r")) for name in cls.FILES[:3])
        indptr, idf = np.load(directory / "indptr.npy"), np.load(directory / "idf.npy")
        matrix = cls(data, rows, blocks, indptr, idf, passages)
        expected = (passages + BLOCK - 1) // BLOCK + 1
        if (data.dtype != np.uint8 or rows.dtype != np.uint16 or idf.dtype != np.float32 or blocks.shape != (len(indptr) - 1, expected)
                or len(idf) != len(indptr) - 1 or not len(data) == len(rows) == indptr[-1]):
            raise ValueError(f"the matrix files in {directory} do not fit together ({data.dtype}, {rows.dtype}, {blocks.shape}, {indptr.shape})")
        return matrix

    def column_scores(self, term: int) -> np.ndarray:
        """The scores of a column's entries, in passage order (float32)."""
        return self.data[self.indptr[term] : self.indptr[term + 1]] * self.step[term]

    def passages_of(self, term: int) -> np.ndarray:
        """The passages (rows) of a column's entries, ascending."""
        bounds = self.blocks[term]
        return np.concatenate([self.rows[bounds[b] : bounds[b + 1]] + np.int64(b * BLOCK) for b in range(len(bounds) - 1)])

    def add_column(self, total: np.ndarray, term: int, step: np.float32) -> None:
        """Add a column's scores to ``total`` (one float32 per passage), entry by entry in passage order (``step``:
        the term's ``self.step``, which the caller reads once)."""
        bounds = self.blocks[term]
        for block in range(len(bounds) - 1):
            start, end = int(bounds[block]), int(bounds[block + 1])
            if end > start:
                # np.add.at, not a fancy-indexed +=: NumPy 2's add.at is 2-3x faster at every column length (measured).
                np.add.at(total[block * BLOCK : (block + 1) * BLOCK], self.rows[start:end], self.data[start:end] * step)

    def add_column_at(self, total: np.ndarray, term: int, step: np.float32, passages: np.ndarray, by_block: np.ndarray) -> None:
        """Add a column's score of each of ``passages`` (ascending) to ``total`` (one float32 per passage given; 0 is
        added where the column has no entry, which leaves a sum as it was). ``by_block[b]`` is where block b's
        passages begin in ``passages`` (``np.searchsorted(passages, block starts)``)."""
        bounds = self.blocks[term]
        for block in range(len(bounds) - 1):
            start, end = int(bounds[block]), int(bounds[block + 1])
            first, last = int(by_block[block]), int(by_block[block + 1])
            if end == start or last == first:
                continue
            rows = self.rows[start:end]
            wanted = (passages[first:last] - block * BLOCK).astype(np.uint16)
            at = np.minimum(np.searchsorted(rows, wanted), len(rows) - 1)
            total[first:last] += np.where(rows[at] == wanted, self.data[start:end][at] * step, np.float32(0))


def lucene_csc(passages: CountedPassages, n_terms: int, k1: float, b: float) -> Matrix:
    """The passages x terms BM25 matrix.

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
    n_blocks = max(1, (n_docs + BLOCK - 1) // BLOCK)
    data = np.empty(int(indptr[-1]), dtype=np.uint8)
    rows16 = np.empty(int(indptr[-1]), dtype=np.uint16)
    per_block = np.zeros(n_terms * n_blocks, dtype=np.int64)  # entries of each (term, block)
    filled = indptr[:-1].copy()  # the next free place in each term's column
    first = 0
    for ids, counts, sizes in chunks:
        rows = _rows(sizes) + np.int32(first)
        # bm25s: tf / (k1 * ((1 - b) + b * l_d / l_avg) + tf), in float64 (times the float32 idf at query time).
        freq = counts.astype(np.float64)
        factor = np.clip(np.rint(freq / (norm[rows] + freq) * LEVELS), 1, LEVELS).astype(np.uint8)
        # The chunk's entries by term and, within a term, in passage order (the entry's place in the low 32
        # bits): chunks come in passage order, so each column's rows ascend, as bm25s's own sort leaves them.
        key = (ids.astype(np.int64) << 32) | np.arange(len(ids), dtype=np.int64)
        key.sort()
        order, term = key & 0xFFFFFFFF, key >> 32
        starts = np.flatnonzero(np.diff(term, prepend=-1))  # where each term's run begins
        runs = np.diff(starts, append=len(term))
        place = filled[term] + (np.arange(len(term)) - np.repeat(starts, runs))
        data[place] = factor[order]
        passage = rows[order]
        rows16[place] = passage & (BLOCK - 1)
        np.add.at(per_block, term * n_blocks + (passage >> BLOCK_BITS), 1)
        filled[term[starts]] += runs
        first += len(sizes)
    chunks.clear()
    blocks = np.empty((n_terms, n_blocks + 1), dtype=np.int64)
    blocks[:, 0] = indptr[:-1]
    np.cumsum(per_block.reshape(n_terms, n_blocks), axis=1, out=blocks[:, 1:])
    blocks[:, 1:] += indptr[:-1, None]
    return Matrix(data, rows16, blocks, indptr, idf, n_docs)


def _rows(sizes: np.ndarray) -> np.ndarray:
    """The passage (counted from 0) of each entry of a chunk."""
    return np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
