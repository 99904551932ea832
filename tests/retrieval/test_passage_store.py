"""Passages read from SQLite on demand: the same answers as passages held in memory, across threads and swaps."""

from __future__ import annotations

import copy
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from corpus.model import Passage
from retrieval import store
from retrieval.build import build_index
from retrieval.config import IndexSettings
from retrieval.errors import IndexCorruptError
from retrieval.layout import version_dir
from retrieval.search import Searcher
from retrieval.text import fold_script
from tests.retrieval.conftest import DATA, HASHED, HashingEncoder, make_passage

QUESTIONS = [json.loads(line)["q"] for line in (DATA / "sample_questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


class MemoryPassages:
    """Every passage held in lists and dicts, as the Searcher kept them before it read them on demand."""

    def __init__(self, path: Path) -> None:
        self._passages, self._folded = store.read_passages(path)
        self._rows = {p.id: row for row, p in enumerate(self._passages)}
        self._paragraphs: dict[tuple[str, int], list[int]] = {}
        for row, p in enumerate(self._passages):
            self._paragraphs.setdefault((p.doc_id, p.position), []).append(row)
        self.count = len(self._passages)

    def passage(self, row: int) -> Passage:
        return self._passages[row]

    def passages(self, rows: Any) -> dict[int, Passage]:
        return {row: self._passages[row] for row in rows}

    def indexed(self, rows: Any) -> dict[int, store.Indexed]:
        return {row: _indexed(self._passages[row], self._folded[row]) for row in rows}

    def candidates(self, rows: Any) -> dict[int, tuple[str, str, str]]:
        return {row: (self._passages[row].doc_id, self._folded[row], self._passages[row].cite.source or "") for row in rows}

    def row_of(self, passage_id: str) -> int | None:
        return self._rows.get(passage_id)

    def paragraph(self, row: int) -> tuple[Passage, ...]:
        p = self._passages[row]
        return tuple(sorted((self._passages[r] for r in self._paragraphs[(p.doc_id, p.position)]), key=lambda q: q.part))


def _indexed(passage: Passage, folded: str) -> store.Indexed:
    """What PassageStore.indexed reads for a passage, worked out from the passage itself."""
    title = (passage.cite.title or "").strip()
    return store.Indexed(folded, len(folded) - len(passage.text), len(title), passage.position, passage.doc_id)


def _in_memory(searcher: Searcher, index_dir: Path) -> Searcher:
    """The same Searcher (same lexical index, vectors and encoder) over passages held in memory."""
    twin = copy.copy(searcher)
    twin._passages = MemoryPassages(version_dir(index_dir) / store.PASSAGES)  # type: ignore[assignment]
    return twin


def _everything(searcher: Searcher, questions: list[str]) -> list[Any]:
    """What a caller can see: answers (two pages), rankings with their evidence, and the paragraphs of the hits."""
    out: list[Any] = []
    for q in questions:
        answer = searcher.search(q, k=3)
        out += [answer, searcher.search(q, k=3, offset=3), searcher.rank(q, n=10)]
        out += [searcher.paragraph(h.passage.id) for h in answer.hits]
    return out


def test_on_demand_reads_answer_like_passages_held_in_memory(sample_index: Path) -> None:
    searcher = Searcher.open(sample_index, IndexSettings(model="none"))
    assert sum(searcher.search(q).answered for q in QUESTIONS) > 10  # the comparison covers real answers
    assert _everything(searcher, QUESTIONS) == _everything(_in_memory(searcher, sample_index), QUESTIONS)


def test_on_demand_reads_answer_like_passages_held_in_memory_with_dense_fusion(
    hashed_index: Path, english_set: dict[str, Any]
) -> None:
    # With the dense ranking fused in, some quoted rows are not among the lexical candidates whose text
    # _refine fetched: rank() fetches those separately.
    searcher = Searcher.open(hashed_index, HASHED, encoder=HashingEncoder())
    assert searcher.info.dense_enabled
    questions = [q["q"] for q in english_set["questions"]]
    twin = _in_memory(searcher, hashed_index)
    assert any(r.lexical_rank is None for q in questions for r in searcher.rank(q, n=10))
    assert _everything(searcher, questions) == _everything(twin, questions)


def test_every_row_reads_back_as_written(sample_index: Path) -> None:
    path = version_dir(sample_index) / store.PASSAGES
    passages, folded = store.read_passages(path)
    reader = store.PassageStore(path)
    rows = range(len(passages))
    assert reader.count == len(passages)
    assert reader.passages(reversed(rows)) == dict(enumerate(passages))
    assert reader.indexed(rows) == {row: _indexed(p, folded[row]) for row, p in enumerate(passages)}
    read_back = reader.indexed(rows)
    for row, p in enumerate(passages):
        read = read_back[row]
        # Folding keeps lengths: the title and the body are spans of the folded text.
        assert read.folded[read.context :] == fold_script(p.text)
        assert read.folded[: read.title] == fold_script((p.cite.title or "").strip())
    assert [reader.row_of(p.id) for p in passages] == list(rows)


def _paragraph_index(tmp_path: Path, settings: IndexSettings) -> Searcher:
    """Paragraphs whose parts sit next to look-alikes: the same position in another document, the next paragraph."""
    def parts(doc: str, position: int, numbers: tuple[int, ...], of: int) -> list[Passage]:
        return [make_passage(f"{doc}:{position}.{i}", f"{doc}文件第{position}段第{i}部分，关于港口{i}。", doc=doc, position=position, part=i, parts=of)
                for i in numbers]

    passages = [
        *parts("a", 0, (0, 1, 2, 3), 4),
        *parts("a", 1, (0, 2), 3),  # part 1 merged away into another document (deduplication)
        *parts("b", 1, (0, 1), 2),  # same position, next document
        *parts("b", 2, (0,), 1),
        *parts("c", 5, (2, 0, 1), 3),  # handed in out of order
    ]
    build_index(passages, tmp_path / "index", settings)
    return Searcher.open(tmp_path / "index", settings)


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["a:0.0", "a:0.1", "a:0.2", "a:0.3"], ["a:0.0", "a:0.1", "a:0.2", "a:0.3"]),
        (["a:1.0", "a:1.2"], ["a:1.0", "a:1.2"]),
        (["b:1.0", "b:1.1"], ["b:1.0", "b:1.1"]),
        (["b:2.0"], ["b:2.0"]),
        (["c:5.0", "c:5.1", "c:5.2"], ["c:5.0", "c:5.1", "c:5.2"]),
    ],
)
def test_every_part_finds_its_whole_paragraph_and_nothing_else(
    tmp_path: Path, lexical_settings: IndexSettings, ids: list[str], expected: list[str]
) -> None:
    searcher = _paragraph_index(tmp_path, lexical_settings)
    for pid in ids:
        assert [p.id for p in searcher.paragraph(pid)] == expected, pid


