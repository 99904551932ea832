"""A web page as the reader sees it: the visible text in blocks (paragraphs, list items, table rows, headings).

The fallback extractor (html_density), the headline and the visible date all read these blocks. Hidden
elements and non-text elements are left out; a data table becomes one block a row, written as the corpus
contract asks (`header: value; header: value`, or the cells joined when the table has no header row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from corpus.pinyin import HAN

# Elements whose content is never visible text (or is a control, not prose).
_SKIPPED = frozenset(
    "script style noscript template head title meta link iframe frame frameset object embed svg math canvas select option "
    "optgroup button input textarea map area audio video source track img picture dialog".split()
)
# Elements that start and end a block of text; everything else flows inline into the current block.
_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_WORD = re.compile(f"[{HAN}0-9A-Za-z\u00c0-\u024f]")
# Punctuation that prose has and menus, labels and names do not.
SENTENCE_PUNCT = frozenset("。，；：！？、,;:!?")
_MAX_CELL_CHARS = 300
_MAX_DEPTH = 300


@dataclass(frozen=True)
class Block:
    """One block of visible text: its text, what kind of element holds it, and how much of it is link text."""

    text: str
    tag: str  # the block element's tag: p, li, h2, td ... or "row" for a data-table row
    link_chars: int = 0  # characters inside <a> elements
    header: bool = False  # a table row that is the table's header row (kept out of the text)
    owner: Any = field(default=None, compare=False, repr=False)  # the lxml element the block belongs to

    @property
    def heading_level(self) -> int:
        """1-6 for <h1>-<h6>, else 0."""
        return int(self.tag[1]) if len(self.tag) == 2 and self.tag[0] == "h" and self.tag[1].isdigit() else 0


def words(text: str) -> int:
    """How many CJK characters, letters and digits: the measure of text that the choices here use."""
    return len(_WORD.findall(text))


def link_share(text: str, link_chars: int) -> float:
    """The share of a block's characters (spaces left out) that are link text."""
    solid = len(text.replace(" ", ""))
    return link_chars / solid if solid else 0.0


def is_prose(text: str) -> bool:
    """Text with the punctuation of sentences, which menus, names and labels lack."""
    return any(ch in SENTENCE_PUNCT for ch in text)


def normalize(text: str) -> str:
    """Whitespace (ideographic and no-break spaces included) collapsed to one space, ends stripped."""
    return _SPACES.sub(" ", text).strip()


def _tag(element: Any) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _hidden(element: Any) -> bool:
    return (
        element.get("hidden") is not None
        or element.get("aria-hidden") == "true"
        or bool(_HIDING_STYLE.search(element.get("style") or ""))
    )


def prepare(tree: Any) -> int:
    """Remove hidden elements, then every style attribute, in place; return how many hidden elements held text.

    Hidden copies (a print version of the article, a collapsed menu) would otherwise count twice. The styles go
    because what is left of them only draws, and trafilatura discards any element whose style mentions
    "hidden": real pages put `overflow: hidden` on every cell of their tables, and lost the tables.
    """
    hidden = [el for el in tree.xpath("//*[@hidden or @aria-hidden or @style]") if _hidden(el)]
    with_text = 0
    for el in hidden:
        if el.getparent() is not None:
            with_text += bool(normalize(" ".join(el.itertext())))
            el.drop_tree()  # keeps the tail text, which belongs to the parent
    for el in tree.xpath("//*[@style]"):
        del el.attrib["style"]
    return with_text


def _cell_text(cell: Any) -> str:
    return normalize(" ".join(t for t in cell.itertext() if t.strip()))


def _rows(table: Any) -> list[Any]:
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table")) is table]


def _data_table(table: Any) -> bool:
    """A table of data (rows of cells), not one that lays out the page: no table inside, short cells."""
    if any(True for _ in table.iterdescendants("table")):
        return False
    rows = _rows(table)
    if len(rows) < 2 or max(len(r.findall("td")) + len(r.findall("th")) for r in rows) < 2:
        return False
    return all(len(_cell_text(c)) <= _MAX_CELL_CHARS for r in rows for c in r if _tag(c) in ("td", "th"))


