"""Find a typed table of contents: a 目录 line and the entries under it.

A table of contents repeats the document's chapter headings (or lists them with page numbers). Left in, its lines
become passages and headings of their own, and two entries run together look like a sentence. Word's generated
tables of contents are recognised by their styles in corpus.readers.docx; this is for the typed ones, in any format.
"""

from __future__ import annotations

import re

MAX_ENTRY_CHARS = 60
MIN_ENTRIES = 2
_SPACE = re.compile(r"\s+")
_TOC_TITLE = re.compile(r"^(?:目录|目錄|目次|contents|tableofcontents)[:：]?$", re.IGNORECASE)
# A page number at the end of an entry: after dot leaders (…… ..... ·····), or after a space or a tab.
_PAGE = re.compile(r"(?:[.…·．_\-—]{2,}\s*|\s+)\d{1,4}\s*$")


def _key(line: str) -> str:
    """An entry as it is compared with the headings: without its page number and without any space."""
    return _SPACE.sub("", _PAGE.sub("", line))


def table_of_contents(lines: list[str]) -> list[tuple[int, int]]:
    """The (first, last) line numbers (0-based, inclusive) of each table of contents found in `lines`.

    One starts at a line that says 目录 (目　　录, 目次, Contents) and runs over the entries below it: lines that
    end in a page number, or that come back further down the document (the chapter headings they list). It ends
    at the first line that is neither, or at the first heading it already listed, where the body begins.
    """
    keys = [_key(line) for line in lines]
    last_seen: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key:
            last_seen[key] = i
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if not _TOC_TITLE.match(keys[i]):
            i += 1
            continue
        entries: list[int] = []
        listed: set[str] = set()
        j = i + 1
        while j < len(lines):
            line, key = lines[j].strip(), keys[j]
            if not key:
                j += 1
                continue
            if key in listed or len(line) > MAX_ENTRY_CHARS:
                break
            if not (_PAGE.search(line) or last_seen[key] > j):
                break
            listed.add(key)
            entries.append(j)
            j += 1
        if len(entries) >= MIN_ENTRIES:
            found.append((i, entries[-1]))
            i = entries[-1] + 1
        else:
            i += 1
    return found
