"""Merge passages that several documents carry (republished news), keeping the first and citing the others."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace

from corpus.model import Citation, Passage

_IGNORED = re.compile(r"\s+")


def dedupe_key(text: str) -> str:
    """Two passages are the same when their texts agree after NFKC and with whitespace removed."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text))


def dedupe_passages(passages: Iterable[Passage]) -> tuple[tuple[Passage, ...], int]:
    """Keep the first of each repeated passage, listing the other documents in `also_cited`.

    Returns the kept passages in their original order and how many were merged away. A paragraph repeated
    within one document is merged too, without citing its own document twice.
    """
    kept: list[Passage] = []
    where: dict[str, int] = {}
    merged = 0
    for passage in passages:
        key = dedupe_key(passage.text)
        if key not in where:
            where[key] = len(kept)
            kept.append(passage)
            continue
        merged += 1
        first = kept[where[key]]
        cited: tuple[Citation, ...] = (first.cite, *first.also_cited)
        if all(c.doc_id != passage.cite.doc_id for c in cited):
            kept[where[key]] = replace(first, also_cited=(*first.also_cited, passage.cite, *passage.also_cited))
    return tuple(kept), merged
