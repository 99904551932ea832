"""The lexical index: BM25 (bm25s) over our own terms, with a weight per kind of term.

The terms are those of retrieval.text (bm25s's own splitter treats a run of Chinese as one word), counted per
passage and mapped to integer ids as the passages stream by (retrieval.terms); retrieval.bm25 turns the counts
into bm25s's score matrix, and bm25s saves, loads and scores it. One index holds every kind of term; a question's score is the weighted sum of the BM25 contributions of its terms, so
the kinds can count differently without keeping four indexes:

- Chinese characters and bigrams: weight 1 each;
- jieba words: 0.5 (they repeat what bigrams already match; alone they were weaker on cross-script questions);
- Latin words and numbers (with units): 2 (a number or a name is rarely matched by accident).

k1 = 0.6, b = 0.75 (Lucene BM25). The weights and k1 were chosen on the two Chinese pools together; the
figures are in retrieval/README.md.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from retrieval.bm25 import CountedPassages, lucene_csc
from retrieval.text import JIEBA_PREFIX

K1 = 0.6
B = 0.75
KIND_WEIGHTS = {"uni": 1.0, "bi": 1.0, "jieba": 0.5, "wordnum": 2.0}

_CJK_ONLY = re.compile(r"^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]+$")


def _import_bm25s():  # type: ignore[no-untyped-def]
    import bm25s

    # bm25s sets its logger to DEBUG at import, which overrides the level the application chose; give the
    # decision back to the application (the logger then inherits from its parents again).
    logging.getLogger("bm25s").setLevel(logging.NOTSET)
    return bm25s


def term_kind(term: str) -> str:
    """Which kind a lexical term is: "uni", "bi", "jieba" or "wordnum"."""
    if term.startswith(JIEBA_PREFIX):
        return "jieba"
    if _CJK_ONLY.match(term):
        return "uni" if len(term) == 1 else "bi"
    return "wordnum"


def count_terms(terms: Iterable[str]) -> tuple[list[str], np.ndarray]:
    """The distinct terms of a passage and how often each occurs (all that BM25 needs of its term list)."""
    counted = Counter(terms)
    counted.pop("", None)  # bm25s keeps the empty term for itself
    return list(counted), np.fromiter(counted.values(), dtype=np.int32, count=len(counted))


class TermNumbers:
    """Ids for terms, in order of first appearance; the term cache keeps them from one build to the next."""

    def __init__(self, known: list[str] | None = None) -> None:
        self.terms: list[str] = known if known is not None else []
        self._ids: dict[str, int] | None = None  # built on first use: a rebuild from the cache may need none

    def ids(self, terms: Sequence[str]) -> np.ndarray:
        """The int32 ids of distinct terms, numbering the new ones."""
        if self._ids is None:
            self._ids = dict(zip(self.terms, range(len(self.terms)), strict=True))
        ids = self._ids
        new = [t for t in terms if t not in ids]
        if new:
            ids.update(zip(new, range(len(self.terms), len(self.terms) + len(new)), strict=True))
            self.terms.extend(new)
        return np.fromiter(map(ids.__getitem__, terms), dtype=np.int32, count=len(terms))

    def index(self, passages: CountedPassages) -> LexicalIndex:
        """The lexical index of counted passages (ids of these numbers), with only the terms they use.

        Renumbers the passages' term ids in place and hands them on (the numbers may also hold terms of
        passages since removed).
        """
        used = np.zeros(len(self.terms), dtype=bool)
        for ids, _, _ in passages.chunks:
            used[ids] = True
        renumber = (np.cumsum(used) - 1).astype(np.int32)
        for ids, _, _ in passages.chunks:
            ids[:] = renumber[ids]
        vocab = dict(zip(map(self.terms.__getitem__, np.flatnonzero(used).tolist()), range(int(used.sum())), strict=True))
        return LexicalIndex.from_counts(vocab, passages)


class LexicalIndex:
    """A bm25s index over term lists, scored with per-kind weights."""

    def __init__(self, bm25: object) -> None:
        self._bm25 = bm25
        scores = bm25.scores  # type: ignore[attr-defined]
        self.size: int = int(scores["num_docs"])
        # Columns of bm25s's CSC matrix are terms: the number of stored entries of a column is its document frequency.
        self._df = np.diff(np.asarray(scores["indptr"]))
        self._vocab: dict[str, int] = bm25.vocab_dict  # type: ignore[attr-defined]
        # bm25s adds an empty term to the vocabulary with no column of its own.
        columns = len(self._df)
        if not self._vocab or max(self._vocab.values()) > columns or len(self._vocab) != columns + 1:
            raise ValueError(f"vocabulary of {len(self._vocab)} terms does not fit a matrix of {columns} term columns")

    @classmethod
    def build(cls, term_lists: Sequence[Sequence[str]], *, chunk: int = 500) -> LexicalIndex:
        """Index one term list per passage, counted ``chunk`` passages at a time."""
        numbers = TermNumbers()
        passages = CountedPassages()
        for start in range(0, len(term_lists), chunk):
            counted = [count_terms(terms) for terms in term_lists[start : start + chunk]]
            passages.add([numbers.ids(distinct) for distinct, _ in counted], [frequency for _, frequency in counted])
        return numbers.index(passages)

    @classmethod
    def from_counts(cls, vocab: dict[str, int], passages: CountedPassages) -> LexicalIndex:
        """Index counted passages whose term ids are those of vocab (which this takes over, as it takes over
        the passages' arrays)."""
        bm25s = _import_bm25s()
        bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
        n_docs = passages.passages
        data, indices, indptr = lucene_csc(passages, len(vocab), K1, B)
        # What bm25s.BM25.index leaves behind for save: the matrix, the vocabulary with bm25s's empty term
        # (an id past the last column), and no non-occurrence array (Lucene's BM25 has none).
        bm25.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": n_docs}
        vocab[""] = len(vocab)
        bm25.vocab_dict = vocab
        bm25.nonoccurrence_array = None
        return cls(bm25)

    def save(self, directory: Path) -> None:
        """Write the index files into directory."""
        self._bm25.save(str(directory), show_progress=False)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Read an index written by save, its score matrix memory-mapped.

        Only the columns of the terms that questions ask for are ever read, so the operating system keeps just
        those pages: at 100,000 passages the matrix took 447 MiB of resident memory loaded whole and 66 MiB
        mapped, for 0.16 ms more per BM25 call at p50 (1.50 vs 1.66 ms, identical scores; benchmarks/RESULTS.md).
        A mapped file stays readable after a later build removes its version directory.
        """
        bm25s = _import_bm25s()
        return cls(bm25s.BM25.load(str(directory), mmap=True, show_progress=False))

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """The weighted BM25 score of every passage for these query terms (a float32 array, one per passage)."""
        by_kind: dict[str, list[int]] = {}
        for term in terms:
            term_id = self._vocab.get(term)
            if term_id is not None:
                by_kind.setdefault(term_kind(term), []).append(term_id)
        # Each kind's scores are weighted in place and the first kind's array becomes the total: at a million
        # passages every pass over the 4 MB score array counts. The sums are those of ``total += w * part`` from
        # zero, to the bit (0 + x is x; w * x is the same float32 product in place).
        total: np.ndarray | None = None
        for kind, ids in by_kind.items():
            part = self._bm25.get_scores_from_ids(ids)  # type: ignore[attr-defined]
            if KIND_WEIGHTS[kind] != 1.0:
                np.multiply(part, KIND_WEIGHTS[kind], out=part)
            if total is None:
                total = part
            else:
                total += part
        return total if total is not None else np.zeros(self.size, dtype=np.float32)

    def idf(self, term: str) -> float:
        """Lucene's inverse document frequency of a term; a term the corpus lacks gets the highest value."""
        term_id = self._vocab.get(term)
        df = int(self._df[term_id]) if term_id is not None and term_id < len(self._df) else 0
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    @property
    def max_idf(self) -> float:
        """The IDF of a term no passage has."""
        return math.log(1.0 + (self.size + 0.5) / 0.5)

    def knows(self, term: str) -> bool:
        """True when some passage contains the term."""
        term_id = self._vocab.get(term)
        return term_id is not None and term_id < len(self._df) and self._df[term_id] > 0
