"""Join hard-wrapped lines back into paragraphs (PDF text, and plain text wrapped at a fixed width)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.furniture import furniture_kind
from corpus.metadata import ends_sentence
from corpus.pinyin import HAN
from corpus.shapes import article_label, is_chapter, is_url, list_family, looks_like_row

_CJK_EDGE = re.compile(f"[{HAN}\u3000-\u303f\uff00-\uffef“”‘’]")
_FULL = 0.8  # a line at least this share of the block's widest line reaches the right margin
_MIN_WRAP_WIDTH = 30


@dataclass(frozen=True)
class Unit:
    """A paragraph-to-be: its text and the 1-based line it starts on."""

    line: int
    text: str


def join_lines(left: str, right: str) -> str:
    """Two pieces of one sentence, as one: no space between Chinese, one between Latin words, a hyphen undone."""
    # Chinese has no spaces between words; Latin-script lines need one back.
    if _CJK_EDGE.match(left[-1]) or _CJK_EDGE.match(right[0]):
        return left + right
    if left.endswith("-") and left[-2:-1].isalpha() and right[:1].islower():
        return left[:-1] + right
    return left + " " + right


def _looks_wrapped(block: list[Unit]) -> bool:
    widest = max(len(u.text) for u in block)
    inner = block[:-1]
    full = sum(1 for u in inner if len(u.text) >= _FULL * widest and not ends_sentence(u.text))
    return len(block) >= 3 and widest >= _MIN_WRAP_WIDTH and full * 2 >= len(inner)


def _unwrap_block(block: list[Unit]) -> list[Unit]:
    widest = max(len(u.text) for u in block)
    out: list[Unit] = []
    current: Unit | None = None
    for unit in block:
        current = unit if current is None else Unit(current.line, join_lines(current.text, unit.text))
        # A line that stops short of the margin, or ends a sentence well before it, ends the paragraph.
        if len(unit.text) < _FULL * widest or (ends_sentence(unit.text) and len(unit.text) < 0.95 * widest):
            out.append(current)
            current = None
    if current is not None:
        out.append(current)
    return out


def _stands_alone(text: str, rows: frozenset[str]) -> bool:
    """A table row, a line that is only a URL, or site furniture is never joined with another line."""
    return text in rows or looks_like_row(text) or is_url(text) or furniture_kind(text) is not None


def _opens_paragraph(text: str) -> bool:
    """A list item, an article or a chapter starts a new paragraph, however the line above ends."""
    return list_family(text) is not None or article_label(text) is not None or is_chapter(text)


def paragraphs_from_lines(lines: list[str], *, wrapped: bool = False, rows: frozenset[str] = frozenset()) -> list[Unit]:
    """Non-blank lines as units, with blocks of hard-wrapped lines joined (always when `wrapped`).

    Table rows (`rows`, or lines written as cells between bars) stay lines of their own, and a line that starts
    with a list marker, 第X条 or 第X章 starts a new block.
    """
    units: list[Unit] = []
    block: list[Unit] = []

    def flush() -> None:
        if block:
            units.extend(_unwrap_block(block) if wrapped or _looks_wrapped(block) else block)
            block.clear()

    for number, text in enumerate(lines, start=1):
        if not text:
            flush()
        elif _stands_alone(text, rows):
            flush()
            units.append(Unit(number, text))
        else:
            if _opens_paragraph(text):
                flush()
            block.append(Unit(number, text))
    flush()
    return units
