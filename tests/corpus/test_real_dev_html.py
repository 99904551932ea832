"""The real web pages of eval/real_dev: the cleaning checks of cleaning.jsonl for its HTML documents, as score.py
makes them, and no furniture-only passage on any of the 25 pages. Skipped where ../shared is absent."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from corpus.furniture import furniture_kind
from corpus.pipeline import CorpusResult, build_passages


def _fold(text: str) -> str:
    """The scorer's folding: simplified script, NFKC, no whitespace."""
    import opencc

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", opencc.OpenCC("t2s").convert(text)))


@pytest.fixture(scope="module")
def real_dev(shared_eval: Path) -> Path:
    return shared_eval / "real_dev"


@pytest.fixture(scope="module")
def pages(real_dev: Path) -> CorpusResult:
    return build_passages(sorted((real_dev / "docs").glob("*.html")))


def _cases(real_dev: Path) -> list[dict]:
    lines = (real_dev / "cleaning.jsonl").read_text(encoding="utf-8").splitlines()
    return [case for case in map(json.loads, filter(None, lines)) if case["doc"].endswith(".html")]


def test_cleaning_checks_of_the_html_documents(real_dev: Path, pages: CorpusResult) -> None:
    cases = _cases(real_dev)
    assert len(cases) >= 5
    failures = []
    for case in cases:
        path = str(real_dev / "docs" / case["doc"])
        passages = [p for p in pages.passages if p.cite.path == path or any(c.path == path for c in p.also_cited)]
        document = next(d for d in pages.documents if d.path == path)
        if _fold(document.title) != _fold(case["title"]):
            failures.append(f"{case['doc']}: title {document.title!r}")
        if document.date != case["date"]:
            failures.append(f"{case['doc']}: date {document.date!r}")
        texts = [_fold(p.text) for p in passages]
        failures += [f"{case['doc']}: not kept whole {k!r}" for k in case["must_keep"] if not any(_fold(k) in t for t in texts)]
        shown = [_fold(f"{p.heading or ''} {p.text}") for p in passages]
        failures += [f"{case['doc']}: kept {d!r}" for d in case["must_drop"] if any(_fold(d) in t for t in shown)]
    assert failures == []


def test_every_page_is_read_and_no_passage_is_furniture(pages: CorpusResult) -> None:
    assert pages.report.files_read == 25 and not pages.report.skipped
    assert all(f.format == "html" and f.passages > 0 for f in pages.report.files)
    furniture = [p.text for p in pages.passages if furniture_kind(p.text) or not re.search(r"\w", p.text)]
    assert furniture == []
