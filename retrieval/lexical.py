"""The lexical index: BM25 over our own terms, with a weight per kind of term.

The terms are those of retrieval.text (bm25s's splitter, like most, treats a run of Chinese as one word), counted
per passage and mapped to integer ids as the passages stream by (retrieval.terms); retrieval.bm25 turns the counts
into the score matrix (bm25s's scores with their tf factor kept in 8 bits, in a leaner layout) and keeps its files. One index holds every
kind of term; a question's score is the weighted sum of the BM25 contributions of its terms, so the kinds can
count differently without keeping four indexes:

- Chinese characters and bigrams: weight 1 each;
- jieba words: 0.5 (they repeat what bigrams already match; alone they were weaker on cross-script questions);
- Latin words and numbers (with units): 2 (a number or a name is rarely matched by accident).

k1 = 0.6, b = 0.75 (Lucene BM25). The weights and k1 were chosen on the two Chinese pools together; the
figures are in retrieval/README.md.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from retrieval.bm25 import BLOCK, BLOCK_BITS, LEVELS, CountedPassages, Matrix, lucene_csc
from retrieval.text import JIEBA_PREFIX

K1 = 0.6
B = 0.75
KIND_WEIGHTS = {"uni": 1.0, "bi": 1.0, "jieba": 0.5, "wordnum": 2.0}
# LexicalIndex.top: on an index of PRUNE_MIN_PASSAGES or more, columns longer than PRUNE_LONG_SHARE of the passages
# (and PRUNE_MIN_DF) are added whole only when the candidates are too many; a candidate's binary search in a column
# costs about LOOKUP_COST of its entries. Below that size adding every column whole is faster than the bookkeeping.
PRUNE_MIN_PASSAGES = 50_000
PRUNE_LONG_SHARE = 1 / 4
PRUNE_MIN_DF = 2000
LOOKUP_COST = 16
POOL_ENTRIES = 50_000  # entries of the rarest columns whose passages bound the n-th best score

_CJK_ONLY = re.compile(r"^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]+$")


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
    """BM25 over our terms (a Matrix and its vocabulary), scored with per-kind weights."""

    VOCAB = "vocab.json"
    PARAMS = "params.json"

    def __init__(self, matrix: Matrix, vocab: dict[str, int]) -> None:
        self._matrix = matrix
        self.size: int = matrix.passages
        self._df = np.diff(matrix.indptr)  # a column's entries: its term's document frequency
        self._step = matrix.step  # a term's score per level of an entry
        self._vocab = vocab
        if len(vocab) != len(self._df) or (vocab and max(vocab.values()) >= len(self._df)):
            raise ValueError(f"vocabulary of {len(vocab)} terms does not fit a matrix of {len(self._df)} term columns")

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
        return cls(lucene_csc(passages, len(vocab), K1, B), vocab)

    def save(self, directory: Path) -> None:
        """Write the index files into directory."""
        self._matrix.save(directory)
        (directory / self.VOCAB).write_text(json.dumps(self._vocab, ensure_ascii=False), encoding="utf-8")
        params = {"k1": K1, "b": B, "passages": self.size, "block_bits": BLOCK_BITS, "levels": LEVELS}
        (directory / self.PARAMS).write_text(json.dumps(params), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Read an index written by save, its score matrix memory-mapped.

        Only the columns of the terms that questions ask for are ever read, so the operating system keeps just
        those pages, and may drop them again when memory is short: at 100,000 passages the matrix (bm25s's layout
        then) took 447 MiB of resident memory loaded whole and 66 MiB mapped after opening, for 0.16 ms more per
        BM25 call at p50 (benchmarks/RESULTS.md, run 3). A mapped file stays readable after a later build removes
        its version directory.
        """
        params = json.loads((directory / cls.PARAMS).read_text(encoding="utf-8"))
        if (params.get("k1"), params.get("b"), params.get("block_bits"), params.get("levels")) != (K1, B, BLOCK_BITS, LEVELS):
            raise ValueError(f"the lexical index in {directory} was written with other parameters ({params})")
        vocab = json.loads((directory / cls.VOCAB).read_text(encoding="utf-8"))
        return cls(Matrix.load(directory, int(params["passages"])), vocab)

    def scores(self, terms: Sequence[str], weights: Sequence[float] | None = None) -> np.ndarray:
        """The weighted BM25 score of every passage for these query terms (a float32 array, one per passage);
        ``weights``, one per term, scale each term's contribution on top of its kind's weight (None: all 1)."""
        kinds = self._columns(terms, weights)
        return _combine([(weight, self._accumulate(columns)) for weight, columns in kinds], self.size)

    def top(self, terms: Sequence[str], n: int, weights: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The rows of the n best-scoring passages with a positive score, best first (ties: lower row first), and
        their scores: exactly what ``scores`` and a full sort would give, to the bit. ``weights`` (one per term,
        None: all 1) scale terms as in ``scores``: query expansions weigh their terms below the question's own.

        At scale most of the work is in the long columns of common characters and bigrams (at a million passages a
        question touches 4-15M matrix entries, most of them in columns that hold a quarter of the corpus or more), yet
        those terms weigh little. So the short columns are added first. The n-th best partial score among the
        passages of the rarest terms (``_pool``) bounds the n-th best total from below, and each long column can add
        at most its term's IDF (a Lucene BM25 score is IDF times tf / (tf + norm) < 1); only passages whose partial
        score plus those IDFs reaches that bound can still enter the top n (MaxScore: Turtle and Flood, "Query
        evaluation: strategies and optimizations", IP&M 1995). The long columns are looked up for those candidates
        alone, by binary search, unless there are so many that adding the columns whole is cheaper. A kind's
        columns are summed shortest first either way, so the result is exactly that of ``scores``.
        """
        kinds = self._columns(terms, weights)
        if not kinds or n <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        long_from = max(PRUNE_MIN_DF, int(self.size * PRUNE_LONG_SHARE))
        # A kind's columns go shortest first, so its short columns are a prefix and the sums keep their order.
        short = [[t for t in columns if self._df[t] <= long_from] for _, columns in kinds]
        rest = [(k, t) for k, (_, columns) in enumerate(kinds) for t in columns[len(short[k]) :]]
        if self.size < PRUNE_MIN_PASSAGES or not rest:
            return _best(_combine([(w, self._accumulate(c)) for w, c in kinds], self.size), n)
        partials = [self._accumulate(columns) for columns in short]
        partial = np.zeros(self.size, dtype=np.float32)  # the weighted sum, for bounding only (the slack covers its rounding)
        for (weight, _), part in zip(kinds, partials, strict=True):
            partial += part if weight == 1.0 else weight * part
        # Each long column adds at most its IDF (q <= 255); the slack in _candidates covers float32 rounding.
        candidates = _candidates(partial, n, sum(kinds[k][0] * float(self._matrix.idf[t]) for k, t in rest), self._pool(short))
        # A candidate costs a binary search in each long column; adding the long columns whole costs their entries.
        if candidates is None or len(candidates) * len(rest) * LOOKUP_COST > sum(int(self._df[t]) for _, t in rest):
            for k, t in rest:
                self._matrix.add_column(partials[k], t, self._step[t])
            return _best(_combine([(w, p) for (w, _), p in zip(kinds, partials, strict=True)], self.size), n)
        by_block = np.searchsorted(candidates, np.arange(self._matrix.blocks.shape[1]) * BLOCK)
        sums = [p[candidates] for p in partials]
        for k, t in rest:
            self._matrix.add_column_at(sums[k], t, self._step[t], candidates, by_block)
        best, scores = _best(_combine([(w, p) for (w, _), p in zip(kinds, sums, strict=True)], len(candidates)), n)
        return candidates[best], scores

    def _columns(self, terms: Sequence[str], weights: Sequence[float] | None = None) -> list[tuple[float, list[int]]]:
        """The query's terms as (weight, term ids) per kind and term weight, groups in order of first appearance. A
        group's terms go shortest column first, then by term (not by id, which depends on the order the corpus was
        read in), so the float sums depend on the question and the corpus alone; a term asked twice counts twice.
        Without term weights the groups are the kinds, summed exactly as before term weights existed."""
        if weights is None:
            weights = [1.0] * len(terms)
        elif len(weights) != len(terms):
            raise ValueError(f"{len(weights)} weights for {len(terms)} terms")
        by_kind: dict[tuple[str, float], list[tuple[int, str, int]]] = {}
        for term, weight in zip(terms, weights, strict=True):
            term_id = self._vocab.get(term)
            if term_id is not None and weight > 0:
                by_kind.setdefault((term_kind(term), float(weight)), []).append((int(self._df[term_id]), term, term_id))
        return [(KIND_WEIGHTS[kind] * weight, [i for _, _, i in sorted(found)]) for (kind, weight), found in by_kind.items()]

    def _pool(self, short: list[list[int]]) -> np.ndarray:
        """Passages of the query's rarest terms (the shortest columns, about POOL_ENTRIES entries): where its best
        passages almost surely are, so the n-th best partial score among them is a close lower bound of the n-th best
        overall, found without sorting the partial scores of most of the corpus."""
        marked = np.zeros(self.size, dtype=bool)  # a mask, not np.unique: its hash table took 6 ms at this size
        entries = 0
        for term in sorted((t for kind in short for t in kind), key=lambda t: int(self._df[t])):
            if entries >= POOL_ENTRIES:
                break
            marked[self._matrix.passages_of(term)] = True
            entries += int(self._df[term])
        return np.flatnonzero(marked)

    def _accumulate(self, columns: list[int]) -> np.ndarray:
        total = np.zeros(self.size, dtype=np.float32)
        for term in columns:
            self._matrix.add_column(total, term, self._step[term])
        return total

    def idf(self, term: str) -> float:
        """Lucene's inverse document frequency of a term; a term the corpus lacks gets the highest value."""
        term_id = self._vocab.get(term)
        df = int(self._df[term_id]) if term_id is not None else 0
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    @property
    def max_idf(self) -> float:
        """The IDF of a term no passage has."""
        return math.log(1.0 + (self.size + 0.5) / 0.5)

    def document_frequency(self, term: str) -> int:
        """How many passages contain the term (0 for a term the index lacks)."""
        term_id = self._vocab.get(term)
        return 0 if term_id is None else int(self._df[term_id])

    def knows(self, term: str) -> bool:
        """True when some passage contains the term."""
        term_id = self._vocab.get(term)
        return term_id is not None and self._df[term_id] > 0


def _combine(kinds: list[tuple[float, np.ndarray]], size: int) -> np.ndarray:
    """The weighted sum of the kinds' scores, in their order: each kind's array is weighted in place and the first
    becomes the total (at a million passages every pass over the score array counts). The result is that of
    ``total += w * part`` from zero, to the bit (0 + x is x; w * x is the same float32 product in place)."""
    total: np.ndarray | None = None
    for weight, part in kinds:
        if weight != 1.0:
            np.multiply(part, weight, out=part)
        if total is None:
            total = part
        else:
            total += part
    return total if total is not None else np.zeros(size, dtype=np.float32)


def _candidates(partial: np.ndarray, n: int, bound: float, pool: np.ndarray) -> np.ndarray | None:
    """Rows whose partial score plus ``bound`` may reach the n-th best partial score, ascending; None when that
    score is too low to rule any passage out.

    The n-th best partial score is taken among the pool's rows when it holds n of them (a subset's n-th best is
    at most the whole's: still a lower bound, so nothing that could reach the top is left out), else among all.
    """
    if len(pool) >= n:
        values = partial[pool]
    else:
        values = partial[np.flatnonzero(partial)]
        if len(values) < n:
            return None
    nth = float(np.partition(values, len(values) - n)[len(values) - n])
    # The slack covers float32 rounding of the sums (a few ulps of the score), far below any real difference.
    cut = nth - bound - 1e-4 * (nth + bound)
    return np.flatnonzero(partial >= cut) if cut > 0 else None


def _best(scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the n highest positive scores, best first, ties by position; and those scores."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > n:
        nth = np.partition(scores[positive], len(positive) - n)[len(positive) - n]
        above = positive[scores[positive] > nth]
        positive = np.concatenate([above, positive[scores[positive] == nth][: n - len(above)]])
    order = np.lexsort((positive, -scores[positive]))
    rows = positive[order]
    return rows, scores[rows]
