"""The characters of a PDF's text layer with their boxes, sizes and fonts, read with PDFium (pypdfium2).

PDFium is chosen by measurement (see corpus/readers/pdf.py): it reads these files 20-40 times faster than pypdf,
pdfminer.six or pdfplumber, and it gives every character's box, size and font, which is all the layout step needs.
Only this module talks to PDFium; the layout rules (pdf_layout.py) work on the plain Glyph records it returns.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

from corpus.errors import SkipFile
from corpus.readers.common import one_line

_BOLD_WEIGHT = 600  # PDFium reports the font's weight (400 regular, 700 bold) when the file declares it
_FORCE_BOLD_FLAG = 1 << 18  # PDF font descriptor flag "ForceBold" (bit 19)
_FONT_NAME_BYTES = 128


@dataclass(frozen=True, slots=True)
class Glyph:
    """One printed character: its text and box in points from the page's top-left corner (y grows downwards)."""

    char: str
    x0: float
    x1: float
    top: float
    bottom: float
    height: float  # bottom - top: the line height the font gives this character (its type size, near enough)
    font: str = ""
    bold: bool = False


@dataclass(frozen=True)
class PdfPage:
    """A page's size and its printed characters in the file's drawing order."""

    width: float
    height: float
    glyphs: tuple[Glyph, ...]


@dataclass(frozen=True)
class PdfFile:
    """What PDFium read from a file: its pages and its document-information metadata."""

    pages: tuple[PdfPage, ...]
    info: dict[str, str]


class _Fonts:
    """Font names and boldness of a text page's characters. Files often make every character its own text
    object, so the name is read into one reused buffer and boldness is worked out once per font."""

    def __init__(self, textpage: object) -> None:
        self._textpage = textpage
        self._buffer = ctypes.create_string_buffer(_FONT_NAME_BYTES)
        self._flags = ctypes.c_int()
        self._bold: dict[bytes, tuple[str, bool]] = {}

    def of(self, index: int) -> tuple[str, bool]:
        """The character's font name (subset prefix removed) and whether it is bold."""
        import pypdfium2.raw as pdfium_c

        pdfium_c.FPDFText_GetFontInfo(self._textpage, index, self._buffer, _FONT_NAME_BYTES, self._flags)
        raw = self._buffer.value
        key = raw + self._flags.value.to_bytes(8, "little", signed=True)
        found = self._bold.get(key)
        if found is None:
            name = raw.decode("utf-8", "replace")
            name = name.split("+", 1)[1] if len(name) > 7 and name[6] == "+" else name  # ABCDEF+SimHei → SimHei
            weight = pdfium_c.FPDFText_GetFontWeight(self._textpage, index)
            bold = weight >= _BOLD_WEIGHT or bool(self._flags.value & _FORCE_BOLD_FLAG) or "bold" in name.lower()
            found = self._bold[key] = (name, bold)
        return found


def _page_glyphs(page: object) -> PdfPage:
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()  # type: ignore[attr-defined]
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        rect = pdfium_c.FS_RECTF()
        fonts = _Fonts(textpage)
        glyphs = []
        is_generated, unicode_of, box_of = pdfium_c.FPDFText_IsGenerated, pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_GetLooseCharBox
        for i in range(textpage.count_chars()):
            # Spaces (generated or printed, U+3000 too) are left out: the layout step decides those from the boxes.
            if is_generated(textpage, i):
                continue
            code = unicode_of(textpage, i)
            if code in (0, 0xFFFE, 0xFFFF) or chr(code).isspace():
                continue
            box_of(textpage, i, rect)
            if rect.top - rect.bottom <= 0:
                continue
            font, bold = fonts.of(i)
            glyphs.append(Glyph(chr(code), rect.left, rect.right, height - rect.top, height - rect.bottom, rect.top - rect.bottom, font, bold))
    finally:
        textpage.close()
    return PdfPage(width, height, tuple(glyphs))


def read_glyphs(data: bytes) -> PdfFile:
    """Every page's characters and the document's metadata; SkipFile when PDFium cannot open the file."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        message = str(err)
        if "password" in message.lower():
            raise SkipFile("encrypted PDF (needs a password)") from None
        raise SkipFile(f"not a readable PDF ({one_line(err)})") from None
    try:
        info = {k.lower(): v.strip() for k, v in document.get_metadata_dict(skip_empty=True).items() if isinstance(v, str)}
        pages = []
        for index in range(len(document)):
            page = document[index]
            try:
                pages.append(_page_glyphs(page))
            finally:
                page.close()
    finally:
        document.close()
    return PdfFile(tuple(pages), info)
