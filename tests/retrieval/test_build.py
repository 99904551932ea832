"""The index directory: built whole, swapped atomically, cached embeddings, and clear errors when it is unusable."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from corpus.model import Passage
from retrieval.build import build_index, indexed_text
from retrieval.config import IndexSettings
from retrieval.errors import (
    EmptyCorpusError,
    IndexCorruptError,
    IndexMissingError,
    IndexModelError,
    IndexVersionError,
    RetrievalError,
)
from retrieval.layout import version_dir, versions
from retrieval.search import Searcher
from tests.retrieval.conftest import CountingEncoder, make_passage


def test_a_lexical_index_opens_and_describes_itself(sample_index: Path, sample_passages: tuple[Passage, ...]) -> None:
    searcher = Searcher.open(sample_index, IndexSettings(model="none"))
    info = searcher.info
    assert info.passages == len(sample_passages) and info.documents == 1
    assert info.newest_date == "2023-06-05"
    assert info.dense_enabled is False and info.model is None
    manifest = json.loads((version_dir(sample_index) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == 3 and manifest["model_setting"] == "none"
    assert len(manifest["corpus_fingerprint"]) == 64
    assert (sample_index / "current").is_symlink() and not sample_index.is_symlink()


def test_passages_and_paragraphs_are_looked_up_by_id(tmp_path: Path, lexical_settings: IndexSettings) -> None:
    parts = [make_passage(f"d:3.{i}", f"第{i}句话，关于港口。", doc="d", position=3, part=i, parts=3) for i in (2, 0, 1)]
    other = make_passage("d:4.0", "另一段，关于机场。", doc="d", position=4)
    build_index([*parts, other], tmp_path / "index", lexical_settings)
    searcher = Searcher.open(tmp_path / "index", lexical_settings)
    assert searcher.passage("d:4.0") == other
    assert searcher.passage("nope") is None
    assert [p.id for p in searcher.paragraph("d:3.2")] == ["d:3.0", "d:3.1", "d:3.2"]
    assert searcher.paragraph("nope") == ()


def test_an_empty_corpus_is_an_error_not_an_empty_index(tmp_path: Path, lexical_settings: IndexSettings) -> None:
    with pytest.raises(EmptyCorpusError, match="no passages"):
        build_index([], tmp_path / "index", lexical_settings)
    assert not (tmp_path / "index").exists()


def test_dense_index_with_minilm(english_index: Path, minilm_settings: IndexSettings) -> None:
    manifest = json.loads((version_dir(english_index) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dense_enabled"] is True and manifest["dim"] == 384 and manifest["vector_index"] == "flat"
    assert manifest["unknown_rate"] < 0.01
    assert (version_dir(english_index) / "vectors.faiss").is_file()


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_approximate_vector_indexes_find_the_same_passages(
    tmp_path: Path, english_passages: list[Passage], minilm: Any, minilm_settings: IndexSettings, kind: str
) -> None:
    settings = replace(minilm_settings, vector_index=kind)  # type: ignore[arg-type]
    build_index(english_passages, tmp_path / kind, settings, encoder=minilm)
    assert json.loads((version_dir(tmp_path / kind) / "manifest.json").read_text())["vector_index"] == kind
    searcher = Searcher.open(tmp_path / kind, settings, encoder=minilm)
    assert searcher.passage_at(searcher.rank("My cat went missing, where might it be?", 1)[0].row).id == "lost-pets"


def test_a_model_that_cannot_read_the_corpus_is_not_used(
    tmp_path: Path, sample_passages: tuple[Passage, ...], minilm: Any, minilm_settings: IndexSettings
) -> None:
    report = build_index(sample_passages, tmp_path / "index", minilm_settings, encoder=minilm)
    assert report.dense_enabled is False
    assert report.unknown_rate is not None and report.unknown_rate > 0.4
    assert any("does not know" in w and "QUOTEBOT_MODEL" in w for w in report.warnings)
    manifest = json.loads((version_dir(tmp_path / "index") / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dense_enabled"] is False and manifest["unknown_rate"] == pytest.approx(report.unknown_rate)
    assert not (version_dir(tmp_path / "index") / "vectors.faiss").exists()


def test_rebuilding_after_adding_a_document_embeds_only_the_new_passages(
    tmp_path: Path, english_passages: list[Passage], minilm: Any, minilm_settings: IndexSettings
) -> None:
    first, added = english_passages[:30], english_passages[30:]
    indexed = {indexed_text(p) for p in english_passages}
    encoder = CountingEncoder(minilm)
    report = build_index(first, tmp_path / "index", minilm_settings, encoder=encoder)
    assert (report.embedded, report.reused) == (30, 0)
    assert sorted(t for t in encoder.texts if t in indexed) == sorted(indexed_text(p) for p in first)
    tested = set(encoder.texts) - indexed  # the dense self-test's sentences and passages without them
    assert tested

    again = CountingEncoder(minilm)
    report = build_index(first + added, tmp_path / "index", minilm_settings, encoder=again)
    assert (report.embedded, report.reused) == (len(added), 30)
    assert sorted(t for t in again.texts if t in indexed) == sorted(indexed_text(p) for p in added)
    assert not tested & set(again.texts)  # the self-test's vectors of the first build come from the cache
    searcher = Searcher.open(tmp_path / "index", minilm_settings, encoder=minilm)
    assert searcher.info.passages == 40


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_a_rebuild_that_appends_passages_extends_the_vector_index_and_one_that_changes_a_passage_builds_it_anew(
    tmp_path: Path, english_passages: list[Passage], minilm: Any, minilm_settings: IndexSettings, kind: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = replace(minilm_settings, vector_index=kind)  # type: ignore[arg-type]
    first, added = english_passages[:30], english_passages[30:]
    build_index(first, tmp_path / "index", settings, encoder=minilm)
    with caplog.at_level(logging.INFO, logger="retrieval.build"):
        build_index(first + added, tmp_path / "index", settings, encoder=minilm)
    assert [r.getMessage() for r in caplog.records if "vector index" in r.getMessage()] == [
        f"vector index: the previous {kind} index extended to 40 rows, not built anew"
    ]
    appended = Searcher.open(tmp_path / "index", settings, encoder=minilm)
    fresh_dir = tmp_path / "fresh"
    build_index(first + added, fresh_dir, settings, encoder=minilm)
    fresh = Searcher.open(fresh_dir, settings, encoder=minilm)
    for passage in added:  # each new passage is found by its own text, as in an index built from scratch
        assert appended.rank(passage.text, n=1)[0].row == fresh.rank(passage.text, n=1)[0].row

    caplog.clear()
    edited = [replace(first[0], text=first[0].text + " Updated in May."), *first[1:], *added]
    with caplog.at_level(logging.INFO, logger="retrieval.build"):
        build_index(edited, tmp_path / "index", settings, encoder=minilm)
    assert not [r for r in caplog.records if "extended" in r.getMessage()]


def test_a_failure_mid_build_leaves_the_previous_index_answering(
    tmp_path: Path, english_passages: list[Passage], minilm: Any, minilm_settings: IndexSettings
) -> None:
    index_dir = tmp_path / "index"
    build_index(english_passages[:20], index_dir, minilm_settings, encoder=minilm)
    before = Searcher.open(index_dir, minilm_settings, encoder=minilm).search("When does the Central Library close on weekdays?")
    grown = english_passages + [make_passage(f"new-{i}", f"Notice number {i} about ferry timetables.") for i in range(20)]
    failing = CountingEncoder(minilm, fail_after=30)  # chunks of 4 x 4 passages: fails in the second one
    small_batches = replace(minilm_settings, batch_size=4)
    with pytest.raises(RuntimeError, match="injected"):
        build_index(grown, index_dir, small_batches, encoder=failing)
    assert failing.calls == 1  # one chunk was encoded (and cached) before the failure
    after = Searcher.open(index_dir, minilm_settings, encoder=minilm)
    assert after.info.passages == 20
    assert after.search("When does the Central Library close on weekdays?") == before
    leftovers = [p.name for p in index_dir.iterdir() if p.name.startswith(("build-", "current-"))]
    assert leftovers == [] and [p.name for p in tmp_path.iterdir()] == ["index"]


def test_a_failure_while_writing_the_files_leaves_the_previous_index_answering(
    tmp_path: Path, english_passages: list[Passage], minilm: Any, minilm_settings: IndexSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retrieval.build

    index_dir = tmp_path / "index"
    build_index(english_passages[:20], index_dir, minilm_settings, encoder=minilm)
    before = Searcher.open(index_dir, minilm_settings, encoder=minilm).search("Is the playground in Lakeside Park open?")

    def disk_full(vectors: Any, path: Path) -> None:
        path.write_bytes(b"half a faiss file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(retrieval.build, "save_vectors", disk_full)
    with pytest.raises(OSError, match="No space left"):
        build_index(english_passages, index_dir, minilm_settings, encoder=minilm)
    after = Searcher.open(index_dir, minilm_settings, encoder=minilm)
    assert after.info.passages == 20
    assert after.search("Is the playground in Lakeside Park open?") == before
    assert [p.name for p in index_dir.iterdir() if p.name.startswith("build-")] == []


def test_a_searcher_keeps_answering_while_the_index_is_swapped(
    tmp_path: Path, english_passages: list[Passage], lexical_settings: IndexSettings
) -> None:
    index_dir = tmp_path / "index"
    build_index(english_passages[:20], index_dir, lexical_settings)
    old = Searcher.open(index_dir, lexical_settings)
    build_index(english_passages, index_dir, lexical_settings)
    build_index(english_passages[:10], index_dir, lexical_settings)
    assert old.search("When does the Central Library close on weekdays?").answered
    assert Searcher.open(index_dir, lexical_settings).info.passages == 10
    assert len(versions(index_dir)) == 2  # the current one and the previous one
    assert [p.name for p in tmp_path.iterdir()] == ["index"]


def test_concurrent_searches_agree_with_serial_ones(
    english_index: Path, minilm: Any, minilm_settings: IndexSettings, english_set: dict[str, Any]
) -> None:
    searcher = Searcher.open(english_index, minilm_settings, encoder=minilm)
    questions = [q["q"] for q in english_set["questions"]][:16]
    serial = {q: searcher.search(q) for q in questions}
    results: dict[str, Any] = {}
    errors: list[BaseException] = []

    def ask(question: str) -> None:
        try:
            results[question] = searcher.search(question)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and results.keys() == serial.keys()
    for question, answer in results.items():
        # Concurrent questions share one batched encode, padded to the longest question: their vectors differ from a
        # lone encode's in the last float bits, so a score may differ in its fourth decimal, but nothing else may.
        alone = serial[question]
        assert (answer.decline, answer.confidence, [h.passage.id for h in answer.hits]) == (alone.decline, alone.confidence, [h.passage.id for h in alone.hits])
        assert [h.score for h in answer.hits] == pytest.approx([h.score for h in alone.hits], abs=2e-4)


# --- directories that cannot be used -------------------------------------------------------------


def test_a_missing_index_names_the_directory_and_the_command(tmp_path: Path, lexical_settings: IndexSettings) -> None:
    with pytest.raises(IndexMissingError) as caught:
        Searcher.open(tmp_path / "nowhere", lexical_settings)
    assert str(tmp_path / "nowhere") in str(caught.value) and "quotebot index" in str(caught.value)


def test_an_empty_or_half_written_directory_is_not_an_index(tmp_path: Path, sample_index: Path, lexical_settings: IndexSettings) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(IndexMissingError, match="manifest"):
        Searcher.open(tmp_path / "empty", lexical_settings)
    half = tmp_path / "half"
    half.mkdir()
    for name in ("passages.sqlite3",):
        (half / name).write_bytes((version_dir(sample_index) / name).read_bytes())
    with pytest.raises(IndexMissingError, match="never finished"):
        Searcher.open(half, lexical_settings)


def _copy_index(source: Path, target: Path) -> Path:
    import shutil

    shutil.copytree(version_dir(source), target)
    return target


@pytest.mark.parametrize(
    ("damage", "error"),
    [
        (lambda d: (d / "manifest.json").write_text("{not json"), IndexCorruptError),
        (lambda d: (d / "manifest.json").write_text("[]"), IndexCorruptError),
        (lambda d: (d / "passages.sqlite3").write_bytes(b"garbage" * 100), IndexCorruptError),
        (lambda d: (d / "passages.sqlite3").unlink(), IndexCorruptError),
        (lambda d: [p.unlink() for p in (d / "lexical").iterdir()], IndexCorruptError),
        (lambda d: (d / "lexical" / "vocab.json").write_text('{"x": 0}'), IndexCorruptError),
    ],
)
def test_damaged_files_are_reported_clearly(
    tmp_path: Path, sample_index: Path, lexical_settings: IndexSettings, damage: Any, error: type[Exception]
) -> None:
    copy = _copy_index(sample_index, tmp_path / "copy")
    damage(copy)
    with pytest.raises(error) as caught:
        Searcher.open(copy, lexical_settings)
    assert str(copy) in str(caught.value)


def test_another_format_version_asks_for_a_rebuild(tmp_path: Path, sample_index: Path, lexical_settings: IndexSettings) -> None:
    copy = _copy_index(sample_index, tmp_path / "copy")
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["format_version"] = 99
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexVersionError, match=f"quotebot index --index {copy}"):
        Searcher.open(copy, lexical_settings)


def test_asking_for_another_model_than_the_index_was_built_with_is_an_error(sample_index: Path) -> None:
    with pytest.raises(IndexModelError, match="--model /some/model"):
        Searcher.open(sample_index, IndexSettings(model="/some/model", model_explicit=True))
    # Without an explicit choice the index's own setting is used.
    assert Searcher.open(sample_index, IndexSettings()).info.passages > 0


def test_a_dangling_link_is_reported(tmp_path: Path, english_passages: list[Passage], lexical_settings: IndexSettings) -> None:
    import shutil

    build_index(english_passages[:5], tmp_path / "index", lexical_settings)
    shutil.rmtree(version_dir(tmp_path / "index"))
    with pytest.raises(IndexMissingError, match=str(tmp_path / "index")):
        Searcher.open(tmp_path / "index", lexical_settings)


def test_building_over_a_folder_that_is_not_an_index_is_refused(
    tmp_path: Path, english_passages: list[Passage], lexical_settings: IndexSettings
) -> None:
    target = tmp_path / "docs"
    target.mkdir()
    (target / "keep.txt").write_text("precious")
    with pytest.raises(RetrievalError, match="not a quotebot index"):
        build_index(english_passages[:3], target, lexical_settings)
    assert (target / "keep.txt").read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["docs"] and [p.name for p in target.iterdir()] == ["keep.txt"]
