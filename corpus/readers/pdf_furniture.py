"""Running headers, footers and page numbers of a PDF: found by their place at a page's edge, their shape, and
their repetition from page to page.

Pure functions over the lines of each page (corpus.readers.pdf_lines). Only the lines at a page's top and bottom
edge are candidates, so a number or a date inside the text is never taken for furniture. A line is dropped when
each of its gap-split segments is furniture: a page number (－1－, -1-, 第 1 页, 1/9, Page 2 of 9, a bare number that
follows the page count), the timestamp or URL a browser prints in its header and footer, or text that recurs at
the same edge on many pages (digits aside, so "Chapter 3 · page 12" recurs too).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from corpus.readers.pdf_lines import Line

EDGE_LINES = 2  # lines looked at, at each edge of a page
_DASHES = "-－—–~～_"
_DECORATED_NUMBER = re.compile(
    rf"^(?:[{_DASHES}]\s*(\d{{1,4}})\s*[{_DASHES}]"  # -1-  －1－  — 1 —
    r"|第\s*(\d{1,4})\s*[页頁](?:\s*[,，/]?\s*共\s*\d{1,4}\s*[页頁])?"  # 第 1 页, 第1页 共9页
    r"|(\d{1,4})\s*/\s*\d{1,4}"  # 1/9
    r"|(?:page|p\.)\s*(\d{1,4})(?:\s*(?:of|/)\s*\d{1,4})?"  # Page 2 of 9
    r"|[(（\[【]\s*(\d{1,4})\s*[)）\]】])$",  # (3)
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^(\d{1,4})$")
_ROMAN = re.compile(r"^(?=[ivxlc]{1,6}$)c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$", re.IGNORECASE)
# What a browser prints at the top and bottom of each page: the date and time, the page's address.
_TIMESTAMP = re.compile(
    r"^(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}/\d{1,2}/\d{2,4},?)\s*(?:上午|下午|AM|PM)?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM)?$",
    re.IGNORECASE,
)
_URL = re.compile(r"^(?:https?://|file:///?|www\.)\S+$|^about:blank$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_MIN_REPEATS = 2
_REPEAT_SHARE = 0.4  # text recurring at an edge on this share of the pages (and at least twice) is running furniture


@dataclass(frozen=True)
class PageLines:
    """One page's printed lines, top to bottom."""

    index: int  # 0-based page index
    width: float
    height: float
    lines: tuple[Line, ...]


def page_number_value(text: str) -> tuple[int | None, bool]:
    """The number a page-number-shaped text shows, and whether its shape alone says so (－1－, 第1页, 1/9).

    A bare number (7) or a roman one (vii) says so only when it follows the pages' count (see _number_offsets);
    roman numbers are returned negative, so that front matter numbered i, ii, iii keeps its own count.
    """
    text = text.strip()
    m = _DECORATED_NUMBER.match(text)
    if m:
        return int(next(g for g in m.groups() if g is not None)), True
    m = _BARE_NUMBER.match(text)
    if m:
        return int(m.group(1)), False
    if _ROMAN.match(text):
        return -_roman_value(text.lower()), False
    return None, False


def _roman_value(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total = 0
    for ch, nxt in zip(text, text[1:] + " ", strict=True):
        total += -values[ch] if values.get(nxt, 0) > values[ch] else values[ch]
    return total


def _repeat_key(text: str) -> str:
    return _DIGITS.sub("#", _SPACES.sub("", text))


def _edge_positions(count: int) -> list[tuple[int, str]]:
    """Indexes of the lines at a page's edges, with the edge each belongs to (the top wins on a short page)."""
    top = list(range(min(EDGE_LINES, count)))
    bottom = [i for i in range(max(count - EDGE_LINES, 0), count) if i not in top]
    return [(i, "top") for i in top] + [(i, "bottom") for i in bottom]


def _offset(value: int, index: int) -> tuple[bool, int]:
    """How a printed number relates to the page's index: roman numbers count down (negative), arabic ones up."""
    return (value < 0, value + index if value < 0 else value - index)


def _number_offsets(pages: list[PageLines]) -> set[tuple[bool, int]]:
    """The usual differences between the bare (or roman) numbers printed at the pages' edges and the pages' indexes:
    the arabic one most pages share, and a roman one at least two pages share (front matter)."""
    offsets: Counter[tuple[bool, int]] = Counter()
    for page in pages:
        seen = set()
        for i, _ in _edge_positions(len(page.lines)):
            for seg in page.lines[i].segments:
                value, _decorated = page_number_value(seg.text)
                if value is not None and _offset(value, page.index) not in seen:
                    seen.add(_offset(value, page.index))
                    offsets[_offset(value, page.index)] += 1
    accepted = set()
    arabic = [(n, key) for key, n in offsets.items() if not key[0]]
    if arabic:
        n, key = max(arabic)
        if n >= max(_MIN_REPEATS, len(pages) * _REPEAT_SHARE) or (len(pages) == 1 and key[1] == 1):
            accepted.add(key)
    accepted.update(key for key, n in offsets.items() if key[0] and n >= _MIN_REPEATS)
    return accepted


def _segment_kind(text: str, edge: str, page: PageLines, offsets: set[tuple[bool, int]], repeated: set[str]) -> str | None:
    value, decorated = page_number_value(text)
    if decorated or (value is not None and _offset(value, page.index) in offsets):
        return "page number"
    if _TIMESTAMP.match(text.strip()) or _URL.match(text.strip()):
        return "running header" if edge == "top" else "running footer"
    if _repeat_key(text) in repeated:
        return "running header" if edge == "top" else "running footer"
    return None


def _repeated_texts(pages: list[PageLines]) -> set[str]:
    """Edge texts (lines and segments, digits as #) that recur on enough pages to be running furniture."""
    pages_with: Counter[str] = Counter()
    for page in pages:
        keys = set()
        for i, _ in _edge_positions(len(page.lines)):
            line = page.lines[i]
            if len(line.segments) > 2:  # a table row repeated at the top of each page is the table's, not furniture
                continue
            keys.add(_repeat_key(line.text))
            keys.update(_repeat_key(s.text) for s in line.segments)
        pages_with.update(k for k in keys if k.strip("#"))
    needed = max(_MIN_REPEATS, len(pages) * _REPEAT_SHARE)
    return {key for key, n in pages_with.items() if n >= needed}


def strip_furniture(pages: list[PageLines]) -> tuple[list[PageLines], Counter[str]]:
    """The pages without their running headers, footers and page numbers, and how many of each were dropped."""
    offsets = _number_offsets(pages)
    repeated = _repeated_texts(pages) if len(pages) >= _MIN_REPEATS else set()
    dropped: Counter[str] = Counter()
    out = []
    for page in pages:
        drop: dict[int, list[str]] = {}
        for i, edge in _edge_positions(len(page.lines)):
            kinds = [_segment_kind(seg.text, edge, page, offsets, repeated) for seg in page.lines[i].segments]
            if all(kinds):
                drop[i] = [k for k in kinds if k]
        # An edge line counts only when nothing but furniture lies between it and the edge.
        kept_drop: dict[int, list[str]] = {}
        for i in range(len(page.lines)):
            if i not in drop:
                break
            kept_drop[i] = drop[i]
        for i in range(len(page.lines) - 1, -1, -1):
            if i not in drop:
                break
            kept_drop[i] = drop[i]
        for kinds in kept_drop.values():
            dropped.update(kinds)
        out.append(replace(page, lines=tuple(line for i, line in enumerate(page.lines) if i not in kept_drop)))
    return out, dropped
