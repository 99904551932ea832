"""The lexical half of a build: fold and tokenise the passages (or take them from the term cache) and index them.

Passages stream through in chunks: each chunk's cached entries are read, the rest folded and tokenised and
written back, and the chunk's passages are kept only as flat arrays of term ids and counts
(retrieval.bm25.CountedPassages: ~5 bytes per distinct term of a passage), never as lists of ~700 strings.
Term ids are those of the cache's vocabulary (retrieval.term_cache), so a cached passage needs no per-term work;
the index keeps only the terms its passages use. A rebuild and a cold build of the same passages therefore
score alike to the bit, though their term columns may come in another order.

This runs in a thread beside the encoder (retrieval.build); ``cancel`` asks it to stop between chunks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from retrieval.bm25 import CountedPassages
from retrieval.encoder import text_hash
from retrieval.lexical import LexicalIndex, TermNumbers, count_terms
from retrieval.term_cache import PassageTerms, TermCache
from retrieval.text import fold_script, lexical_terms

CHUNK = 500  # passages per cache round trip; also how often a cancel is noticed


@dataclass(frozen=True)
class TermScheme:
    """How passage text becomes lexical terms: the function, and the name that keys its cache entries.

    The name is recorded in the manifest; a function that tokenises differently needs another name.
    """

    name: str
    terms: Callable[[str], list[str]] = lexical_terms


class BuildCancelled(Exception):
    """The other half of the build failed; the lexical half stopped early."""


@dataclass
class LexicalBuild:
    """The lexical index of a build, the folded text of each passage, and what the term cache saved."""

    index: LexicalIndex
    folded: list[str]
    tokenised: int  # texts folded and tokenised in this build (calls of the scheme's function)
    reused: int  # texts taken from the term cache
    warnings: list[str] = field(default_factory=list)
    mean_length: float = 0.0  # terms in a passage, on average (BM25's mean length; the dense self-test scores with it)


def build_lexical(
    texts: Sequence[str], scheme: TermScheme, cache_file: Path, *, cancel: threading.Event | None = None,
    progress: bool = False,
) -> LexicalBuild:
    """Index the texts lexically, tokenising only those the term cache does not have under this scheme."""
    cache = TermCache(cache_file)
    numbers = TermNumbers(cache.vocabulary(scheme.name))
    counted = CountedPassages()
    folded: list[str] = []
    tokenised = reused = terms_counted = 0
    bar = _bar(len(texts), progress)
    try:
        for start in range(0, len(texts), CHUNK):
            if cancel is not None and cancel.is_set():
                raise BuildCancelled("the lexical index was not finished: the build failed elsewhere")
            chunk = texts[start : start + CHUNK]
            keys = [text_hash(t) for t in chunk]
            first = len(numbers.terms)
            found = cache.get(scheme.name, sorted(set(keys)), first)
            reused += len(found)
            new: dict[str, PassageTerms] = {}
            term_ids: list[np.ndarray] = []
            counts: list[np.ndarray] = []
            for key, text in zip(keys, chunk, strict=True):
                entry = found.get(key) or new.get(key)
                if entry is None:
                    fold = fold_script(text)
                    distinct, frequency = count_terms(scheme.terms(fold))
                    entry = new[key] = PassageTerms(fold, numbers.ids(distinct), frequency)
                folded.append(entry.folded)
                term_ids.append(entry.ids)
                counts.append(entry.counts)
            counted.add(term_ids, counts)
            terms_counted += sum(int(c.sum()) for c in counts)
            tokenised += len(new)
            cache.put(scheme.name, first, numbers.terms[first:], new.items())
            if bar is not None:
                bar.update(len(chunk))
    finally:
        cache.close()
        if bar is not None:
            bar.close()
    return LexicalBuild(numbers.index(counted), folded, tokenised, reused, cache.warnings, terms_counted / max(1, len(texts)))


def _bar(total: int, enabled: bool):  # type: ignore[no-untyped-def]
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="reading passages", unit="passage", leave=False)
