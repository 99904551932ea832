"""The index directory holds everything (versions, lock, caches): `rm -rf DIR` removes it all; older layouts are
still read and moved once; the previous version is kept for rollback; a Searcher keeps its version to the end."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from corpus.model import Passage
from retrieval import layout
from retrieval.build import build_index
from retrieval.config import IndexSettings
from retrieval.errors import RetrievalError
from retrieval.layout import version_dir, versions
from retrieval.search import Searcher
from tests.retrieval.conftest import HASHED, HashingEncoder

QUESTION = "When does the Central Library close on weekdays?"


def _build(passages: list[Passage], index_dir: Path):  # type: ignore[no-untyped-def]
    """A dense build (the hashing encoder) so that the embedding cache is written too."""
    return build_index(passages, index_dir, HASHED, encoder=HashingEncoder())


def _open(index_dir: Path) -> Searcher:
    return Searcher.open(index_dir, HASHED, encoder=HashingEncoder())


def test_everything_of_an_index_lives_inside_its_directory(tmp_path: Path, english_passages: list[Passage]) -> None:
    index_dir = tmp_path / "index"
    _build(english_passages[:20], index_dir)
    _build(english_passages, index_dir)
    assert [p.name for p in tmp_path.iterdir()] == ["index"]  # no hidden siblings
    names = sorted(p.name for p in index_dir.iterdir())
    assert names == sorted(["current", "lock", "terms.sqlite3", "embeddings.sqlite3", *(v.name for v in versions(index_dir))])
    assert (index_dir / "current").is_symlink() and not os.readlink(index_dir / "current").startswith("/")  # relative: a copy works
    assert _open(index_dir).info.passages == len(english_passages)
    shutil.rmtree(index_dir)
    assert list(tmp_path.iterdir()) == []


def test_a_copy_of_the_directory_is_a_working_index(tmp_path: Path, english_passages: list[Passage]) -> None:
    _build(english_passages[:12], tmp_path / "index")
    shutil.copytree(tmp_path / "index", tmp_path / "copy", symlinks=True)
    shutil.rmtree(tmp_path / "index")
    assert _open(tmp_path / "copy").info.passages == 12


def test_the_previous_version_is_kept_and_older_ones_removed(tmp_path: Path, english_passages: list[Passage]) -> None:
    index_dir = tmp_path / "index"
    for size in (10, 20, 30, 40):
        _build(english_passages[:size], index_dir)
    kept = versions(index_dir)
    assert len(kept) == 2 and kept[-1] == version_dir(index_dir)
    assert Searcher.open(kept[0], HASHED, encoder=HashingEncoder()).info.passages == 30  # the previous build


def test_rollback_serves_the_previous_version_and_back_again(tmp_path: Path, english_passages: list[Passage]) -> None:
    index_dir = tmp_path / "index"
    _build(english_passages[:10], index_dir)
    with pytest.raises(RetrievalError, match="no previous version"):
        layout.rollback(index_dir)
    _build(english_passages[:20], index_dir)
    layout.rollback(index_dir)
    assert _open(index_dir).info.passages == 10
    layout.rollback(index_dir)
    assert _open(index_dir).info.passages == 20
    _build(english_passages[:30], index_dir)  # a build after a rollback keeps the version that was serving
    assert [_open_version(v) for v in versions(index_dir)] == [20, 30]


def _open_version(version: Path) -> int:
    return Searcher.open(version, HASHED, encoder=HashingEncoder()).info.passages


def _to_linked_layout(index_dir: Path) -> Path:
    """Rearrange an index into the layout quotebot wrote before: DIR a link to `.DIR.v<time>` beside it, caches and lock beside it."""
    parent, name = index_dir.parent, index_dir.name
    serving = version_dir(index_dir)
    old = parent / f".{name}.{serving.name}"
    os.rename(serving, old)
    for version in versions(index_dir):  # the previous version, kept beside it too
        os.rename(version, parent / f".{name}.{version.name}")
    os.rename(index_dir / "terms.sqlite3", parent / f".{name}.terms.sqlite3")
    os.rename(index_dir / "embeddings.sqlite3", parent / f".{name}.embeddings.sqlite3")
    shutil.rmtree(index_dir)
    (parent / f".{name}.lock").touch()
    os.symlink(old.name, index_dir)
    return old


def test_an_index_of_the_older_layout_is_read_then_moved_inside_once_with_a_message(
    tmp_path: Path, english_passages: list[Passage], caplog: pytest.LogCaptureFixture
) -> None:
    index_dir = tmp_path / "index"
    _build(english_passages[:20], index_dir)
    _build(english_passages[:30], index_dir)
    _to_linked_layout(index_dir)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".index.embeddings.sqlite3", ".index.lock", ".index.terms.sqlite3", "index", *(p.name for p in tmp_path.glob(".index.v*"))]
    )
    old_reader = _open(index_dir)  # read as it is
    before = old_reader.search(QUESTION)
    assert old_reader.info.passages == 30

    with caplog.at_level(logging.WARNING, logger="retrieval.layout"):
        report = _build(english_passages, index_dir)
    moved = [r.getMessage() for r in caplog.records if "older layout" in r.getMessage()]
    assert len(moved) == 1 and str(index_dir) in moved[0]
    assert report.reused == 30  # the embedding cache came along
    assert [p.name for p in tmp_path.iterdir()] == ["index"] and not index_dir.is_symlink()
    assert [_open_version(v) for v in versions(index_dir)] == [30, 40]  # the old serving version is the previous one
    assert old_reader.search(QUESTION) == before  # a Searcher opened before the move keeps answering

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="retrieval.layout"):
        _build(english_passages[:5], index_dir)
    assert not [r for r in caplog.records if r.name == "retrieval.layout"]  # once


def test_a_directory_holding_one_versions_files_is_read_then_moved_into_a_version(
    tmp_path: Path, english_passages: list[Passage], caplog: pytest.LogCaptureFixture
) -> None:
    _build(english_passages[:15], tmp_path / "built")
    flat = tmp_path / "index"
    shutil.copytree(version_dir(tmp_path / "built"), flat)  # what `cp -rL` of an index gives
    assert _open(flat).info.passages == 15
    with caplog.at_level(logging.WARNING, logger="retrieval.layout"):
        _build(english_passages[:25], flat)
    assert any("one version's files" in r.getMessage() for r in caplog.records)
    assert not (flat / "manifest.json").exists() and [_open_version(v) for v in versions(flat)] == [15, 25]


def test_a_link_to_an_index_elsewhere_is_used_as_it_is(tmp_path: Path, english_passages: list[Passage]) -> None:
    (tmp_path / "disk").mkdir()
    _build(english_passages[:10], tmp_path / "disk" / "index")
    os.symlink(tmp_path / "disk" / "index", tmp_path / "index")
    _build(english_passages[:20], tmp_path / "index")
    assert (tmp_path / "index").is_symlink() and _open(tmp_path / "index").info.passages == 20
    assert len(versions(tmp_path / "disk" / "index")) == 2


def test_a_link_to_a_folder_that_is_not_an_index_is_refused(tmp_path: Path, english_passages: list[Passage]) -> None:
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "notice.txt").write_text("precious")
    os.symlink(tmp_path / "documents", tmp_path / "index")
    with pytest.raises(RetrievalError, match="not a quotebot index"):
        _build(english_passages[:5], tmp_path / "index")
    assert [p.name for p in (tmp_path / "documents").iterdir()] == ["notice.txt"]


def test_a_searcher_keeps_its_version_while_builds_swap_others_in(tmp_path: Path, english_passages: list[Passage]) -> None:
    index_dir = tmp_path / "index"
    _build(english_passages[:20], index_dir)
    reader = _open(index_dir)
    before = reader.search(QUESTION)
    first = version_dir(index_dir)
    _build(english_passages, index_dir)
    _build(english_passages[:5], index_dir)
    assert not first.exists()  # removed: two builds later it is neither current nor previous
    assert reader.search(QUESTION) == before and reader.info.passages == 20
    assert _open(index_dir).info.passages == 5


def test_a_failed_first_build_leaves_no_directory(tmp_path: Path, english_passages: list[Passage]) -> None:
    class Broken:
        def encode(self, sentences: list[str], **kwargs: object) -> None:
            raise RuntimeError("the encoder broke (injected)")

    with pytest.raises(RuntimeError, match="injected"):
        build_index(english_passages[:5], tmp_path / "index", HASHED, encoder=Broken())  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
    # A failed rebuild keeps the directory and the index in it.
    _build(english_passages[:5], tmp_path / "index")
    with pytest.raises(RuntimeError, match="injected"):
        build_index(english_passages, tmp_path / "index", HASHED, encoder=Broken())  # type: ignore[arg-type]
    assert _open(tmp_path / "index").info.passages == 5


def test_a_lexical_index_needs_no_embedding_cache(tmp_path: Path, english_passages: list[Passage]) -> None:
    build_index(english_passages[:5], tmp_path / "index", IndexSettings(model="none", progress=False))
    assert not (tmp_path / "index" / "embeddings.sqlite3").exists() and (tmp_path / "index" / "terms.sqlite3").is_file()
