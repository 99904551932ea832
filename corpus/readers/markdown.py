"""Markdown, parsed by markdown-it-py (CommonMark with tables): what a reader sees, one paragraph a line.

Headings become headings (the first level-1 heading the title when nothing else gives one), list items keep their
marker, tables become rows, links their text. Left out, and counted: HTML (blocks, inline tags, comments),
images, Hugo/Jekyll shortcodes, code that is not prose, the header a reader tool writes above a saved page, link
bars (menus, breadcrumbs), and a short sign-off after the last horizontal rule. Front matter is metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from corpus.decode import decode_text
from corpus.readers.common import Extracted
from corpus.readers.inline import join_pieces, visible
from corpus.readers.markdown_html import html_block_lines
from corpus.readers.markdown_source import reader_tool_header, without_shortcodes
from corpus.readers.rows import Cell, table_text
from corpus.readers.text import decoding_notes, front_matter
from corpus.readers.toc import table_of_contents

EXTRACTOR = "markdown-it-py"
NAV_LINK_SHARE = 0.7  # a block whose visible text is at least this share link text is a link bar
MAX_IMAGE_LABEL_CHARS = 8  # 手机版, 粤商通: the label of an icon
MAX_SIGN_OFF_CHARS = 300
MAX_SIGN_OFF_BLOCKS = 3

# CommonMark does not close ** against CJK punctuation (**注意：**请…), so such markers stay in the text.
_STRAY_STRONG = re.compile(r"\*{2,3}")
_DELIMITER_ROW = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")
_PIPE = re.compile(r"(?<!\\)\|")
_BREAK_TAG = re.compile(r"^<br\s*/?>$", re.IGNORECASE)
_IMAGE_TAG = re.compile(r"^<img\b", re.IGNORECASE)
_NOT_COUNTED = re.compile(r"[\s\W_]", re.UNICODE)  # spaces and punctuation do not weigh in the link share
_SENTENCE_END = "。！？!?；;."
_CODE_SYMBOLS = set("{}[]()<>=;$#*/\\|&^~`+@%\"'")
_PROSE_LANGS = {"", "text", "txt", "plain", "plaintext", "markdown", "md"}


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # markdown-it refuses javascript: and data: links so that rendered HTML is safe; nothing is rendered here,
    # and a saved page's javascript: links (print, close, larger type) must be seen as links to be left out.
    parser.validateLink = lambda url: True
    return parser


def _count(dropped: dict[str, int], kind: str, n: int = 1) -> None:
    if n:
        dropped[kind] = dropped.get(kind, 0) + n


@dataclass
class _Inline:
    """A run of inline content as text, and what it was made of."""

    lines: list[str]
    link_chars: int = 0
    chars: int = 0
    links: int = 0
    images: int = 0

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    def mostly_links(self) -> bool:
        return self.links > 0 and self.link_chars >= NAV_LINK_SHARE * max(1, self.chars)


def _weight(text: str) -> int:
    return len(_NOT_COUNTED.sub("", text))


def _inline_content(children: list[Any], dropped: dict[str, int]) -> _Inline:
    """The text of an inline token's children: soft breaks joined, hard breaks kept as line ends."""
    result = _Inline([])
    segments: list[str] = []
    segment = ""
    link_depth, script_link = 0, False
    for tok in children or ():
        kind = tok.type
        if kind in ("text", "code_inline"):
            content = tok.content if kind == "code_inline" else _STRAY_STRONG.sub("", tok.content)
            weight = _weight(content)
            result.chars += weight
            if link_depth:
                result.link_chars += weight
                if script_link:  # a javascript: link is a page control (print, close, larger type)
                    continue
            segment += content
        elif kind == "softbreak":
            segments.append(segment)
            segment = ""
        elif kind == "hardbreak" or (kind == "html_inline" and _BREAK_TAG.match(tok.content.strip())):
            segments.append(segment)
            result.lines.append(join_pieces([visible(s) for s in segments]))
            segments, segment = [], ""
        elif kind == "link_open":
            link_depth += 1
            result.links += 1
            script_link = str(tok.attrs.get("href", "")).strip().lower().startswith("javascript:")
            if script_link:
                _count(dropped, "script link")
        elif kind == "link_close":
            link_depth = max(0, link_depth - 1)
            script_link = False
        elif kind == "image":
            result.images += 1
            _count(dropped, "image")
        elif kind == "html_inline":
            content = tok.content.strip()
            if content.startswith("<!--"):
                _count(dropped, "html comment")
            elif _IMAGE_TAG.match(content):
                result.images += 1
                _count(dropped, "image")
            else:
                _count(dropped, "inline html")
    segments.append(segment)
    result.lines.append(join_pieces([visible(s) for s in segments]))
    result.lines = [line for line in result.lines if line]
    return result


