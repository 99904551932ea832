"""Web pages: the article's text, headline and visible date, by trafilatura or, when it fails, a text-density fallback.

trafilatura (made for news pages) reads most pages well, but on some government pages it loses the body and
keeps the menus. So the page is also read by the fallback (corpus.readers.html_density), and the fallback is
used when trafilatura kept under half the prose the fallback found, or kept more menu than prose (measured on
the 25 real pages of eval/real_dev: trafilatura kept 94-109% of the fallback's prose on every one, and no menu
once the furniture runs were out; benchmarks/html_extractors.py prints the table). Either way
runs of furniture that no single line shows (a department-link footer, a related-articles box) and lines that
repeat the site's name are dropped here, and counted in `Extracted.dropped`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from corpus.errors import SkipFile
from corpus.furniture import furniture_runs
from corpus.readers.common import Extracted, one_line
from corpus.readers.html_blocks import Block, is_header_row, is_prose, link_share, normalize, page_blocks, prepare, row_text, words
from corpus.readers.html_density import NAME as FALLBACK
from corpus.readers.html_density import article_blocks
from corpus.readers.html_meta import headline, iso, meta_date, site_name, site_names, text_key, visible_date

MAIN = "trafilatura"
KEEP_SHARE = 0.5  # trafilatura must keep at least this share of the prose the fallback finds
_MIN_PROSE_WORDS = 10  # a block of prose, for the measure: a sentence, not a label with a colon
_EMPTY = "no article text found in the HTML (broken or empty page)"


def prose_words(blocks: list[Block]) -> int:
    """How much article prose blocks hold: words in blocks with sentence punctuation, mostly not link text."""
    return sum(
        n
        for b in blocks
        if b.tag != "row" and is_prose(b.text) and (n := words(b.text)) >= _MIN_PROSE_WORDS and link_share(b.text, b.link_chars) < 0.5
    )


def menu_words(blocks: list[Block]) -> int:
    """How much menu blocks hold: words in blocks without sentence punctuation that are mostly link text."""
    return sum(words(b.text) for b in blocks if not is_prose(b.text) and link_share(b.text, b.link_chars) >= 0.5)


def use_fallback(main: list[Block], fallback: list[Block]) -> bool:
    """True when trafilatura lost the body (kept under half the fallback's prose) or kept menus rather than prose."""
    if not fallback:
        return False
    kept, found = prose_words(main), prose_words(fallback)
    return kept < KEEP_SHARE * found or (menu_words(main) > kept and found > kept)


def _lines_of(element: Any) -> list[str]:
    """An element's text, split where the page had line breaks (<lb/> in trafilatura's tree)."""
    parts: list[str] = []

    def walk(el: Any) -> None:
        if el.text:
            parts.append(el.text)
        for child in el:
            if child.tag == "lb":
                parts.append("\n")
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return [t for t in (normalize(x) for x in "".join(parts).split("\n")) if t]


def _link_chars(element: Any) -> int:
    return sum(len("".join(ref.itertext()).replace(" ", "")) for ref in element.iter("ref"))


def _cells(row: Any) -> list[str]:
    return [normalize(" ".join(cell.itertext())) for cell in row.iter("cell")]


def _bold(cell: Any) -> bool:
    text = normalize(" ".join(cell.itertext()))
    bold = normalize(" ".join(t for hi in cell.iter("hi") if "#b" in (hi.get("rend") or "") for t in hi.itertext()))
    return bool(text) and text == bold


def _table_rows(table: Any) -> list[Block]:
    rows = [(row, cells) for row in table.iter("row") if any(cells := _cells(row))]
    if not rows:
        return []
    first_row, first_cells = rows[0]
    first_elements = list(first_row.iter("cell"))
    marked = all(c.get("role") == "head" for c in first_elements) or all(map(_bold, first_elements))
    header = first_cells if is_header_row(first_cells, [cells for _row, cells in rows[1:]], marked) else None
    out = [Block(" | ".join(c for c in first_cells if c), "row", header=True)] if header else []
    out += [Block(row_text(cells, header), "row", _link_chars(row)) for row, cells in rows[1 if header else 0 :]]
    return out


def trafilatura_blocks(body: Any) -> list[Block]:
    """trafilatura's output tree as blocks: paragraphs, headings (h2 for any level), list items, table rows."""
    blocks: list[Block] = []
    for element in body:
        if element.tag == "table":
            blocks += _table_rows(element)
            continue
        parts = list(element.iterchildren("item")) if element.tag == "list" else [element]
        tag = {"head": "h2", "list": "li", "quote": "blockquote"}.get(element.tag, "p")
        for part in parts:
            lines = _lines_of(part)
            links = _link_chars(part)
            for line in lines:
                blocks.append(Block(line, tag, links if len(lines) == 1 else 0))
    return blocks


def _trafilatura(tree: Any) -> tuple[list[Block], Any]:
    import trafilatura
    from trafilatura.settings import Document as Article

    try:
        doc = trafilatura.bare_extraction(
            tree, with_metadata=True, include_comments=False, include_tables=True, include_formatting=True,
            include_links=True, favor_recall=True,
        )  # fmt: skip
    except Exception:  # lxml and trafilatura raise many types on odd markup; the fallback still reads the page
        return [], None
    if not isinstance(doc, Article) or doc.body is None:
        return [], doc if isinstance(doc, Article) else None
    return trafilatura_blocks(doc.body), doc


def _drop_furniture(blocks: list[Block], sites: set[str]) -> tuple[list[Block], Counter[str]]:
    """The blocks less runs of furniture (link lists, related-article boxes) and lines that are the site's name."""
    kinds = furniture_runs([b.text for b in blocks])
    dropped: Counter[str] = Counter()
    kept = []
    for block, kind in zip(blocks, kinds, strict=True):
        if kind is None and text_key(block.text) in sites:
            kind = "site name"
        if kind is None and block.header:
            kind = "table header row"  # each row below carries the headers
        if kind:
            dropped[kind] += 1
        else:
            kept.append(block)
    return kept, dropped


def read_html(data: bytes) -> Extracted:
    """A web page: the article's text (one paragraph, item or table row a line), headline, visible date and headings."""
    from trafilatura import load_html

    try:
        tree = load_html(data)
    except Exception as err:  # lxml raises many types on broken markup
        raise SkipFile(f"broken HTML ({one_line(err)})") from None
    if tree is None:
        raise SkipFile(_EMPTY)
    hidden = prepare(tree)
    page = page_blocks(tree)
    main, doc = _trafilatura(tree)
    sites = site_names(tree, [getattr(doc, "sitename", None)])
    main, main_dropped = _drop_furniture(main, sites)
    fallback, fallback_dropped = _drop_furniture(article_blocks(page), sites)
    chosen, extractor, dropped = main, MAIN, main_dropped
    if use_fallback(main, fallback):
        chosen, extractor, dropped = fallback, FALLBACK, fallback_dropped
    if not chosen:
        raise SkipFile(_EMPTY)

    kept_texts = {b.text for b in chosen}
    left_out = sum(1 for b in page if b.text not in kept_texts)
    if left_out:
        dropped["menus and page furniture (blocks)"] += left_out
    if hidden:
        dropped["hidden elements with text"] += hidden

    title = headline(tree, page, sites, getattr(doc, "title", None))
    meta: dict[str, str] = {
        "headings": "\n".join(b.text for b in chosen if b.heading_level and b.text != title),
        "rows": "\n".join(b.text for b in chosen if b.tag == "row"),
    }
    if title:
        meta["title"] = title
    when = visible_date(page, title) or meta_date(tree)
    if when:
        meta["date"] = iso(when)
    source = getattr(doc, "sitename", None) or site_name(tree)
    for key, value in (("source", source), ("url", getattr(doc, "url", None)), ("byline", getattr(doc, "author", None))):
        if value:
            meta[key] = str(value)
    return Extracted("\n".join(b.text for b in chosen), meta, extractor=extractor, dropped=dict(dropped))
