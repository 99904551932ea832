"""Real PDFs with a Chinese text layer, made at test time.

No CJK font is installed on these machines and fpdf2 ships none, so `cjk_font` builds a small TrueType font with
fontTools (a dependency of fpdf2): one square glyph, one em wide, for every character the test needs. The PDF's
text layer maps the glyphs back to those characters, just as a real font would; only the shapes are plain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

EM = 1000


def cjk_font(path: Path, chars: str) -> Path:
    """A TrueType font with a square, full-width glyph for each character of `chars` (and the space)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box() -> object:
        pen = TTGlyphPen(None)
        pen.moveTo((50, -80))
        pen.lineTo((50, 800))
        pen.lineTo((950, 800))
        pen.lineTo((950, -80))
        pen.closePath()
        return pen.glyph()

    chars = "".join(sorted(set(chars) - {" "}))
    names = [".notdef", "space"] + [f"uni{ord(c):04X}" for c in chars]
    builder = FontBuilder(EM, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({0x20: "space", **{ord(c): f"uni{ord(c):04X}" for c in chars}})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({name: (empty if name == "space" else box()) for name in names})
    builder.setupHorizontalMetrics({name: (EM // 4 if name == "space" else EM, 50) for name in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "TestSquares", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))
    return path


@dataclass
class Page:
    """What one page prints: (text, size, indent in characters) lines, top to bottom."""

    lines: list[tuple[str, float, int]] = field(default_factory=list)


def write_cjk_pdf(
    path: Path,
    pages: list[Page],
    *,
    header: str = "",
    page_number: str = "－{n}－",
    body_size: float = 16,
    title: str = "",
) -> Path:
    """A PDF whose pages print the given lines in a square-glyph CJK font, with a running header and page numbers.

    Lines are placed one under another at 1.8 times their size, from the left margin plus the indent; the header
    is printed at the top of every page, the page number (its `{n}`) centred at the bottom.
    """
    from fpdf import FPDF

    text = header + page_number + "".join(t for page in pages for t, _, _ in page.lines) + "0123456789"
    font = cjk_font(path.with_suffix(".ttf"), text)
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("squares", fname=str(font))
    if title:
        pdf.set_title(title)
    for n, page in enumerate(pages, start=1):
        pdf.add_page()
        if header:
            pdf.set_font("squares", size=10)
            pdf.set_xy(72, 40)
            pdf.cell(text=header)
        y = 80.0
        for line, size, indent in page.lines:
            pdf.set_font("squares", size=size)
            pdf.set_xy(72 + indent * size, y)
            pdf.cell(text=line)
            y += size * 1.8
        if page_number:
            pdf.set_font("squares", size=10)
            label = page_number.format(n=n)
            pdf.set_xy((pdf.w - 10 * len(label)) / 2, pdf.h - 50)
            pdf.cell(text=label)
    pdf.output(str(path))
    return path


def wrap(text: str, width: int, indent: int = 2) -> list[tuple[str, int]]:
    """A paragraph cut into lines of `width` characters (the first `indent` characters narrower), as a printer would."""
    out = []
    first = True
    while text:
        room = width - indent if first else width
        out.append((text[:room], indent if first else 0))
        text = text[room:]
        first = False
    return out
