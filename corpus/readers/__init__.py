"""The readers, one module a format (see corpus.readers.common for what each returns)."""

from corpus.readers.common import METADATA_KEYS, Extracted
from corpus.readers.docx import check_zip, read_docx
from corpus.readers.html import read_html
from corpus.readers.markdown import read_markdown
from corpus.readers.pdf import read_pdf
from corpus.readers.text import front_matter, read_text

__all__ = ["METADATA_KEYS", "Extracted", "check_zip", "front_matter", "read_docx", "read_html", "read_markdown", "read_pdf", "read_text"]
