"""The words of a passage to show in bold: where the question's covered content stands in the original text."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.text import fold_aligned, iter_tokens


def surface_terms(units: Sequence[str], text: str) -> tuple[str, ...]:
    """The strings of ``text`` (original script) that match these folded units, in reading order, each once.

    Matching happens on folded text; folding keeps one character per character nearly always, and where it
    does not, the origin of every folded character maps the match back.
    """
    if not units:
        return ()
    folded, origin = fold_aligned(text)
    latin_spans: dict[str, list[tuple[int, int]]] = {}
    if any(unit.isascii() for unit in units):  # tokenising the passage is for whole Latin words and numbers only
        for token in iter_tokens(folded):
            if token.kind in ("word", "num", "date"):
                latin_spans.setdefault(token.text, []).append((token.start, token.end))
    spans: list[tuple[int, int]] = []
    for unit in units:
        if unit in latin_spans and unit.isascii():
            spans.extend(latin_spans[unit])
            continue
        start = folded.find(unit)
        while start >= 0:
            spans.append((start, start + len(unit)))
            start = folded.find(unit, start + 1)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:  # overlapping or touching: one bold run
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    seen: dict[str, None] = {}
    for start, end in merged:
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        seen.setdefault(text[start:end], None)
    return tuple(s for s in seen if s.strip())
