"""A PDF's printed lines back into paragraphs, headings, table rows and footnotes.

Pure functions over the pages' lines (after pdf_furniture has taken the running headers, footers and page numbers
out). The body text's type size, font and line spacing are measured first; then:

- a line continues the paragraph above it when that one ran to the right margin, the new line is not indented
  further, has the same type size and follows at the usual line spacing (on the next page too: a sentence broken
  by a page break is joined back, with the page number already gone);
- a short line in larger type, in bold, or in another typeface than the body is a heading; consecutive lines of
  one heading are joined;
- lines split by wide gaps into aligned cells are a table: each row is written "header: value; ...";
- smaller type at the foot of a page, starting with a number, is a footnote: it is kept as its own paragraph
  after the paragraph it interrupted, and its superscript marker is taken out of the text (²).

Joining: Chinese, Japanese and Korean text joins with no space, Latin-script text with one space.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from corpus.pinyin import HAN
from corpus.readers.pdf_furniture import PageLines
from corpus.readers.pdf_lines import Line

BlockKind = Literal["paragraph", "heading", "row", "footnote"]

_CJK = re.compile(f"[{HAN}\u3000-\u303f\uff00-\uffef\u2e80-\u2fdf“”‘’]")
_HAS_HAN = re.compile(f"[{HAN}]")
_SENTENCE_END = "。！？!?；;…"
_CLAUSE_COMMAS = ("，", "、", ",")
_BRACKETED = re.compile(r"^[(（〔\[【](?![一二三四五六七八九十\d]{1,3}[)）〕\]】])[^()（）]+[)）〕\]】]$")  # （第九版）, not （1）
_CLOSERS = "”’」』\"'）)】]》〉"
_LIST_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[(（][一二三四五六七八九十\d]+[)）]|\d{1,3}[.．、](?!\d)|[①-⑳]|第[一二三四五六七八九十百零〇\d]+[章节條条款]|[-•·▪●○■□◆]\s)"
)
_SECTION_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\s*[^\d\s.]")  # 1.1 清肺排毒汤
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_RUN = re.compile(f"[{_SUPERSCRIPT_DIGITS}]+")
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789")
_FOOTNOTE_START = re.compile(f"^(?:[{_SUPERSCRIPT_DIGITS}]+|\\d{{1,3}}(?![\\d.．、,，])|[*†‡])\\s*")
_NUMERIC_CELL = re.compile(r"^[-+]?[\d.,，%‰()（）~～×/:：\s-]*\d[\d.,，%‰()（）~～×/:：\s-]*$")
_DOT_LEADER = re.compile(r"(?:[.·…・]\s*){4,}\s*\d{1,4}$")

_HEADING_SIZE = 1.12  # of the body size: larger type is a heading's
_SAME_SIZE = 0.12  # sizes closer than this share are one size
_FOOTNOTE_SIZE = 0.88  # a footnote is set smaller than this share of the body size
_MAX_HEADING_CHARS = 40  # Chinese; twice that for Latin-script text
_FULL_LINE = 1.2  # a line ending within this many characters of the right margin ran on to the next line
_FAR_INDENT = 0.3  # of the column's width: a line starting this far in is set right or centred
_INDENT = 0.6  # of the size: a line starting further right than the one above it is indented
_MAX_TITLE_CHARS = 100
_MIN_PASSAGE_CHARS = 8  # a paragraph shorter than this without a sentence end is a fragment
_MAX_TABLE_GAP_LINES = 3  # single-cell lines a table may have between two lines split into cells
_MAX_HEADER_CHARS = 24  # a table's column header is a few words
_LONG_LINE = 0.75  # of the column's width: a line this long may be a full one, and tells where the column ends
_RIGHT_WINDOW = 6  # lines either side looked at for the column's right edge
_WIDE_HEADING = 0.6  # of the text column: a heading line this wide may have run on to the next line


@dataclass(frozen=True)
class BodyStyle:
    """The body text's measurements: type size, typeface, weight, and the gap between its lines."""

    size: float
    font: str
    bold: bool
    gap: float


@dataclass(frozen=True)
class Block:
    """A unit of the document: a paragraph, heading, table row or footnote, with the page it starts on."""

    kind: BlockKind
    text: str
    page: int
    size: float = 0.0