def _is_prose(content: str, info: str) -> bool:
    """A code block that holds prose (text indented by mistake, a quoted notice) rather than code."""
    lang = (info.split() or [""])[0].lower()
    chars = [c for c in content if not c.isspace()]
    if lang not in _PROSE_LANGS or not chars:
        return False
    return sum(c in _CODE_SYMBOLS for c in chars) < 0.05 * len(chars)


@dataclass(frozen=True)
class _Unit:
    """A line (or, for prose code, lines) of output and what it is."""

    kind: str  # body, heading, list, row, caption, code, hr
    text: str
    level: int = 0  # a heading's level
    links: int = 0
    list_id: int = -1
    link_only: bool = False


@dataclass
class _Walk:
    """markdown-it's token stream read into units."""

    dropped: dict[str, int] = field(default_factory=dict)
    units: list[_Unit] = field(default_factory=list)
    _lists: list[dict[str, Any]] = field(default_factory=list)
    _pending_marker: str | None = None
    _heading: int = 0  # the level of the heading being read, 0 outside one
    _table: list[list[Cell]] | None = None
    _table_head_rows: int = 0
    _in_head: bool = False
    _next_list: int = 0

    def run(self, tokens: list[Any]) -> None:
        for tok in tokens:
            handler = getattr(self, "on_" + tok.type, None)
            if handler is not None:
                handler(tok)

    # Lists: the marker goes in front of the item's first line.
    def on_bullet_list_open(self, tok: Any) -> None:
        self._lists.append({"ordered": False, "id": self._next_list})
        self._next_list += 1

    def on_ordered_list_open(self, tok: Any) -> None:
        self._lists.append({"ordered": True, "id": self._next_list})
        self._next_list += 1

    def on_bullet_list_close(self, tok: Any) -> None:
        self._lists.pop()

    on_ordered_list_close = on_bullet_list_close

    def on_list_item_open(self, tok: Any) -> None:
        self._pending_marker = f"{tok.info}{tok.markup}" if self._lists and self._lists[-1]["ordered"] else "•"

    def on_list_item_close(self, tok: Any) -> None:
        if self._pending_marker is not None:  # an item with no text ("0." alone on a line): nothing to quote
            _count(self.dropped, "empty list item")
        self._pending_marker = None

    def on_heading_open(self, tok: Any) -> None:
        self._heading = int(tok.tag[1:]) if tok.tag[1:].isdigit() else 1

    def on_heading_close(self, tok: Any) -> None:
        self._heading = 0

    # Tables: cells collected row by row, written out by corpus.readers.rows.
    def on_table_open(self, tok: Any) -> None:
        self._table, self._table_head_rows = [], 0

    def on_thead_open(self, tok: Any) -> None:
        self._in_head = True

    def on_thead_close(self, tok: Any) -> None:
        self._in_head = False

    def on_tr_open(self, tok: Any) -> None:
        if self._table is not None:
            self._table.append([])
            self._table_head_rows += self._in_head

    def on_table_close(self, tok: Any) -> None:
        grid, self._table = self._table or [], None
        heads = self._table_head_rows if grid and any(c.text for row in grid[: self._table_head_rows] for c in row) else 0
        self._add_table(grid, heads)

    def _add_table(self, grid: list[list[Cell]], header_rows: int | None) -> None:
        table = table_text(grid, header_rows=header_rows)
        rows = set(table.rows)
        self.units.extend(_Unit("row" if line in rows else "caption", line) for line in table.lines)
        for kind, n in table.dropped.items():
            _count(self.dropped, kind, n)

    def on_inline(self, tok: Any) -> None:
        if self._table is None and not self._heading and self._pipe_table(tok.content):
            return
        content = _inline_content(tok.children, self.dropped)
        if self._table is not None:
            row = self._table[-1] if self._table else None
            if row is not None:
                row.append(Cell(content.text, len(row)))
            return
        if self._heading:
            self._add_heading(content)
        else:
            self._add_paragraph(content)

    def _pipe_table(self, source: str) -> bool:
        """A table CommonMark did not take (no delimiter row, a column too many): pipe lines ending a paragraph.

        The lines before them stay a paragraph; the delimiter rows (|---|---|) are left out and counted.
        """
        lines = source.split("\n")
        first = len(lines)
        while first > 0 and lines[first - 1].strip().startswith("|"):
            first -= 1
        if len(lines) - first < 2:
            return False
        if first:
            self._add_paragraph(_inline_content(_parser().parseInline("\n".join(lines[:first]))[0].children, self.dropped))
        grid: list[list[Cell]] = []
        separators = [i for i, line in enumerate(lines[first:]) if _DELIMITER_ROW.match(line.strip())]
        for i, line in enumerate(lines[first:]):
            if i in separators:
                continue
            cells = _PIPE.split(line.strip().strip("|"))
            rendered = [_inline_content(_parser().parseInline(cell.strip())[0].children, self.dropped).text for cell in cells]
            grid.append([Cell(text, column) for column, text in enumerate(rendered)])
        _count(self.dropped, "table separator row", len(separators))
        self._add_table(grid, 1 if separators[:1] == [1] else None)
        return True

    def _add_heading(self, content: _Inline) -> None:
        if content.links >= 2:  # a breadcrumb or a link bar set as a heading
            _count(self.dropped, "navigation links")
        elif content.text:
            self.units.append(_Unit("heading", content.text, level=self._heading, links=content.links))

    def _add_paragraph(self, content: _Inline) -> None:
        marker, self._pending_marker = self._pending_marker, None
        if not content.lines:
            if content.images == 0 and content.chars == 0 and marker is None:
                _count(self.dropped, "empty paragraph")
            return
        if content.images and len(content.text) <= MAX_IMAGE_LABEL_CHARS and content.text[-1] not in _SENTENCE_END:
            _count(self.dropped, "image label")
            return
        if marker is None and content.links >= 2 and content.mostly_links():
            _count(self.dropped, "navigation links")
            return
        lines = list(content.lines)
        if marker is not None:
            lines[0] = f"{marker} {lines[0]}" if marker == "•" else join_pieces([marker, lines[0]])
        kind = "list" if marker is not None else "body"
        list_id = (self._lists[-1]["id"] if self._lists else -1) if marker is not None else -1
        self.units.append(_Unit(kind, "\n".join(lines), links=content.links, list_id=list_id, link_only=content.mostly_links()))

    def on_html_block(self, tok: Any) -> None:
        lines, kinds = html_block_lines(tok.content)
        for kind, n in kinds.items():
            _count(self.dropped, kind, n)
        self.units.extend(_Unit(kind, text) for kind, text in lines)

    def on_fence(self, tok: Any) -> None:
        if _is_prose(tok.content, tok.info):
            lines = [visible(line) for line in tok.content.split("\n")]
            self.units.append(_Unit("code", "\n".join(line for line in lines if line)))
        else:
            _count(self.dropped, "code block")

    def on_code_block(self, tok: Any) -> None:
        self.on_fence(tok)

    def on_hr(self, tok: Any) -> None:
        self.units.append(_Unit("hr", ""))


