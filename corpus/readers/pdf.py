"""PDF: the text layer laid out again into paragraphs, headings and table rows; a PDF without one (a scan) is refused.

The steps, each in its own module: PDFium reads every character with its box, size and font (pdf_glyphs); the
characters become printed lines (pdf_lines); running headers, footers and page numbers are dropped (pdf_furniture);
the lines are joined into paragraphs, headings, table rows and footnotes (pdf_layout); the title and the issuing
date are read from the first page and the metadata (pdf_title).

Why PDFium (pypdfium2, Apache-2.0/BSD): measured side by side on the four real PDFs of real_dev (226 pages, one
run): every character with its box takes 1.1 s with PDFium, against 27 s for pypdf's plain text (31 s in its layout
mode) and 38-41 s for pdfminer.six / pdfplumber's characters. The rules below need each character's box, size and
font; pypdf gives those only through a slow callback, and pdfminer/pdfplumber give the same as PDFium 35 times slower.
None of them joins lines, drops page furniture or keeps footnote markers apart by itself (pypdf puts the page number
at the top of each page's text and superscripts on lines of their own; PDFium's and pdfplumber's plain texts glue
superscripts to the next number: 常住人口11761.48), so that is done here for all of them alike.
"""

from __future__ import annotations

from collections import Counter

from corpus.errors import SkipFile
from corpus.readers.common import Extracted
from corpus.readers.pdf_furniture import PageLines, strip_furniture
from corpus.readers.pdf_glyphs import read_glyphs
from corpus.readers.pdf_layout import arrange, body_style, is_toc_entry
from corpus.readers.pdf_lines import page_lines
from corpus.readers.pdf_title import choose_title, issuing_date

EXTRACTOR = "pypdfium2"


def read_pdf(data: bytes) -> Extracted:
    """A PDF's text as paragraphs (one a line), with title, date, headings and table rows in the metadata."""
    pdf = read_glyphs(data)
    if not any(page.glyphs for page in pdf.pages):
        raise SkipFile(f"no text layer (scanned?): {len(pdf.pages)} page(s) without text")
    pages = [PageLines(i, p.width, p.height, tuple(page_lines(p.glyphs))) for i, p in enumerate(pdf.pages)]
    pages, dropped = strip_furniture(pages)
    style = body_style(pages)
    layout = arrange(pages, style)
    dropped.update(layout.dropped)

    blocks = []
    for block in layout.blocks:
        if is_toc_entry(block.text):
            dropped["table of contents"] += 1  # its page numbers point into the printed pages, not into passages
        else:
            blocks.append(block)
    choice = choose_title(blocks, style.size, pdf.info.get("title", ""))
    meta: dict[str, str] = {}
    lines: list[str] = []
    if choice is not None:
        meta["title"] = choice.title
        lines.append(choice.title)  # first, so that the cleaner takes it for the title
    if date := issuing_date(blocks):
        meta["date"] = date
    headings, rows = [], []
    for i, block in enumerate(blocks):
        if choice is not None and i == choice.block:
            continue
        lines.append(block.text)
        if block.kind == "heading":
            headings.append(block.text)
        elif block.kind == "row":
            rows.append(block.text)
    if headings:
        meta["headings"] = "\n".join(headings)
    if rows:
        meta["rows"] = "\n".join(rows)
    return Extracted("\n".join(lines), meta, extractor=EXTRACTOR, dropped={k: n for k, n in sorted(Counter(dropped).items()) if n})