@dataclass(frozen=True)
class Layout:
    """What the layout step made of a document, and what it left out (counts by kind)."""

    blocks: tuple[Block, ...]
    dropped: dict[str, int] = field(default_factory=dict)


def is_cjk(char: str) -> bool:
    """True for a character of a script written without spaces (Han, kana, hangul) or its punctuation."""
    return bool(_CJK.match(char))


def join_lines(left: str, right: str) -> str:
    """Two printed lines as one: no space where either side is Chinese (or CJK punctuation), else one space."""
    if not left:
        return right
    if not right:
        return left
    if is_cjk(left[-1]) or is_cjk(right[0]):
        return left + right
    if left.endswith("-") and left[-2:-1].isalpha() and right[:1].islower():
        return left[:-1] + right  # a word hyphenated at the line's end
    return left + " " + right


def ends_sentence(text: str) -> bool:
    """True when the text ends a sentence (closing quotes and brackets after the mark ignored)."""
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def _weighted_mode(values: Iterable[tuple[object, int]]) -> object:
    counts: Counter[object] = Counter()
    for value, weight in values:
        counts[value] += weight
    return counts.most_common(1)[0][0]


def body_style(pages: list[PageLines]) -> BodyStyle:
    """The size, font and weight most of the text is set in, and the usual gap between its lines."""
    lines = [line for page in pages for line in page.lines]
    if not lines:
        return BodyStyle(10.0, "", False, 2.0)
    size = float(_weighted_mode((round(line.size * 2) / 2, len(line.text)) for line in lines))  # type: ignore[arg-type]
    body = [line for line in lines if _same_size(line.size, size)]
    font = str(_weighted_mode((line.font, len(line.text)) for line in body))
    bold = sum(len(line.text) for line in body if line.bold) * 2 > sum(len(line.text) for line in body)
    gaps = []
    for page in pages:
        for above, below in zip(page.lines, page.lines[1:], strict=False):
            if _same_size(above.size, size) and _same_size(below.size, size) and below.top >= above.bottom - size * 0.5:
                gaps.append(below.top - above.bottom)
    gap = statistics.median(gaps) if gaps else size * 0.5
    return BodyStyle(size, font, bold, max(gap, 0.0))


def _same_size(a: float, b: float) -> bool:
    return abs(a - b) <= _SAME_SIZE * max(a, b)


@dataclass(frozen=True)
class _Frame:
    left: float
    right: float