def _without_link_lists(units: list[_Unit], dropped: dict[str, int]) -> list[_Unit]:
    """Units without the lists whose every item is a link: menus and lists of related pages."""
    items: dict[int, list[_Unit]] = {}
    for unit in units:
        if unit.kind == "list":
            items.setdefault(unit.list_id, []).append(unit)
    menus = {lid for lid, its in items.items() if len(its) >= 2 and all(u.link_only for u in its)}
    kept = [u for u in units if not (u.kind == "list" and u.list_id in menus)]
    _count(dropped, "navigation links", len(units) - len(kept))
    return kept


def _without_sign_off(units: list[_Unit], dropped: dict[str, int]) -> list[_Unit]:
    """Units without a short sign-off after the last horizontal rule (subscribe, follow us) that links somewhere."""
    last_rule = max((i for i, u in enumerate(units) if u.kind == "hr"), default=None)
    if last_rule is None:
        return units
    tail = [u for u in units[last_rule + 1 :] if u.kind != "hr"]
    if (
        tail
        and len(tail) <= MAX_SIGN_OFF_BLOCKS
        and all(u.kind == "body" for u in tail)
        and sum(len(u.text) for u in tail) <= MAX_SIGN_OFF_CHARS
        and any(u.links for u in tail)
    ):
        _count(dropped, "sign-off after the last rule", len(tail))
        return units[: last_rule + 1]
    return units


def read_markdown(data: bytes) -> Extracted:
    """A Markdown file: headings, paragraphs, list items and table rows, one a line, between blank lines."""
    decoded = decode_text(data)
    dropped: dict[str, int] = {}
    text, meta = front_matter(decoded.text)
    text, header_meta, header_lines = reader_tool_header(text)
    _count(dropped, "reader-tool header", header_lines)
    text, shortcodes = without_shortcodes(text)
    _count(dropped, "shortcode", shortcodes)
    walk = _Walk(dropped)
    walk.run(_parser().parse(text))
    units = _without_sign_off(_without_link_lists(walk.units, dropped), dropped)
    units = [u for u in units if u.kind != "hr" and u.text]
    gone = {i for first, last in table_of_contents([u.text for u in units]) for i in range(first, last + 1)}
    if gone:
        _count(dropped, "table of contents", len(gone))
        units = [u for i, u in enumerate(units) if i not in gone]
    meta = {**header_meta, **meta}
    headings = [u.text for u in units if u.kind == "heading"]
    if "title" not in meta:
        first_h1 = next((u.text for u in units if u.kind == "heading" and u.level == 1), None)
        if first_h1:
            meta["title"] = first_h1
    meta["headings"] = "\n".join(headings)
    meta["rows"] = "\n".join(u.text for u in units if u.kind == "row")
    meta["encoding"] = decoded.encoding
    return Extracted("\n\n".join(u.text for u in units), meta, decoding_notes(decoded), EXTRACTOR, dropped)
