"""Small text helpers the structured readers share: joining pieces of one paragraph, invisible characters."""

from __future__ import annotations

import re

from corpus.pinyin import HAN

# A character that sits against its neighbour without a space in Chinese text: ideographs, CJK punctuation and
# full-width forms, curly quotes.
_CJK_EDGE = re.compile(f"[{HAN}\u3000-\u303f\uff00-\uffef“”‘’]")
# Invisible characters a saved page or an editor leaves in text; a paragraph of only these is empty.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def join_pieces(pieces: list[str]) -> str:
    """Pieces of one paragraph (lines of a soft-wrapped paragraph, paragraphs of a table cell) as one line.

    Chinese has no spaces between words, so pieces meet directly when either side is CJK; Latin-script pieces
    get one space back.
    """
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out and not (_CJK_EDGE.match(out[-1]) or _CJK_EDGE.match(piece[0])):
            out += " "
        out += piece
    return out


def visible(text: str) -> str:
    """`text` without zero-width characters, its runs of spaces and tabs made one space, stripped."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()