def test_unknown_ids_and_rows(sample_index: Path) -> None:
    searcher = Searcher.open(sample_index, IndexSettings(model="none"))
    assert searcher.passage("no-such-id") is None and searcher.passage("") is None
    assert searcher.paragraph("no-such-id") == ()
    assert searcher.passage("'; DROP TABLE passages; --") is None
    count = searcher.info.passages
    assert searcher.passage_at(count - 1).id
    for row in (count, -1):
        with pytest.raises(IndexError, match=f"no passage at rows \\[{row}\\]"):
            searcher.passage_at(row)


def test_a_searcher_answers_from_new_threads_after_builds_deleted_its_version(
    tmp_path: Path, english_passages: list[Passage], lexical_settings: IndexSettings, english_set: dict[str, Any]
) -> None:
    index_dir = tmp_path / "index"
    build_index(english_passages[:30], index_dir, lexical_settings)
    version = version_dir(index_dir)
    old = Searcher.open(index_dir, lexical_settings)
    questions = [q["q"] for q in english_set["questions"]]
    before = [old.search(q) for q in questions]
    assert sum(a.answered for a in before) > 5
    hit = next(a for a in before if a.answered).hits[0].passage
    build_index(english_passages, index_dir, lexical_settings)
    build_index(english_passages[:10], index_dir, lexical_settings)
    assert not version.exists()
    # Threads that never used the old Searcher ask their first questions of it now.
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(old.search, questions)) == before
        assert pool.submit(old.passage, hit.id).result() == hit
        assert pool.submit(old.paragraph, hit.id).result() == (hit,)


def test_concurrent_searches_and_lookups_agree_with_serial_ones(sample_index: Path) -> None:
    searcher = Searcher.open(sample_index, IndexSettings(model="none"))
    questions = QUESTIONS * 4

    def ask(question: str) -> tuple[Any, ...]:
        answer = searcher.search(question)
        return answer, tuple(searcher.paragraph(h.passage.id) for h in answer.hits), tuple(searcher.passage(h.passage.id) for h in answer.hits)

    expected = [ask(q) for q in questions]
    with ThreadPoolExecutor(max_workers=16) as pool:
        assert list(pool.map(ask, questions)) == expected


def test_rows_with_a_gap_are_refused_at_open(tmp_path: Path, english_passages: list[Passage], lexical_settings: IndexSettings) -> None:
    build_index(english_passages[:10], tmp_path / "index", lexical_settings)
    with sqlite3.connect(version_dir(tmp_path / "index") / store.PASSAGES) as db:
        db.execute("UPDATE passages SET row = 10 WHERE row = 4")  # still ten passages, as the other parts say
    db.close()
    with pytest.raises(IndexCorruptError, match="not contiguous"):
        Searcher.open(tmp_path / "index", lexical_settings)
