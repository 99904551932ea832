"""Word .docx files: paragraphs, list markers and table rows in reading order, from a package that may be damaged.

The package is opened by corpus.readers.docx_package (python-docx, after taking out broken relationships). The
body is walked here, not through `Document.paragraphs`: that would miss text inside content controls, tracked
insertions and smart tags, and it does not know the numbers Word draws in front of list items.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from corpus.errors import SkipFile
from corpus.readers.common import Extracted, one_line
from corpus.readers.docx_package import check_zip, open_package
from corpus.readers.docx_numbering import Numbering, val, w
from corpus.readers.inline import join_pieces, visible
from corpus.readers.rows import Cell, table_text
from corpus.readers.toc import table_of_contents

MAX_HEADING_CHARS = 60  # a "heading" longer than this is body text someone styled as a heading
MAX_TITLE_CHARS = 100
MAX_TITLE_LINES = 3  # a title set over more lines than this is not one
MAX_LABEL_CHARS = 12  # 附件2, 大纲1, 密级：公开
MIN_TITLE_GAIN = 4  # half-points: the title is set at least 2 pt larger than the body
TITLE_SEARCH_UNITS = 12  # the title is among the first paragraphs, before any table

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_HEADING_STYLE = re.compile(r"^(?:heading|标题|標題)\s*[1-9]$", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|标题|標題)$", re.IGNORECASE)
_TOC_STYLE = re.compile(r"^(?:toc|目录|目錄)(?:\s*[1-9]|\s*heading)?$", re.IGNORECASE)
_SENTENCE_END = "。！？!?；;"
_YEAR = re.compile(r"\d{4}")
_FILE_NAME = re.compile(r"\.(?:docx?|wps|rtf|pdf)$", re.IGNORECASE)
# Containers whose children are read as if they stood in their place.
_RUN_CONTAINERS = {w(t) for t in ("hyperlink", "smartTag", "fldSimple", "customXml", "ins", "moveTo", "dir", "bdo")}
_BLOCK_CONTAINERS = {w(t) for t in ("customXml", "ins", "moveTo")}


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline: int | None
    size: int | None  # font size in half-points
    centered: bool | None


def _size(rpr: Any) -> int | None:
    text = val(rpr, "sz") if rpr is not None else None
    return int(text) if text and text.isdigit() else None


class _Styles:
    """Paragraph styles by id, read along their basedOn chain."""

    def __init__(self, root: Any) -> None:
        self._by_id: dict[str, _Style] = {}
        self.default: str | None = None
        defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}") if root is not None else None
        self.default_size = _size(defaults) or 21  # Word's own default for Chinese text: 10.5 pt
        for style in root.findall(w("style")) if root is not None else ():
            if style.get(w("type")) not in (None, "paragraph", "numbering"):
                continue
            style_id = style.get(w("styleId")) or ""
            ppr = style.find(w("pPr"))
            num_pr = ppr.find(w("numPr")) if ppr is not None else None
            ilvl = val(num_pr, "ilvl") if num_pr is not None else None
            outline = val(ppr, "outlineLvl") if ppr is not None else None
            self._by_id[style_id] = _Style(
                name=(val(style, "name") or style_id).strip(),
                based_on=val(style, "basedOn"),
                num_id=val(num_pr, "numId") if num_pr is not None else None,
                ilvl=int(ilvl) if ilvl and ilvl.isdigit() else None,
                outline=int(outline) if outline and outline.isdigit() else None,
                size=_size(style.find(w("rPr"))),
                centered=(val(ppr, "jc") == "center") if ppr is not None and val(ppr, "jc") else None,
            )
            if style.get(w("default")) in ("1", "true", "on") and style.get(w("type")) in (None, "paragraph"):
                self.default = style_id

    def chain(self, style_id: str | None) -> list[_Style]:
        out, seen = [], set()
        current = style_id if style_id in self._by_id else self.default
        while current and current in self._by_id and current not in seen:
            seen.add(current)
            out.append(self._by_id[current])
            current = self._by_id[current].based_on
        return out

    def numbered(self) -> dict[str, str]:
        """styleId → numId, for the styles that carry a list (numbering styles and numbered paragraph styles)."""
        return {sid: s.num_id for sid, s in self._by_id.items() if s.num_id}


def _on(element: Any, tag: str) -> bool:
    """A toggle property (w:b, w:tblHeader) that is present and not switched off."""
    found = element.find(w(tag)) if element is not None else None
    return found is not None and found.get(w("val")) not in ("0", "false", "off")


def _text_boxes(element: Any) -> list[Any]:
    """The outermost text boxes inside a drawing, skipping the VML fallback copy of each."""
    boxes = []
    for box in element.iter(w("txbxContent")):
        ancestors = list(box.iterancestors())
        if any(a.tag == f"{{{_MC}}}Fallback" for a in ancestors) or any(a.tag == w("txbxContent") for a in ancestors):
            continue
        boxes.append(box)
    return boxes


_R, _T, _TABS, _BR, _CR, _NB_HYPHEN = w("r"), w("t"), {w("tab"), w("ptab")}, w("br"), w("cr"), w("noBreakHyphen")
_DRAWINGS = {w("drawing"), w("pict"), w("object"), f"{{{_MC}}}AlternateContent"}
_SDT, _SDT_CONTENT, _ALTERNATE, _CHOICE = w("sdt"), w("sdtContent"), f"{{{_MC}}}AlternateContent", f"{{{_MC}}}Choice"
_BREAK_TYPE, _RPR = w("type"), w("rPr")
_TR, _TC, _CUSTOM_XML = w("tr"), w("tc"), w("customXml")


def _inline_text(element: Any, out: list[str], boxes: list[Any]) -> None:
    """Append the visible text of a paragraph's content to `out`; text boxes met on the way go to `boxes`."""
    for child in element:
        tag = child.tag
        if tag == _R:
            if _on(child.find(_RPR), "vanish"):  # hidden text
                continue
            for part in child:
                ptag = part.tag
                if ptag == _T:
                    out.append(part.text or "")
                elif ptag in _TABS:
                    out.append("\t")
                elif ptag == _BR:
                    out.append("" if part.get(_BREAK_TYPE) in ("page", "column") else "\n")
                elif ptag == _CR:
                    out.append("\n")
                elif ptag == _NB_HYPHEN:
                    out.append("-")
                elif ptag in _DRAWINGS:
                    boxes.extend(_text_boxes(part))
        elif tag in _RUN_CONTAINERS:
            _inline_text(child, out, boxes)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _inline_text(content, out, boxes)
        elif tag == _ALTERNATE:
            choice = child.find(_CHOICE)
            if choice is not None:
                _inline_text(choice, out, boxes)


