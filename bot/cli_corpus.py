"""`quotebot passages`: print the passages the corpus pipeline makes of some files, and its report."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, TextIO

from corpus.model import Citation, Passage
from corpus.pipeline import CorpusResult, build_passages, sample_paths

# Libraries that log their own account of a bad file; the report's one line per file says it already.
NOISY_LIBRARIES = ("trafilatura", "htmldate", "courlan", "pypdf", "charset_normalizer", "docx")

EXIT_OK = 0
EXIT_SOME_SKIPPED = 1
EXIT_NOTHING_USABLE = 2


def exit_status(result: CorpusResult) -> int:
    """0 when every file was read, 1 when some were skipped but passages came out, 2 when nothing usable."""
    if not result.passages:
        return EXIT_NOTHING_USABLE
    return EXIT_SOME_SKIPPED if result.report.failed else EXIT_OK


def _citation_line(cite: Citation) -> str:
    return " · ".join(part for part in (cite.title, cite.date, cite.source, cite.url, cite.path) if part)


def _cite_dict(cite: Citation) -> dict[str, Any]:
    return {"doc": cite.doc_id, "title": cite.title, "date": cite.date, "source": cite.source, "url": cite.url, "path": cite.path}


def passage_dict(passage: Passage) -> dict[str, Any]:
    """A passage as one JSON object: its text and place, and the citation of every document that carries it."""
    return {
        "type": "passage",
        "id": passage.id,
        "heading": passage.heading,
        "text": passage.text,
        "position": passage.position,
        "part": passage.part,
        "parts": passage.parts,
        **_cite_dict(passage.cite),
        "also_cited": [_cite_dict(c) for c in passage.also_cited],
    }


def _print_human(result: CorpusResult, out: TextIO) -> None:
    for number, passage in enumerate(result.passages, start=1):
        part = f" (part {passage.part + 1} of {passage.parts})" if passage.parts > 1 else ""
        out.write(f"[{number}]{part}" + (f" {passage.heading}" if passage.heading else "") + "\n")
        out.write(passage.text + "\n")
        out.write(f"  — {_citation_line(passage.cite)}\n")
        for other in passage.also_cited:
            out.write(f"  — also: {_citation_line(other)}\n")
        out.write("\n")


def run_passages(paths: list[Path], as_json: bool, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Build passages from `paths` (the bundled sample when empty), print them and the report; return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    if not logging.getLogger().isEnabledFor(logging.INFO):  # unless -v asked for the details
        for name in NOISY_LIBRARIES:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    result = build_passages(paths or sample_paths())
    report = result.report
    if as_json:
        for passage in result.passages:
            out.write(json.dumps(passage_dict(passage), ensure_ascii=False) + "\n")
        out.write(json.dumps({"type": "report", **report.as_dict()}, ensure_ascii=False) + "\n")
        for skipped in report.skipped:
            err.write(f"skipped {skipped.path}: {skipped.reason}\n")
    else:
        _print_human(result, out)
        for line in report.summary_lines():
            err.write(line + "\n")
    status = exit_status(result)
    if status == EXIT_NOTHING_USABLE:
        err.write("no passages: nothing usable in the given paths\n")
    return status
