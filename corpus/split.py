"""Cut a long paragraph into pieces at sentence ends, so that a quote fits a phone screen.

The pieces concatenate back to the paragraph exactly: nothing is dropped or added, whitespace included.
"""

from __future__ import annotations

import re

# About a phone screen of Chinese text, and under the 512 tokens of the usual sentence encoders.
DEFAULT_MAX_CHARS = 400

_CLOSERS = "”’」』\"')）】》"
# A sentence ends at 。！？；!?; (runs of them), or at a '.' that is not inside a number (3.0),
# together with any closing quotes or brackets and the whitespace after it.
_SENTENCE_END = re.compile(rf"(?:[。！？；!?;…]+|\.(?!\d))[{re.escape(_CLOSERS)}]*\s*")
_CLAUSE_END = re.compile(rf"[，,、：:]+[{re.escape(_CLOSERS)}]*\s*")
_SPACE = re.compile(r"\s+")


def _cut_after(pattern: re.Pattern[str], text: str) -> list[str]:
    """Cut `text` after every match of `pattern`; the pieces concatenate back to `text`."""
    pieces, start = [], 0
    for m in pattern.finditer(text):
        if m.end() > start:
            pieces.append(text[start : m.end()])
            start = m.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _hard_cut(text: str, max_chars: int) -> list[str]:
    """Cut a run with no sentence or clause end: at the last space before the limit, else at the limit."""
    pieces = []
    while len(text) > max_chars:
        spaces = [m.end() for m in _SPACE.finditer(text, 1, max_chars)]
        cut = spaces[-1] if spaces else max_chars
        pieces.append(text[:cut])
        text = text[cut:]
    return pieces + ([text] if text else [])


def _pack(units: list[str], max_chars: int) -> list[str]:
    """Join consecutive units greedily into pieces of at most max_chars."""
    pieces: list[str] = []
    for unit in units:
        if pieces and len(pieces[-1]) + len(unit) <= max_chars:
            pieces[-1] += unit
        else:
            pieces.append(unit)
    return pieces


def split_paragraph(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
    """Cut `text` into pieces of at most `max_chars`, at sentence ends where possible.

    A sentence longer than the limit is cut at clause ends (，、：), and a clause longer than that at a space or
    at the limit itself. A paragraph within the limit comes back as one piece; an empty one as no pieces.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    if len(text) <= max_chars:
        return [text] if text else []
    units: list[str] = []
    for sentence in _cut_after(_SENTENCE_END, text):
        if len(sentence) <= max_chars:
            units.append(sentence)
            continue
        for clause in _cut_after(_CLAUSE_END, sentence):
            units.extend([clause] if len(clause) <= max_chars else _hard_cut(clause, max_chars))
    return _pack(units, max_chars)
