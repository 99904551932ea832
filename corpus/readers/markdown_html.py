"""HTML blocks inside Markdown: the text a reader would see, the rest left out and counted.

Markdown converted from web pages keeps raw HTML: figures with their images, embedded videos, comments that
mark where a converter cut, and sometimes real content (a <table>, a <p>). Images, media, scripts, forms and
comments are left out; paragraphs and headings are kept as lines, tables as rows. A figure's caption is kept (a
news photo's caption often states a fact the article does not repeat, as the HTML reader keeps it); its image is not.
"""

from __future__ import annotations

from typing import Any

from corpus.readers.inline import visible
from corpus.readers.rows import Cell, table_text

_DROPPED = {
    "img": "image",
    "picture": "image",
    "svg": "image",
    "iframe": "embedded media",
    "video": "embedded media",
    "audio": "embedded media",
    "object": "embedded media",
    "embed": "embedded media",
    "script": "script or style",
    "style": "script or style",
    "noscript": "script or style",
    "form": "form",
    "button": "form",
    "input": "form",
    "select": "form",
    "textarea": "form",
}
_BLOCKS = {"p", "div", "section", "article", "main", "header", "footer", "aside", "li", "ul", "ol", "dl", "dd", "dt",
           "blockquote", "pre", "address", "center", "caption", "figure", "figcaption"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BREAK = "\x00"


def _table_lines(table: Any) -> tuple[list[tuple[str, str]], dict[str, int]]:
    grid: list[list[Cell]] = []
    first_all_th = False
    for i, tr in enumerate(table.iter("tr")):
        row: list[Cell] = []
        column = 0
        cells = [c for c in tr if c.tag in ("td", "th")]
        for cell in cells:
            try:
                span = max(1, int(cell.get("colspan") or 1))
            except ValueError:
                span = 1
            row.append(Cell(visible(cell.text_content()), column, span))
            column += span
        if i == 0:
            first_all_th = bool(cells) and all(c.tag == "th" for c in cells)
        grid.append(row)
    text = table_text(grid, header_rows=1 if first_all_th else None, marked=first_all_th)
    rows = set(text.rows)
    return [("row" if line in rows else "caption", line) for line in text.lines], dict(text.dropped)


def html_block_lines(source: str) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """The (kind, text) lines an HTML block shows, kind being body, heading, row or caption; and what was left out."""
    from lxml import etree
    from lxml import html as lxml_html

    dropped: dict[str, int] = {}

    def count(kind: str) -> None:
        dropped[kind] = dropped.get(kind, 0) + 1

    try:
        root = lxml_html.fragment_fromstring(source, create_parent="div")
    except (etree.ParserError, ValueError):
        count("html block")
        return [], dropped
    lines: list[tuple[str, str]] = []
    buffer: list[str] = []

    def flush(kind: str = "body") -> None:
        text = "".join(buffer).replace("\n", " ")
        buffer.clear()
        lines.extend((kind, line) for line in (visible(part) for part in text.split(_BREAK)) if line)

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag:  # a comment or a processing instruction
            count("html comment")
            return
        tag = tag.lower()
        if tag in _DROPPED:
            count(_DROPPED[tag])
            return
        if tag == "br":
            buffer.append(_BREAK)
            return
        if tag == "table":
            flush()
            table_lines, table_dropped = _table_lines(element)
            lines.extend(table_lines)
            for kind, n in table_dropped.items():
                dropped[kind] = dropped.get(kind, 0) + n
            return
        block = tag in _BLOCKS or tag in _HEADINGS
        if block:
            flush()
        buffer.append(element.text or "")
        for child in element:
            walk(child)
            buffer.append(child.tail or "")
        if block:
            flush("heading" if tag in _HEADINGS else "body")

    walk(root)
    flush()
    if not lines and not dropped:
        count("html block")
    return lines, dropped
