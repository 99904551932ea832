"""Tables as lines of readable text: one line a row, `header: value; header: value` when there is a header.

A table row quoted alone must still say what its values are, so each value is written after its column's header.
The readers of structured formats (Word, Markdown) hand in a grid of cells; this module decides which leading rows
are captions and which the header, drops header rows that repeat further down (a table continued on a new page),
and writes each row once. The result says which lines are rows: the cleaner keeps those whole and never makes one
a heading (see BRIEF_CORPUS_CONTRACT: `metadata["rows"]`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_HEADER_CELL_CHARS = 24  # a column header is a label, not a sentence
_NUMBER = re.compile(r"^[\d\s.,，、%％()（）\-–—/:：]+$")
_FOLD = re.compile(r"\s+")


@dataclass(frozen=True)
class Cell:
    """One cell as laid out: its text, the first grid column it covers and how many it spans.

    `continued` marks the lower part of a vertically merged cell; its text is the merged cell's own.
    """

    text: str
    column: int
    span: int = 1
    continued: bool = False


@dataclass(frozen=True)
class TableText:
    """A table as lines: `lines` in order (captions, then rows), `rows` those of them that are table rows."""

    lines: tuple[str, ...]
    rows: tuple[str, ...]
    dropped: dict[str, int] = field(default_factory=dict)


def _fold(text: str) -> str:
    return _FOLD.sub("", text)


def _filled(row: list[Cell]) -> list[Cell]:
    return [c for c in row if c.text.strip()]


def _is_caption(row: list[Cell], width: int) -> bool:
    """A row of one piece of text in a table of several columns: the table's title or a section label."""
    texts = {_fold(c.text) for c in _filled(row)}
    return width > 1 and len(texts) == 1


def looks_like_header(row: list[Cell]) -> bool:
    """Every cell a short, distinct, non-numeric label."""
    filled = _filled(row)
    texts = [_fold(c.text) for c in filled]
    return (
        len(filled) >= 2
        and len(set(texts)) == len(texts)
        and all(len(t) <= MAX_HEADER_CELL_CHARS and not _NUMBER.match(t) for t in texts)
    )


def _header_names(header_rows: list[list[Cell]], width: int) -> list[str]:
    """One name a grid column: the distinct labels above it, top to bottom, joined with '/'."""
    names: list[list[str]] = [[] for _ in range(width)]
    for row in header_rows:
        for cell in row:
            label = " ".join(cell.text.split())
            for col in range(cell.column, min(width, cell.column + cell.span)):
                if label and label not in names[col]:
                    names[col].append(label)
    return ["/".join(n) for n in names]


def _row_text(row: list[Cell], names: list[str] | None) -> str:
    parts: list[str] = []
    for cell in row:
        value = " ".join(cell.text.split())
        if not value:
            continue
        if names is None:
            parts.append(value)
            continue
        covered = list(dict.fromkeys(n for n in names[cell.column : cell.column + cell.span] if n))
        header = "/".join(covered)
        parts.append(f"{header}: {value}" if header and header != value else value)
    return "; ".join(parts)


def table_text(grid: list[list[Cell]], *, header_rows: int | None = None, marked: bool = False) -> TableText:
    """The lines of a table given as rows of cells.

    `header_rows` is how many leading rows are the header when the markup says so (a Markdown table's first row);
    None lets the shape decide: after any caption rows, the first row is the header when it looks like one, and
    a header cell spanning several columns pulls in the row below (a two-level header). A two-column table is
    read as a form (label: value on each row) unless `marked` says its first row is set apart as a header (bold,
    repeated on each page): its first row looks like a header either way.
    """
    width = max((c.column + c.span for row in grid for c in row), default=0)
    rows = [row for row in grid if _filled(row)]
    if width <= 1:  # a one-column table frames text: its cells are paragraphs
        return TableText(tuple(" ".join(_filled(row)[0].text.split()) for row in rows), ())
    lines: list[str] = []
    dropped: dict[str, int] = {}
    if header_rows is None:
        while rows and len(rows) > 1 and _is_caption(rows[0], width):
            lines.append(" ".join(_filled(rows[0])[0].text.split()))
            rows = rows[1:]
        header_rows = 1 if rows and len(rows) > 1 and looks_like_header(rows[0]) and (width != 2 or marked) else 0
        if header_rows and len(rows) > 2 and any(c.span > 1 for c in rows[0]):
            below = rows[1]
            if any(c.continued for c in below) and looks_like_header([c for c in below if not c.continued]):
                header_rows = 2
    header, body = rows[:header_rows], rows[header_rows:]
    names = _header_names(header, width) if header else None
    header_keys = [[_fold(c.text) for c in row] for row in header]
    out_rows: list[str] = []
    form = names is None and width == 2  # label, then value
    for row in body:
        if header_keys and [_fold(c.text) for c in row] in header_keys:
            dropped["repeated table header"] = dropped.get("repeated table header", 0) + 1
            continue
        if form:
            filled = _filled(row)
            text = f"{' '.join(filled[0].text.split())}: {_row_text(filled[1:], None)}" if len(filled) == 2 else _row_text(row, None)
        else:
            text = _row_text(row, names)
        out_rows.append(text)
        lines.append(text)
    if not body and header:  # a table that is only a header row: keep its labels as one row
        text = _row_text(header[0], None)
        out_rows.append(text)
        lines.append(text)
    return TableText(tuple(lines), tuple(out_rows), dropped)
