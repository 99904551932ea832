"""PDF reading speed, pages per second: quotebot's reader (PDFium + layout) beside pypdf's plain text extraction
(the reader before issue 12), on the same files in one run, each file read by both in turn, three rounds.

    .venv/bin/python -m benchmarks.pdf_speed ../shared/eval/real_dev/docs/*.pdf

Prints a table; nothing passes or fails on a timing. pypdf must be installed (it is a test dependency).
"""

from __future__ import annotations

import argparse
import io
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from corpus.readers.pdf import read_pdf


def _pypdf_text(data: bytes) -> int:
    from pypdf import PdfReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(io.BytesIO(data))
        return sum(len(page.extract_text() or "") for page in reader.pages)


def _quotebot(data: bytes) -> int:
    return len(read_pdf(data).text)


def _pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def main(argv: list[str] | None = None) -> int:
    """Time both readers on the given PDFs and print pages per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    readers: dict[str, Callable[[bytes], int]] = {"pypdf extract_text (before)": _pypdf_text, "quotebot read_pdf (pypdfium2 + layout)": _quotebot}
    files = [(path.name, path.read_bytes()) for path in args.pdfs]
    pages = {name: _pages(data) for name, data in files}
    seconds = {(reader, name): 0.0 for reader in readers for name, _ in files}
    for _ in range(args.rounds):
        for name, data in files:
            for reader, read in readers.items():
                start = time.perf_counter()
                read(data)
                seconds[(reader, name)] += time.perf_counter() - start
    total_pages = sum(pages.values()) * args.rounds
    print(f"{'file':36} {'pages':>5} " + " ".join(f"{r[:22]:>22}" for r in readers))
    for name, _ in files:
        rates = [pages[name] * args.rounds / seconds[(r, name)] for r in readers]
        print(f"{name:36} {pages[name]:>5} " + " ".join(f"{rate:>16.1f} pg/s" for rate in rates))
    totals = [total_pages / sum(seconds[(r, name)] for name, _ in files) for r in readers]
    print(f"{'all':36} {sum(pages.values()):>5} " + " ".join(f"{rate:>16.1f} pg/s" for rate in totals))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