def _column_frame(lines: list[Line], width: float) -> _Frame:
    if not lines:
        return _Frame(0.0, width)
    lefts = sorted(line.x0 for line in lines)
    rights = sorted(line.x1 for line in lines)
    return _Frame(lefts[len(lefts) // 10], rights[(len(rights) * 9) // 10])


def _body_lines(page: PageLines, style: BodyStyle) -> list[Line]:
    return [line for line in page.lines if _same_size(line.size, style.size) and len(line.segments) == 1 and not _is_heading_style(line, style)]


def _frames(pages: list[PageLines], style: BodyStyle) -> dict[int, _Frame]:
    """Each page's text column: where body lines start and how far the full ones reach. A page with few lines of
    body text (a cover, a table) takes the column of the pages of its width."""
    by_width: dict[int, list[Line]] = {}
    for page in pages:
        by_width.setdefault(round(page.width), []).extend(_body_lines(page, style))
    frames = {}
    for page in pages:
        body = _body_lines(page, style)
        if len(body) >= 3:
            frames[page.index] = _column_frame(body, page.width)
        else:
            frames[page.index] = _column_frame(by_width[round(page.width)] or list(page.lines), page.width)
    return frames


def _is_heading_style(line: Line, style: BodyStyle) -> bool:
    if line.size >= _HEADING_SIZE * style.size:
        return True
    if not _same_size(line.size, style.size):
        return False
    if line.bold and not style.bold:
        return True
    # Chinese documents set headings in another face (黑体, 楷体) at the body's size.
    return line.font != style.font and bool(_HAS_HAN.search(line.text))


def _short_enough(text: str, limit: int) -> bool:
    return len(text) <= (limit if _HAS_HAN.search(text) else limit * 2)


def _style_key(line: Line) -> tuple[float, str, bool]:
    return (round(line.size), line.font, line.bold)


# --- tables -----------------------------------------------------------------------------------------------------


def _near(a: Line, b: Line) -> bool:
    """Two lines close enough to be one table row's lines (a cell's text wrapped, a label centred on two lines)."""
    return min(abs(b.top - a.bottom), abs(a.top - b.bottom)) < 0.8 * min(a.size, b.size) or _overlap(a, b) > 0


def _overlap(a: Line, b: Line) -> float:
    return min(a.bottom, b.bottom) - max(a.top, b.top)


def _table_runs(lines: tuple[Line, ...]) -> list[tuple[int, int]]:
    """Runs of lines [start, end) that make a table: two or more lines split into cells, and the single-cell lines
    between them or set close against them (a cell's second line, a row label centred on two lines)."""
    multi = [len(line.segments) >= 2 for line in lines]
    runs = []
    i = 0
    while i < len(lines):
        if not multi[i]:
            i += 1
            continue
        start = i
        while start > 0 and not multi[start - 1] and _near(lines[start - 1], lines[start]) and lines[start - 1].size <= lines[i].size * 1.05:
            start -= 1
        j = i + 1
        while j < len(lines):
            if multi[j]:
                j += 1
            elif (k := _next_multi(multi, j)) is not None and all(line.size <= lines[i].size * 1.05 for line in lines[j:k]):
                j = k  # a few single-cell lines between two rows: a cell's other lines, a row with empty cells
            elif _near(lines[j - 1], lines[j]) and lines[j].size <= lines[i].size * 1.05:
                j += 1  # set close under the last row
            else:
                break
        if sum(multi[start:j]) >= 2 and _aligned([line for line, m in zip(lines[start:j], multi[start:j], strict=True) if m]):
            runs.append((start, j))
        i = j
    return runs


def _next_multi(multi: list[bool], j: int) -> int | None:
    """The next line split into cells within a few lines of j, or None."""
    for k in range(j + 1, min(j + 1 + _MAX_TABLE_GAP_LINES, len(multi))):
        if multi[k]:
            return k
    return None


def _aligned(rows: list[Line]) -> bool:
    """Do the rows' cells line up in columns? At least half of the neighbouring rows share a cell edge or centre
    (besides the first cell's), as a table's do and the wide gaps of a form's notes do not."""

    def marks(line: Line) -> list[tuple[float, float, float]]:
        return [(s.x0, s.x1, (s.x0 + s.x1) / 2) for s in line.segments[1:]]

    pairs = list(zip(rows, rows[1:], strict=False))
    shared = 0
    for a, b in pairs:
        tolerance = 0.6 * min(a.size, b.size)
        if any(abs(p - q) <= tolerance for ma in marks(a) for mb in marks(b) for p, q in zip(ma, mb, strict=True)):
            shared += 1
    return shared * 2 >= len(pairs)


def _column_of(x0: float, x1: float, columns: list[tuple[float, float]]) -> int:
    def score(col: tuple[float, float]) -> tuple[float, float]:
        overlap = min(x1, col[1]) - max(x0, col[0])
        return (overlap, -abs((x0 + x1) / 2 - (col[0] + col[1]) / 2))

    return max(range(len(columns)), key=lambda k: score(columns[k]))


def _table_grid_rows(lines: list[Line] | tuple[Line, ...]) -> list[list[Line]]:
    """The table's lines grouped into rows: each single-cell line joins the row beside it (closest vertically)."""
    rows: list[list[Line]] = [[line] for line in lines if len(line.segments) >= 2]
    if not rows:
        return [[line] for line in lines]
    for line in lines:
        if len(line.segments) >= 2:
            continue
        nearest = min(rows, key=lambda row: min(abs((line.top + line.bottom) / 2 - (r.top + r.bottom) / 2) for r in row))
        if any(_near(line, r) for r in nearest):
            nearest.append(line)
        else:
            rows.append([line])
    return sorted(rows, key=lambda row: min(r.top for r in row))


def _header_like(cell: str) -> bool:
    return _short_enough(cell, _MAX_HEADER_CHARS) and not ends_sentence(cell)


def table_rows(lines: list[Line] | tuple[Line, ...]) -> list[str]:
    """A table's lines as readable rows: "header: value; header: value" when a header row can be told apart.

    The header rows are the leading rows without a number in any cell but the first, when later rows have numbers
    and their cells are short; a header printed on two lines (户籍人口 / （万人）) is joined per column.
    """
    grouped = _table_grid_rows(lines)
    widest = max(grouped, key=lambda row: sum(len(r.segments) for r in row))
    columns = sorted((s.x0, s.x1) for r in widest for s in r.segments)
    grid: list[dict[int, str]] = []
    for row_lines in grouped:
        row: dict[int, str] = {}
        for line in sorted(row_lines, key=lambda r: r.top):
            for seg in line.segments:
                k = _column_of(seg.x0, seg.x1, columns)
                row[k] = join_lines(row[k], seg.text) if k in row else seg.text
        grid.append(row)

    def numeric(row: dict[int, str]) -> bool:
        return any(_NUMERIC_CELL.match(v) for k, v in row.items() if k > 0 or len(row) == 1)

    first_numeric = next((i for i, row in enumerate(grid) if numeric(row) and len(row) >= 2), None)
    # Without figures in its rows a header row cannot be told from the others (a blank form): the cells are joined.
    header_count = first_numeric or 0
    if not all(_header_like(v) for row in grid[:header_count] for v in row.values()):
        header_count = 0  # a row of sentences is not a header row
    headers: dict[int, str] = {}
    for row in grid[:header_count]:
        for k, v in row.items():
            headers[k] = join_lines(headers[k], v) if k in headers else v
    out = []
    for row in grid[header_count:]:
        cells = [f"{headers[k]}: {v}" if headers.get(k) else v for k, v in sorted(row.items())]
        out.append("; ".join(cells))
    if not out:  # a table of headers only: its cells, joined
        out = ["; ".join(v for _, v in sorted(row.items())) for row in grid]
    return out


# --- footnotes ----------------------------------------------------------------------------------------------------


def _footnote_start(text: str) -> str | None:
    m = _FOOTNOTE_START.match(text)
    if not m or m.end() >= len(text):
        return None
    return m.group(0).strip().translate(_FROM_SUPERSCRIPT)


def _footnote_block(lines: tuple[Line, ...], style: BodyStyle) -> int:
    """Where the page's footnotes start (an index into lines), or len(lines) when it has none."""
    start = len(lines)
    while start > 0 and lines[start - 1].size < _FOOTNOTE_SIZE * style.size and len(lines[start - 1].segments) == 1:
        start -= 1
    # The block must open with a numbered note, the body must go on above it, and the body must carry the
    # superscript marker of one of its notes (so a form's small-print notes, ① ②, stay where they are).
    while start < len(lines) and _footnote_start(lines[start].text) is None:
        start += 1
    if start == 0 or start == len(lines):
        return len(lines)
    numbers = {number for number, _ in _footnotes(lines[start:]) if number}
    markers = {m.group(0).translate(_FROM_SUPERSCRIPT) for line in lines[:start] for m in _SUPERSCRIPT_RUN.finditer(line.text)}
    return start if numbers & markers else len(lines)


def _footnotes(lines: tuple[Line, ...]) -> list[tuple[str, str]]:
    """(number, text) of each note in a footnote block; a line without a number continues the note above."""
    notes: list[tuple[str, str]] = []
    for line in lines:
        number = _footnote_start(line.text)
        if number is not None or not notes:
            marker = _FOOTNOTE_START.match(line.text)
            notes.append((number or "", line.text[marker.end() :] if marker else line.text))
        else:
            notes[-1] = (notes[-1][0], join_lines(notes[-1][1], line.text))
    return notes


def _drop_markers(text: str, numbers: set[str]) -> tuple[str, int]:
    """Take out superscript footnote markers whose note is on the page; other superscripts (10⁹, m²) stay."""
    removed = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal removed
        value = m.group(0).translate(_FROM_SUPERSCRIPT)
        if value in numbers:
            removed += 1
            return ""
        return m.group(0)

    return _SUPERSCRIPT_RUN.sub(repl, text), removed


# --- paragraphs ---------------------------------------------------------------------------------------------------


@dataclass
class _Open:
    """The paragraph being built: its lines so far and the page of the last one."""

    kind: BlockKind
    text: str
    page: int
    last: Line
    size: float
    right: float
    first: Line | None = None  # the paragraph's first line  # where a full line ends around the last line (the text column's right edge there)


@dataclass
class _Builder:
    style: BodyStyle
    blocks: list[Block] = field(default_factory=list)
    pending_notes: list[Block] = field(default_factory=list)
    current: _Open | None = None

    def close(self) -> None:
        if self.current is not None:
            self.blocks.append(Block(self.current.kind, self.current.text, self.current.page, self.current.size))
            self.current = None
        self.blocks.extend(self.pending_notes)
        self.pending_notes.clear()

    def add(self, block: Block) -> None:
        self.close()
        self.blocks.append(block)


def _local_rights(lines: tuple[Line, ...], frame: _Frame) -> list[float]:
    """For each line, where a full line ends around it: the right end of the nearest other long line of its size
    (a document may narrow its column part-way down a page), else the page's column edge."""
    width = frame.right - frame.left
    long_lines = [i for i, line in enumerate(lines) if len(line.segments) == 1 and line.x1 - frame.left >= _LONG_LINE * width]
    rights = []
    for i, line in enumerate(lines):
        best: tuple[int, float] | None = None  # (distance in lines, right end)
        for k in long_lines:
            distance = abs(k - i)
            if k == i or distance > _RIGHT_WINDOW or not _same_size(lines[k].size, line.size):
                continue
            if best is None or distance < best[0] or (distance == best[0] and lines[k].x1 > best[1]):
                best = (distance, lines[k].x1)
        rights.append(best[1] if best else frame.right)
    return rights


def _continues(prev: _Open, line: Line, page: int, frame: _Frame, style: BodyStyle, heading: bool) -> bool:
    """Does `line` carry on the paragraph `prev` (its last line `prev.last`, on page `prev.page`)?"""
    last = prev.last
    if heading != (prev.kind == "heading"):
        return False
    if heading:
        # A heading's second line: same style, close below, on the same page, and either the line above ran out of
        # room or this one adds to it in brackets, （第九版）. Short centred lines each stand alone (a cover's names).
        return (
            page == prev.page
            and (last.x1 - last.x0 >= _WIDE_HEADING * (frame.right - frame.left) or _BRACKETED.match(line.text) is not None)
            and _style_key(line) == _style_key(last)
            and line.top - last.bottom <= max(style.gap, 0.2 * line.size) * 1.6 + 0.2 * line.size
            and not ends_sentence(prev.text)
            and _short_enough(prev.text + line.text, _MAX_TITLE_CHARS)
        )
    if not _same_size(line.size, last.size):
        return False
    if prev.text.endswith(_CLAUSE_COMMAS) and (page != prev.page or line.top - last.bottom <= 3 * max(style.gap, 0.2 * line.size)):
        return True  # a paragraph never ends on a comma: items set one a line (委员长，/ 副委员长若干人，) go on
    if prev.first is last and last.x0 - frame.left > _FAR_INDENT * (frame.right - frame.left):
        return False  # a line set right or centred on its own (a signature, a date) is a paragraph by itself
    if last.x1 < prev.right - _FULL_LINE * last.size:
        return False  # the line above stopped short of the margin: its paragraph ended there
    if line.x0 > last.x0 + _INDENT * line.size and line.x0 > frame.left + _INDENT * line.size:
        return False  # an indented first line
    if page == prev.page and line.top - last.bottom > style.gap * 1.8 + 0.35 * line.size:
        return False  # a blank line's worth of space
    if _LIST_MARKER.match(line.text) and (
        ends_sentence(prev.text) or (prev.first is not None and _LIST_MARKER.match(prev.first.text) and abs(line.x0 - prev.first.x0) < _INDENT * line.size)
    ):
        return False  # the next item of a list
    if _DOT_LEADER.search(last.text) or _DOT_LEADER.search(line.text):
        return False  # table-of-contents entries are one a line
    return True


def arrange(pages: list[PageLines], style: BodyStyle | None = None) -> Layout:
    """The pages' lines as blocks in reading order, and the count of footnote markers taken out."""
    style = style or body_style(pages)
    builder = _Builder(style)
    dropped: Counter[str] = Counter()
    frames = _frames(pages, style)
    for page in pages:
        frame = frames[page.index]
        lines = page.lines
        note_start = _footnote_block(lines, style)
        notes = _footnotes(lines[note_start:])
        numbers = {number for number, _ in notes if number}
        lines = lines[:note_start]
        table_at = {start: end for start, end in _table_runs(lines)}
        rights = _local_rights(lines, frame)
        i = 0
        while i < len(lines):
            if i in table_at:
                end = table_at[i]
                for row in table_rows(lines[i:end]):
                    builder.add(Block("row", row, page.index, lines[i].size))
                i = end
                continue
            line = lines[i]
            text, removed = _drop_markers(line.text, numbers)
            dropped["footnote marker"] += removed
            heading = _is_heading_style(line, style) and _short_enough(text, _MAX_HEADING_CHARS)
            current = builder.current
            if current is not None and _continues(current, line, page.index, frame, style, heading):
                current.text = join_lines(current.text, text)
                current.last, current.page, current.right = line, page.index, rights[i]
            else:
                builder.close()
                builder.current = _Open("heading" if heading else "paragraph", text, page.index, line, line.size, rights[i], line)
            i += 1
        # Notes wait until the paragraph the page break interrupted is finished.
        builder.pending_notes.extend(Block("footnote", text, page.index, style.size) for _, text in notes if text.strip())
    builder.close()
    blocks = _no_fragments(_long_enough_headings(builder.blocks))
    return Layout(tuple(blocks), {k: n for k, n in dropped.items() if n})


def is_fragment(text: str) -> bool:
    """Under 8 characters and no sentence end: too little to quote on its own."""
    return len(text) < _MIN_PASSAGE_CHARS and not ends_sentence(text)


def _no_fragments(blocks: list[Block]) -> list[Block]:
    """No block too short to quote: a fragment right above a heading or a numbered item is a heading of the level
    above (1.2 轻型 over （1）疫毒束表证); another short paragraph joins the paragraph after it (a form's labels, a list's lead-in word),
    or the one before it at a section's end; a short table row joins the row above it."""
    out: list[Block] = []
    carry: Block | None = None  # a short paragraph waiting for the next one
    for i, block in enumerate(blocks):
        if carry is not None:
            if block.kind == "paragraph":
                block = Block("paragraph", join_lines(carry.text, block.text), carry.page, block.size)
            else:
                out.append(_attach_back(out, carry))
            carry = None
        if block.kind == "paragraph" and is_fragment(block.text):
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if following is not None and (following.kind == "heading" or _numbered_heading(following.text)):
                out.append(Block("heading", block.text, block.page, block.size))
            else:
                carry = block
            continue
        if block.kind == "row" and is_fragment(block.text) and out and out[-1].kind == "row":
            out[-1] = Block("row", f"{out[-1].text}; {block.text}", out[-1].page, out[-1].size)
            continue
        out.append(block)
    if carry is not None:
        out.append(_attach_back(out, carry))
    return [b for b in out if b.text]


def _numbered_heading(text: str) -> bool:
    """A short numbered line that ends no sentence (1.1清肺排毒汤, （一）成人): a heading, or an item to keep apart."""
    return bool(_LIST_MARKER.match(text) or _SECTION_NUMBER.match(text)) and _short_enough(text, _MAX_HEADING_CHARS) and not ends_sentence(text)


def _attach_back(out: list[Block], short: Block) -> Block:
    """A short paragraph with nothing after it to join: onto the paragraph(s) before it, else left as it is."""
    while out and out[-1].kind == "paragraph" and is_fragment(short.text):
        before = out.pop()
        short = Block("paragraph", join_lines(before.text, short.text), before.page, short.size)
    return short


def _long_enough_headings(blocks: list[Block]) -> list[Block]:
    """A 'heading' that ends a sentence mid-way or runs long is a paragraph set in another face."""
    out = []
    for block in blocks:
        if block.kind == "heading" and not _short_enough(block.text, _MAX_HEADING_CHARS):
            block = Block("paragraph", block.text, block.page, block.size)
        out.append(block)
    return out


def is_toc_entry(text: str) -> bool:
    """A table-of-contents line: text, a dot leader and a page number."""
    return bool(_DOT_LEADER.search(text))


__all__ = ["Block", "BodyStyle", "Layout", "arrange", "body_style", "ends_sentence", "is_cjk", "is_toc_entry", "join_lines", "table_rows"]