def _own(parent: Any, tag: str) -> Iterator[Any]:
    """`parent`'s children with `tag`, including those wrapped in content controls or custom XML (not nested tables)."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _own(content, tag)
        elif child.tag == _CUSTOM_XML:
            yield from _own(child, tag)


def _marked_header(tr: Any) -> bool:
    """A first row set apart as a header: repeated on every page, or all its text in bold."""
    if _on(tr.find(w("trPr")), "tblHeader"):
        return True
    runs = [r for r in tr.iter(w("r")) if r.find(w("t")) is not None and "".join(t.text or "" for t in r.iter(w("t"))).strip()]
    return bool(runs) and all(_on(r.find(w("rPr")), "b") for r in runs)


def _is_toc_block(sdt: Any) -> bool:
    props = sdt.find(w("sdtPr"))
    gallery = props.find(f"{w('docPartObj')}/{w('docPartGallery')}") if props is not None else None
    return gallery is not None and (gallery.get(w("val")) or "").lower().startswith("table of contents")


@dataclass(frozen=True)
class _Unit:
    """A line of output: what it is (body, list, heading, title, row, caption), its text, how it is set."""

    kind: str
    text: str
    size: int = 0  # font size in half-points; 0 for table lines
    centered: bool = False


@dataclass
class _Walk:
    """The body read in order into units of text, with what the cleaner needs to know about them."""

    styles: _Styles
    numbering: Numbering
    units: list[_Unit] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)

    def drop(self, kind: str, n: int = 1) -> None:
        self.dropped[kind] = self.dropped.get(kind, 0) + n

    def blocks(self, parent: Any) -> None:
        for child in parent:
            tag = child.tag
            if tag == w("p"):
                self.paragraph(child)
            elif tag == w("tbl"):
                self.table(child)
            elif tag == w("sdt"):
                if _is_toc_block(child):
                    self.drop("table of contents", sum(1 for _ in child.iter(w("p"))))
                    continue
                content = child.find(w("sdtContent"))
                if content is not None:
                    self.blocks(content)
            elif tag in _BLOCK_CONTAINERS:
                self.blocks(child)
            elif tag == w("altChunk"):
                self.drop("embedded document (altChunk)")

    def paragraph(self, p: Any) -> None:
        pieces: list[str] = []
        boxes: list[Any] = []
        _inline_text(p, pieces, boxes)
        lines = [visible(line.replace("\t", " ")) for line in "".join(pieces).split("\n")]
        lines = [line for line in lines if line]
        ppr = p.find(w("pPr"))
        style_id = val(ppr, "pStyle") if ppr is not None else None
        chain = self.styles.chain(style_id)
        names = [s.name for s in chain]
        if any(_TOC_STYLE.match(name) for name in names):
            if lines:
                self.drop("table of contents")
            return
        label = self._label(ppr, style_id, chain)
        if lines:
            if label:
                # A bullet stands apart from its text; a number (1. （一） 一、) is written against it, as typed.
                bullet = not any(ch.isalnum() for ch in label)
                lines[0] = f"{label} {lines[0]}" if bullet else join_pieces([label, lines[0]])
            kind = self._kind(ppr, chain, lines, bool(label))
            size = max((_size(r.find(_RPR)) or 0 for r in p.iter(_R) if r.find(_T) is not None), default=0)
            size = size or next((st.size for st in chain if st.size), None) or self.styles.default_size
            jc = val(ppr, "jc") if ppr is not None else None
            centered = jc == "center" if jc else bool(next((st.centered for st in chain if st.centered is not None), False))
            for i, line in enumerate(lines):
                self.units.append(_Unit(kind if i == 0 else "body", line, size, centered))
        for box in boxes:
            self.blocks(box)

    def _label(self, ppr: Any, style_id: str | None, chain: list[_Style]) -> str:
        num_pr = ppr.find(w("numPr")) if ppr is not None else None
        num_id = val(num_pr, "numId") if num_pr is not None else None
        ilvl_text = val(num_pr, "ilvl") if num_pr is not None else None
        ilvl = int(ilvl_text) if ilvl_text and ilvl_text.isdigit() else None
        if num_id is None:
            # A numbered style (a heading numbered 第一章, a List Number style) carries the list.
            styled = next((s for s in chain if s.num_id), None)
            if styled is None:
                return ""
            num_id = styled.num_id or ""
            ilvl = styled.ilvl if styled.ilvl is not None else self.numbering.level_for_style(num_id, style_id or "")
        return self.numbering.label(num_id, ilvl or 0) if num_id and num_id != "0" else ""

    def _kind(self, ppr: Any, chain: list[_Style], lines: list[str], numbered: bool) -> str:
        names = [s.name for s in chain]
        text = lines[0]
        plausible = len(lines) == 1 and len(text) <= MAX_HEADING_CHARS and text[-1] not in _SENTENCE_END
        if names and _TITLE_STYLE.match(names[0]) and plausible:
            return "title"
        outline_text = val(ppr, "outlineLvl") if ppr is not None else None
        outline = int(outline_text) if outline_text and outline_text.isdigit() else next((s.outline for s in chain if s.outline is not None), None)
        if plausible and (any(_HEADING_STYLE.match(n) for n in names) or (outline is not None and outline < 9)):
            return "heading"
        return "list" if numbered else "body"

    def _cell_text(self, tc: Any) -> str:
        inner = _Walk(self.styles, self.numbering)
        inner.blocks(tc)
        return join_pieces([u.text for u in inner.units])

    def table(self, tbl: Any) -> None:
        trs = list(_own(tbl, _TR))
        width = 0
        grid: list[list[Cell]] = []
        above: dict[int, str] = {}
        for tr in trs:
            trpr = tr.find(w("trPr"))
            column = int(val(trpr, "gridBefore") or 0) if trpr is not None and (val(trpr, "gridBefore") or "0").isdigit() else 0
            row: list[Cell] = []
            for tc in _own(tr, _TC):
                tcpr = tc.find(w("tcPr"))
                span_text = val(tcpr, "gridSpan") if tcpr is not None else None
                span = int(span_text) if span_text and span_text.isdigit() and int(span_text) > 0 else 1
                if tcpr is not None and tcpr.find(w("hMerge")) is not None and val(tcpr, "hMerge") in (None, "continue") and row:
                    last = row[-1]
                    row[-1] = Cell(last.text, last.column, last.span + span, last.continued)
                    column += span
                    continue
                vmerge = tcpr.find(w("vMerge")) if tcpr is not None else None
                continued = vmerge is not None and vmerge.get(w("val")) in (None, "continue")
                text = above.get(column, "") if continued else self._cell_text(tc)
                row.append(Cell(text, column, span, continued))
                column += span
            for cell in row:
                above[cell.column] = cell.text
            width = max(width, column)
            grid.append(row)
        if width <= 1:
            # A one-column table frames text on the page; its cells are paragraphs, not rows.
            for tr in trs:
                for tc in _own(tr, _TC):
                    self.blocks(tc)
            return
        table = table_text(grid, marked=bool(trs) and _marked_header(trs[0]))
        rows = set(table.rows)
        for line in table.lines:
            self.units.append(_Unit("row" if line in rows else "caption", line))
        for kind, n in table.dropped.items():
            self.drop(kind, n)


def _assemble(units: list[_Unit]) -> str:
    """Units as lines; rows, list items, headings and captions stand between blank lines.

    Body paragraphs stay on consecutive lines, so that the cleaner can still rejoin a document converted from
    print with one paragraph a printed line; a row or a list item is never joined to its neighbours.
    """
    out: list[str] = []
    previous = ""
    for unit in units:
        if out and not (unit.kind == "body" and previous == "body"):
            out.append("")
        out.append(unit.text)
        previous = unit.kind
    return "\n".join(out)


def _prominent_title(units: list[_Unit]) -> tuple[int, int] | None:
    """Where the title is when no style says so: the largest type near the top, clearly above the body's size.

    Chinese official documents set the title in a large size (二号, 22 pt) over body text in 三号 (16 pt), often
    over two lines; consecutive paragraphs in the title's size are one title.
    """
    head: list[int] = []
    for i, unit in enumerate(units[:TITLE_SEARCH_UNITS]):
        if unit.kind in ("row", "caption"):
            break
        head.append(i)
    candidates = [i for i in head if len(units[i].text) <= MAX_TITLE_CHARS]
    if not candidates:
        return None
    top = max(units[i].size for i in candidates)
    # The body's size: what most of the text after the title is set in (or, in a document that is mostly a
    # table, the other lines at the top).
    weights: Counter[int] = Counter()
    for unit in units[len(head) :] if len(units) > len(head) else []:
        if unit.kind in ("body", "list"):
            weights[unit.size] += len(unit.text)
    if not weights:
        for i in head:
            if units[i].size < top:
                weights[units[i].size] += len(units[i].text)
    if not weights or top < weights.most_common(1)[0][0] + MIN_TITLE_GAIN:
        return None
    first = next(i for i in candidates if units[i].size == top)
    last = first
    while (last + 1 in candidates and units[last + 1].size == top and last + 1 - first < MAX_TITLE_LINES
           and sum(len(units[k].text) for k in range(first, last + 2)) <= MAX_TITLE_CHARS):
        last += 1
    return first, last


def _with_title(units: list[_Unit], title_from_props: str) -> tuple[list[_Unit], str, int]:
    """The units with the title made one unit, the title, and how many labels above it were dropped.

    A Title-style paragraph is the title; else the most prominent lines at the top; else the core properties'
    title. Short labels above a title found in the text (附件2, 大纲1) belong to the filing, not the document.
    """
    styled = next((i for i, u in enumerate(units) if u.kind == "title"), None)
    # Only the first Title-style paragraph is the title; a later one (a part title) heads what follows it.
    units = [u if u.kind != "title" or i == styled else _Unit("heading", u.text, u.size, u.centered) for i, u in enumerate(units)]
    found = (styled, styled) if styled is not None else _prominent_title(units)
    if found is None:
        return units, title_from_props if _usable(title_from_props) else "", 0
    first, last = found
    title = join_pieces([u.text for u in units[first : last + 1]])
    above = units[:first]
    labels = [u for u in above if len(u.text) <= MAX_LABEL_CHARS and u.text[-1] not in _SENTENCE_END and u.kind != "row"
              and not _YEAR.search(u.text)]  # a date above the title is the cleaner's to read
    kept = [u for u in above if u not in labels]
    # A title set in a heading style stays a heading too, so that it heads what follows wherever the cleaner puts it.
    kind = "title heading" if any(u.kind == "heading" for u in units[first : last + 1]) else "title"
    return kept + [_Unit(kind, title, units[first].size, units[first].centered)] + units[last + 1 :], title, len(labels)


def _usable(title: str) -> bool:
    """A core-properties title worth using: some words, not a file name or a number (WPS leaves "1", "附件")."""
    letters = sum(ch.isalpha() for ch in title)
    return letters >= 2 and not _FILE_NAME.search(title) and not title.lower().startswith("microsoft word")


def _without_typed_toc(units: list[_Unit]) -> tuple[list[_Unit], int]:
    """Units without a table of contents typed as ordinary paragraphs (Word's own is known by its styles)."""
    gone = {i for first, last in table_of_contents([u.text for u in units]) for i in range(first, last + 1)}
    return [u for i, u in enumerate(units) if i not in gone], len(gone)


def read_docx(data: bytes) -> Extracted:
    """A Word file: paragraphs, list items with their numbers, and table rows, in reading order."""
    check_zip(data)
    try:
        parts = open_package(data)
        styles = _Styles(parts.styles)
        numbering = Numbering.from_xml(parts.numbering)
        numbering.style_num.update(styles.numbered())
        walk = _Walk(styles, numbering)
        walk.blocks(parts.body)
    except SkipFile:
        raise
    except Exception as err:  # lxml raises many types on damaged XML
        raise SkipFile(f"not a readable Word file ({one_line(err)})") from None
    if not walk.units:
        raise SkipFile("Word file without text")
    units, title, labels = _with_title(walk.units, parts.title)
    dropped = dict(walk.dropped)
    units, toc = _without_typed_toc(units)
    if toc:
        dropped["table of contents"] = dropped.get("table of contents", 0) + toc
    if labels:
        dropped["label above the title"] = labels
    meta: dict[str, str] = {}
    if title:
        meta["title"] = title
    meta["headings"] = "\n".join(u.text for u in units if u.kind in ("heading", "title heading"))
    meta["rows"] = "\n".join(u.text for u in units if u.kind == "row")
    return Extracted(_assemble(units), meta, parts.notes, parts.extractor, dropped)
