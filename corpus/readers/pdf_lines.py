"""Printed lines from a page's characters: grouped by position, spaced by the gaps between them.

Pure functions over Glyph records (corpus.readers.pdf_glyphs). A line keeps what the later steps measure:
where it starts and ends, its type size and font, and the pieces a wide gap splits it into (table cells,
a page number printed beside a URL). Small raised digits are superscripts: they are written as ¹²³ so that a
footnote marker can be told from the number it follows.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from corpus.pinyin import HAN
from corpus.readers.pdf_glyphs import Glyph

# Scripts written without spaces between words, and their punctuation: no space is put next to them.
_NO_SPACE = re.compile(f"[{HAN}\u3000-\u303f\uff00-\uffef\u2e80-\u2fdf\u3040-\u30ff\uac00-\ud7af“”‘’、]")
_HAN = re.compile(f"[{HAN}]")
_WORD_GAP = 0.15  # of the type size: a wider gap between two Latin letters is a space
_WIDE_GAP = 0.35  # of the type size: a gap this wide is a space in any script (第六条　中华人民共和国, 1 人口特征)
# Of the type size: a wider gap splits the line into segments (table cells, the parts of a page header). Chinese
# and figures are set with no gap at all, even justified; a Latin word space stretches further, so it needs more.
_CELL_GAP = 1.05
_HAN_CELL_GAP = 1.3  # an ideographic space (1 em) between two Chinese characters is a space, not a cell's edge
_LATIN_CELL_GAP = 2.0
_LETTER = re.compile(r"[^\W\d_]", re.ASCII)
_SUPERSCRIPT_SIZE = 0.8  # a superscript is set at most this share of the line's type size ...
_SUPERSCRIPT_RISE = 0.18  # ... with its foot raised at least this share of the size above the line's foot
_SUPERSCRIPTS = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")
_SUPERSCRIPT_CHARS = frozenset("0123456789+-=()")


@dataclass(frozen=True)
class Segment:
    """A run of a line's text with no wide gap inside it."""

    text: str
    x0: float
    x1: float


@dataclass(frozen=True)
class Line:
    """One printed line: text, box (points, y downwards), type size, dominant font, and its gap-split segments."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    bold: bool
    segments: tuple[Segment, ...]

    @property
    def baseline(self) -> float:
        """The foot of the line's box (close enough to the baseline to compare lines)."""
        return self.bottom


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def group_rows(glyphs: list[Glyph] | tuple[Glyph, ...]) -> list[list[Glyph]]:
    """Glyphs grouped into printed rows, top to bottom; each row left to right.

    A glyph joins a row when it overlaps the row's tallest glyph by half its own height or more, so a superscript
    joins the line it belongs to and two lines set close together stay apart.
    """
    rows: list[tuple[Glyph, list[Glyph]]] = []  # (the tallest glyph so far, the row's glyphs)
    for glyph in sorted(glyphs, key=lambda g: (g.top + g.bottom) / 2):
        placed = False
        for index in range(len(rows) - 1, max(len(rows) - 4, -1), -1):  # only the last few rows can overlap
            tallest, members = rows[index]
            overlap = min(glyph.bottom, tallest.bottom) - max(glyph.top, tallest.top)
            if overlap >= 0.5 * min(glyph.height, tallest.height):
                members.append(glyph)
                if glyph.height > tallest.height:
                    rows[index] = (glyph, members)
                placed = True
                break
        if not placed:
            rows.append((glyph, [glyph]))
    return [sorted(members, key=lambda g: g.x0) for _, members in rows]


def _cell_gap(left: str, right: str) -> float:
    if _LETTER.match(left) and _LETTER.match(right):
        return _LATIN_CELL_GAP
    if _HAN.match(left) and _HAN.match(right):
        return _HAN_CELL_GAP
    return _CELL_GAP


def _needs_space(left: str, right: str) -> bool:
    return not (_NO_SPACE.match(left) or _NO_SPACE.match(right))


def build_line(row: list[Glyph]) -> Line:
    """A row of glyphs (left to right) as a Line: spaces where Latin words part, segments at wide gaps."""
    size = _median([g.height for g in row])
    foot = _median([g.bottom for g in row if g.height >= _SUPERSCRIPT_SIZE * size])
    segments: list[Segment] = []
    text: list[str] = []
    seg_x0 = row[0].x0
    prev: Glyph | None = None
    prev_char = ""
    for glyph in row:
        char = glyph.char
        raised = glyph.height < _SUPERSCRIPT_SIZE * size and glyph.bottom < foot - _SUPERSCRIPT_RISE * size
        if raised and char in _SUPERSCRIPT_CHARS:
            char = char.translate(_SUPERSCRIPTS)
        if prev is not None:
            gap = glyph.x0 - prev.x1
            if gap > _cell_gap(prev_char, char) * size:
                segments.append(Segment("".join(text), seg_x0, prev.x1))
                text, seg_x0, prev_char = [], glyph.x0, ""
            elif gap > _WIDE_GAP * size or (gap > _WORD_GAP * size and _needs_space(prev_char, char)):
                text.append(" ")
        text.append(char)
        prev, prev_char = glyph, char
    assert prev is not None
    segments.append(Segment("".join(text), seg_x0, prev.x1))
    # The face of the line's Chinese characters when it has any: digits and Latin words are often set in another.
    han = [g for g in row if _HAN.match(g.char)]
    font = Counter(g.font for g in (han or row)).most_common(1)[0][0]
    bold = sum(g.bold for g in row) * 2 > len(row)
    return Line(
        text=" ".join(s.text for s in segments),
        x0=row[0].x0,
        x1=max(g.x1 for g in row),
        top=min(g.top for g in row),
        bottom=max(g.bottom for g in row),
        size=size,
        font=font,
        bold=bold,
        segments=tuple(segments),
    )


def page_lines(glyphs: list[Glyph] | tuple[Glyph, ...]) -> list[Line]:
    """A page's printed lines, top to bottom."""
    return [build_line(row) for row in group_rows(glyphs) if row]