def _has_data(cell: str) -> bool:
    return is_prose(cell) or any(ch.isdigit() for ch in cell)


def is_header_row(first: list[str], rest: list[list[str]], marked: bool) -> bool:
    """Whether a table's first row names its columns: marked so (<th>, <thead>, all bold), or short labels without
    numbers or sentences above rows of which at least half hold numbers or sentences."""
    if not rest:
        return False
    if marked:
        return True
    labels = all(c and len(c) <= 20 and not _has_data(c) for c in first)
    return labels and 2 * sum(1 for row in rest if any(_has_data(c) for c in row)) >= len(rest)


def _bold(cell: Any) -> bool:
    text = _cell_text(cell)
    return bool(text) and text == normalize(" ".join(t for b in cell.iter("b", "strong") for t in b.itertext()))


def row_text(cells: list[str], header: list[str] | None) -> str:
    """A table row as the corpus contract writes it: `header: value; ...`, or the cells joined."""
    if header and len(header) == len(cells):
        return "; ".join(f"{h}: {c}" if h else c for h, c in zip(header, cells, strict=True) if c)
    return " | ".join(c for c in cells if c)


def _table_blocks(table: Any) -> list[Block]:
    rows = []
    for row in _rows(table):
        elements = [c for c in row if _tag(c) in ("td", "th")]
        cells = [_cell_text(c) for c in elements]
        if any(cells):
            rows.append((row, elements, cells))
    if not rows:
        return []
    first_row, first_elements, first_cells = rows[0]
    marked = all(_tag(c) == "th" for c in first_elements) or _tag(first_row.getparent()) == "thead" or all(map(_bold, first_elements))
    header = first_cells if is_header_row(first_cells, [r[2] for r in rows[1:]], marked) else None
    blocks = [Block(" | ".join(c for c in first_cells if c), "row", header=True, owner=first_row)] if header else []
    for row, _elements, cells in rows[1 if header else 0 :]:
        links = sum(len("".join(a.itertext()).replace(" ", "")) for a in row.iter("a"))
        blocks.append(Block(row_text(cells, header), "row", links, owner=row))
    return blocks


class _Walker:
    """Collects blocks in document order: inline text accumulates until a block element starts or ends."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._links = 0
        self._owner: Any = None

    def _add(self, text: str, owner: Any, in_link: bool) -> None:
        if not text:
            return
        if not self._parts:
            self._owner = owner
        self._parts.append(text)
        if in_link:
            self._links += len(_SPACES.sub("", text))

    def flush(self) -> None:
        text = normalize("".join(self._parts))
        if text:
            self.blocks.append(Block(text, _tag(self._owner), self._links, owner=self._owner))
        self._parts, self._links, self._owner = [], 0, None

    def walk(self, element: Any, owner: Any, in_link: bool, depth: int = 0) -> None:
        tag = _tag(element)
        if not tag or tag in _SKIPPED:
            return
        if tag == "br":
            self.flush()
            return
        if tag == "table" and _data_table(element):
            self.flush()
            self.blocks.extend(_table_blocks(element))
            return
        block = tag in _BLOCKS
        if block:
            self.flush()
            owner = element
        in_link = in_link or tag == "a"
        if depth > _MAX_DEPTH:  # pathological nesting: keep the text, give up the structure
            self._add(" ".join(element.itertext()), owner, in_link)
        else:
            self._add(element.text or "", owner, in_link)
            for child in element:
                self.walk(child, owner, in_link, depth + 1)
                self._add(child.tail or "", owner, in_link)
        if block:
            self.flush()


def page_blocks(tree: Any) -> list[Block]:
    """The visible text of a (prepared) page as blocks, in document order."""
    walker = _Walker()
    body = tree.find(".//body")
    walker.walk(body if body is not None else tree, None, False)
    walker.flush()
    return walker.blocks
