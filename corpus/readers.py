"""Read each supported format into text lines and the metadata the file itself carries.

Every reader takes the file's bytes (or path) and returns Extracted, or raises SkipFile with a one-line
reason. The libraries for HTML, Word and PDF are imported inside their reader, so that a folder of text
files never pays for them.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from dataclasses import dataclass, field

from corpus.decode import decode_text
from corpus.errors import SkipFile

logger = logging.getLogger(__name__)

MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what a .docx may unpack to in all
MAX_COMPRESSION_RATIO = 100  # real Word files compress 3-10 times; a bomb, thousands of times
_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
METADATA_KEYS = ("title", "date", "source", "url", "byline")


@dataclass(frozen=True)
class Extracted:
    """A file's text (lines separated by newlines) and the metadata found in the file."""

    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # things worth telling the operator while still using the file


def _one_line(err: BaseException) -> str:
    return " ".join(f"{type(err).__name__}: {err}".split())[:200]


def front_matter(text: str) -> tuple[str, dict[str, str]]:
    """Split off `---` front matter (flat key: value lines), keeping blank lines so line numbers stay."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return text, {}
    found: dict[str, str] = {}
    for line in m.group(1).splitlines():
        km = _FRONT_KEY.match(line)
        if km and km.group(2):
            key = "byline" if km.group(1).lower() == "author" else km.group(1).lower()
            if key in METADATA_KEYS:
                found[key] = km.group(2).strip("'\"")
    return "\n" * m.group(0).count("\n") + text[m.end() :], found


def read_text(data: bytes) -> Extracted:
    """A .txt file in any encoding charset-normalizer can find."""
    decoded = decode_text(data)
    text, meta = front_matter(decoded.text)
    meta["encoding"] = decoded.encoding
    notes = []
    if decoded.unusual:
        notes.append(f"decoded as {decoded.encoding}, an unusual encoding: check the text")
    if decoded.undecodable:
        notes.append(f"UTF-8 with {decoded.undecodable} undecodable byte sequence(s), kept as U+FFFD (see unrepaired spots)")
    return Extracted(text, meta, tuple(notes))


def read_markdown(data: bytes) -> Extracted:
    """A Markdown file: # headings become headings (the first level-1 heading the title), links their text."""
    plain = read_text(data)
    lines, headings = [], []
    title = plain.metadata.get("title")
    for line in plain.text.split("\n"):
        line = _MD_EMPHASIS.sub(r"\2", _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line)))
        m = _MD_HEADING.match(line)
        if m:
            line = m.group(2)
            if len(m.group(1)) == 1 and title is None:
                title = line
            else:
                headings.append(line)
        lines.append(line)
    meta = dict(plain.metadata, headings="\n".join(headings))
    if title:
        meta["title"] = title
    return Extracted("\n".join(lines), meta, plain.notes)


def read_html(data: bytes) -> Extracted:
    """A web page: the article text and metadata, as trafilatura (made for news pages) extracts them."""
    import trafilatura
    from trafilatura.settings import Document as Article

    try:
        doc = trafilatura.bare_extraction(
            data, with_metadata=True, include_comments=False, include_tables=True, include_formatting=True, favor_recall=True
        )
    except Exception as err:  # lxml and trafilatura raise many types on broken markup
        raise SkipFile(f"broken HTML ({_one_line(err)})") from None
    if not isinstance(doc, Article) or doc.body is None:
        raise SkipFile("no article text found in the HTML (broken or empty page)")
    lines, headings = [], []
    for element in doc.body:
        parts = element.iterchildren() if element.tag in ("list", "table") else (element,)
        for part in parts:
            text = " ".join(" ".join(part.itertext()).split()) if part.tag == "row" else "".join(part.itertext()).strip()
            if text:
                lines.append(text)
                if element.tag == "head":
                    headings.append(text)
    if not lines:
        raise SkipFile("no article text found in the HTML (broken or empty page)")
    meta = {"headings": "\n".join(headings)}
    for key, value in (("title", doc.title), ("date", doc.date), ("source", doc.sitename), ("url", doc.url), ("byline", doc.author)):
        if value:
            meta[key] = str(value)
    return Extracted("\n".join(lines), meta)


def check_zip(data: bytes) -> None:
    """Refuse a .docx that is not a zip, is not a Word document, or would unpack to far more than it weighs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise SkipFile("not a Word .docx file (not a zip archive)") from None
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise SkipFile(f"looks like a zip bomb: would unpack to {unpacked / 2**20:,.0f} MB (limit {MAX_UNPACKED_BYTES // 2**20} MB)")
    for info in infos:
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > 2**20 and ratio > MAX_COMPRESSION_RATIO:
            raise SkipFile(f"looks like a zip bomb: {info.filename} is compressed {ratio:,.0f} to 1")
    if "word/document.xml" not in {info.filename for info in infos}:
        raise SkipFile("not a Word .docx file (a zip without word/document.xml)")


def read_docx(data: bytes) -> Extracted:
    """A Word file: paragraphs and table rows in order; Heading styles become headings, Title the title."""
    check_zip(data)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        lines, headings, meta = [], [], {}
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells = [c.text.strip() for c in row.cells]
                    lines.append(" | ".join(dict.fromkeys(c for c in cells if c)))  # merged cells repeat
                continue
            text, style = block.text.strip(), (block.style.name if block.style is not None else "") or ""
            lines.append(text)
            if style.lower() == "title" and "title" not in meta:
                meta["title"] = text
            elif style.lower().startswith(("heading", "标题", "標題")) and text:
                headings.append(text)
        title = (document.core_properties.title or "").strip()
    except SkipFile:
        raise
    except Exception as err:  # python-docx and lxml raise many types on a damaged package
        raise SkipFile(f"not a readable Word file ({_one_line(err)})") from None
    if title and "title" not in meta:
        meta["title"] = title
    meta["headings"] = "\n".join(headings)
    if not any(lines):
        raise SkipFile("Word file without text")
    return Extracted("\n".join(lines), meta)


def read_pdf(data: bytes) -> Extracted:
    """A PDF's text layer, page by page; a PDF without one (a scan) is refused as such."""
    from pypdf import PdfReader

    try:
        with warnings.catch_warnings():
            # pypdf warns about every small flaw of real-world PDFs; the text is what matters here.
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise SkipFile("encrypted PDF (needs a password)")
            pages = [page.extract_text() or "" for page in reader.pages]
            info = reader.metadata
            title = (info.title or "").strip() if info else ""
    except SkipFile:
        raise
    except Exception as err:  # pypdf raises PdfReadError, but also ValueError/KeyError on damaged files
        raise SkipFile(f"not a readable PDF ({_one_line(err)})") from None
    if not any(p.strip() for p in pages):
        raise SkipFile(f"no text layer (scanned?): {len(pages)} page(s) without text")
    meta = {"wrapped": "yes"}
    if title:
        meta["title"] = title
    return Extracted("\n\n".join(p.strip() for p in pages), meta)
