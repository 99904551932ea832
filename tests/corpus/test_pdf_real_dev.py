"""The real PDFs of real_dev through `quotebot passages FILE --json`: the cleaning expectations of cleaning.jsonl
(title, date, sentences kept whole across line and page breaks, page numbers kept out of them), and no fragment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.readers.pdf_layout import is_fragment


def _expectations(shared_eval: Path) -> list[dict[str, object]]:
    path = shared_eval / "real_dev" / "cleaning.jsonl"
    if not path.is_file():
        pytest.skip(f"real_dev cleaning expectations not found at {path}")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row for row in rows if str(row["doc"]).endswith(".pdf")]


def _fold(text: str) -> str:
    return "".join(text.split())


@pytest.mark.slow
def test_the_real_pdfs_meet_their_cleaning_expectations(shared_eval: Path) -> None:
    expectations = _expectations(shared_eval)
    assert expectations, "cleaning.jsonl lists no PDF"
    paths = {str(row["doc"]): shared_eval / "real_dev" / "docs" / str(row["doc"]) for row in expectations}
    command = [sys.executable, "-m", "bot.cli", "passages", "--json", *map(str, paths.values())]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in run.stdout.splitlines()]
    for row in expectations:
        passages = [r for r in records if r["type"] == "passage" and Path(r["path"]).name == row["doc"]]
        texts = [_fold(p["text"]) for p in passages]
        assert _fold(passages[0]["title"]) == _fold(str(row["title"])), row["doc"]
        assert passages[0]["date"] == row["date"], row["doc"]
        for sentence in row["must_keep"]:  # type: ignore[attr-defined]
            assert any(_fold(sentence) in t for t in texts), (row["doc"], sentence)
        for junk in row["must_drop"]:  # type: ignore[attr-defined]
            assert not any(_fold(junk) in t for t in texts), (row["doc"], junk)
        assert not [p["text"] for p in passages if is_fragment(p["text"])], row["doc"]
