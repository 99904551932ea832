"""Staff uploads: hostile names never reach the file system as given; size and type limits hold."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ingest import ALLOWED_SUFFIXES, UploadRefused, check_size, safe_stored_name, save_upload, upload_suffix
from retrieval.layout import version_dir


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.txt",
        "..\\..\\windows\\system32\\x.md",
        "/abs/path/report.pdf",
        "..txt",
        "a\x00b\x1b[31m.txt",
        "\u202eevil\u202d.txt",
        "....html",
        "CON.docx",
        "报告 2023（终稿）.PDF",
    ],
)
def test_hostile_names_become_plain_names_inside_the_folder(tmp_path: Path, name: str) -> None:
    docs = tmp_path / "docs"
    saved = save_upload(b"some text", name, docs, max_bytes=1000)
    assert saved.path.parent == docs
    stored = saved.path.name
    assert "/" not in stored and "\\" not in stored and ".." not in stored
    assert not stored.startswith(".")
    assert all(ch.isprintable() for ch in stored)
    assert stored.endswith(Path(stored).suffix) and Path(stored).suffix in ALLOWED_SUFFIXES
    assert sorted(p.name for p in docs.iterdir()) == [stored]  # no temp file left behind


def test_readable_stem_is_kept() -> None:
    assert safe_stored_name("报告 2023（终稿）.PDF", b"x").startswith("报告-2023-终稿-")
    assert safe_stored_name("报告 2023（终稿）.PDF", b"x").endswith(".pdf")


def test_same_content_is_recognised_and_different_content_never_overwrites(tmp_path: Path) -> None:
    first = save_upload(b"version one", "notice.txt", tmp_path, 1000)
    again = save_upload(b"version one", "notice.txt", tmp_path, 1000)
    second = save_upload(b"version two", "notice.txt", tmp_path, 1000)
    assert again.already_present and again.path == first.path
    assert not second.already_present and second.path != first.path
    assert first.path.read_bytes() == b"version one"


@pytest.mark.parametrize("name", ["virus.exe", "archive.tar.gz", "noextension", "", None, "photo.jpg"])
def test_unreadable_types_are_refused_with_the_reason(name: str | None) -> None:
    with pytest.raises(UploadRefused, match="not a type I can read"):
        upload_suffix(name)


def test_size_limits(tmp_path: Path) -> None:
    with pytest.raises(UploadRefused, match="limit is 10 bytes"):
        check_size(11, 10)
    with pytest.raises(UploadRefused, match="empty"):
        save_upload(b"", "a.txt", tmp_path, 10)
    with pytest.raises(UploadRefused, match="limit"):
        save_upload(b"x" * 11, "a.txt", tmp_path, 10)
    check_size(None, 10)  # unknown until downloaded
    assert not any(tmp_path.iterdir())


@settings(max_examples=200, deadline=None)
@given(stem=st.text(min_size=0, max_size=300), suffix=st.sampled_from(ALLOWED_SUFFIXES))
def test_any_name_gives_a_safe_name(stem: str, suffix: str) -> None:
    stored = safe_stored_name(stem + suffix, b"content")
    assert os.sep not in stored and "/" not in stored and "\\" not in stored
    assert ".." not in stored and not stored.startswith((".", "-"))
    assert all(ch.isprintable() and not ch.isspace() for ch in stored)
    assert stored.endswith(suffix)
    assert len(stored) <= 60 + 1 + 10 + len(suffix)


def test_an_upload_grows_a_dense_index_with_its_own_encoder(tmp_path: Path, minilm_path: Path) -> None:
    """Whatever model the bot's settings name, an upload embeds with the encoder the index's vectors came from."""
    import json

    from bot.ingest import add_to_index
    from corpus.pipeline import build_passages
    from retrieval.build import build_index
    from retrieval.config import IndexSettings

    first, second = tmp_path / "library.txt", tmp_path / "pool.txt"
    first.write_text("City library hours\n\nThe central library opens at nine and closes at nine in the evening.\n", encoding="utf-8")
    second.write_text("Swimming pool fees\n\nA single swim at the municipal pool costs twenty yuan for adults.\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index(build_passages([first]).passages, index_dir, IndexSettings(model=str(minilm_path), model_explicit=True, progress=False))

    report = add_to_index(IndexSettings(progress=False), index_dir, [second])  # the bot's default settings
    manifest = json.loads((version_dir(index_dir) / "manifest.json").read_text(encoding="utf-8"))
    assert report.added_passages == 1 and report.passages == 2
    assert manifest["dense_enabled"] and manifest["model"] == str(minilm_path)
