"""Read each supported format into text lines and the metadata the file itself carries.

Every reader takes the file's bytes and returns Extracted, or raises SkipFile with a one-line reason. One module
a format; the libraries for HTML, Word and PDF are imported inside their reader, so that a folder of text files
never pays for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

METADATA_KEYS = ("title", "date", "source", "url", "byline")


@dataclass(frozen=True)
class Extracted:
    """A file's text (lines separated by newlines) and the metadata found in the file."""

    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # things worth telling the operator while still using the file
    extractor: str = ""  # what read the file (e.g. "pypdf", "trafilatura"): shown in the per-file report
    dropped: dict[str, int] = field(default_factory=dict)  # what the reader left out, by kind ("running header": 9)


def one_line(err: BaseException) -> str:
    """An exception as one short line for a report."""
    return " ".join(f"{type(err).__name__}: {err}".split())[:200]
