"""Every bad input of issue 2 gets one clear line naming the file; the good files beside it are still used."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from bot.cli_corpus import run_passages
from corpus.errors import SkipFile
from corpus.pipeline import build_passages
from corpus.readers import check_zip
from tests.corpus.conftest import ENGLISH_PARAGRAPHS, SAMPLE, write_docx, write_pdf, write_scanned_pdf

GOOD_TEXT = "垃圾分類指南\n\n2024-03-01 來源:市城管局\n\n廢紙、塑料瓶和玻璃屬於可回收物,請投入藍色垃圾桶。\n"


def _zip_bomb(path: Path, megabytes: int) -> Path:
    """A .docx-named zip whose document.xml is `megabytes` of zeros: a few kilobytes on disk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            for _ in range(megabytes):
                member.write(b"\0" * 2**20)
    return path


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    """Good documents next to every kind of bad input the issue lists."""
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "sub" / "sample.txt").write_bytes(SAMPLE.read_bytes())
    write_docx(folder / "good.docx", "停車證辦理指南", [("申請條件", ["本市戶籍居民可以在網上申請停車證。"])])
    write_pdf(folder / "good.pdf", "City Recycling Rules", ENGLISH_PARAGRAPHS)

    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text(" \n\u3000\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(4000))
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 2**20)  # 50 MB, sparse: the size check must refuse it without reading it
    os.mkfifo(folder / "pipe.txt")  # reading it would block forever
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    (folder / "junk.html").write_bytes(os.urandom(3000))
    _zip_bomb(folder / "bomb.docx", 5)
    (folder / "fake.docx").write_text("this is not a zip archive", encoding="utf-8")
    write_scanned_pdf(folder / "scan.pdf")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(100))
    return folder


EXPECTED_REASONS = {
    "empty.txt": "empty file",
    "blank.md": "empty file (only whitespace)",
    "binary.txt": "binary data",
    "huge.txt": "too large: 50.0 MB (limit 20 MB)",
    "pipe.txt": "not a regular file: a FIFO",
    "dangling.txt": "broken symbolic link",
    "junk.html": "no article text found in the HTML",
    "bomb.docx": "looks like a zip bomb",
    "fake.docx": "not a Word .docx file (not a zip archive)",
    "scan.pdf": "no text layer (scanned?)",
    "corrupt.pdf": "not a readable PDF",
    "photo.jpg": "unsupported file type '.jpg'",
}


def test_each_bad_file_has_its_reason_and_the_good_ones_are_used(mixed_folder: Path) -> None:
    result = build_passages([mixed_folder])
    reasons = {Path(s.path).name: s.reason for s in result.report.skipped}
    assert set(reasons) == set(EXPECTED_REASONS)
    for name, expected in EXPECTED_REASONS.items():
        assert reasons[name].startswith(expected), (name, reasons[name])
        assert "\n" not in reasons[name]
    assert sorted(Path(d.path).name for d in result.documents) == ["good.docx", "good.pdf", "good.txt", "sample.txt"]
    assert result.report.files_read == 4 and result.report.failed
    texts = [p.text for p in result.passages]
    assert "廢紙、塑料瓶和玻璃屬於可回收物,請投入藍色垃圾桶。" in texts
    assert "本市戶籍居民可以在網上申請停車證。" in texts
    assert ENGLISH_PARAGRAPHS[1] in texts
    assert len([p for p in result.passages if p.cite.title.startswith("提速")]) == 18


def test_command_exit_status_and_one_line_per_bad_file(mixed_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = run_passages([mixed_folder], as_json=False)
    out, err = capsys.readouterr()
    assert status == 1  # some files skipped, passages produced
    assert "Traceback" not in out + err
    for name, expected in EXPECTED_REASONS.items():
        (line,) = [line for line in err.splitlines() if line.startswith("skipped ") and line.split(":")[0].endswith(name)]
        assert expected in line


def test_nothing_usable_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert run_passages([tmp_path, tmp_path / "missing-folder"], as_json=True) == 2
    err = capsys.readouterr().err
    assert "empty.txt: empty file" in err and "missing-folder: no such file or folder" in err


def test_unreadable_file(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD_TEXT, encoding="utf-8")
    locked.chmod(0)
    try:
        try:
            locked.open("rb").close()
        except PermissionError:
            pass
        else:
            pytest.skip("chmod 000 does not stop this user from reading (root); the FIFO and broken link cover unreadable files")
        result = build_passages([tmp_path])
    finally:
        locked.chmod(0o644)
    (skipped,) = result.report.skipped
    assert skipped.reason == "cannot read: Permission denied"


def test_a_zip_bomb_by_total_size_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = _zip_bomb(tmp_path / "big.docx", 210).read_bytes()
    assert len(bomb) < 2**20
    with pytest.raises(SkipFile, match="would unpack to 210 MB"):
        check_zip(bomb)


def test_a_zip_that_is_not_word(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(SkipFile, match=r"without word/document\.xml"):
        check_zip(buffer.getvalue())


def test_broken_html_keeps_what_can_be_read(tmp_path: Path) -> None:
    (tmp_path / "cut.html").write_text(
        "<html><head><title>停水通知</title></head><body><div><p>因管網維修,6月10日8時至18時,市北區部分路段停水。<p>請居民提前做好儲水準備。<div",
        encoding="utf-8",
    )
    result = build_passages([tmp_path])
    assert not result.report.skipped
    assert [p.text for p in result.passages] == ["因管網維修,6月10日8時至18時,市北區部分路段停水。", "請居民提前做好儲水準備。"]
    assert result.documents[0].title == "停水通知"


def test_unexpected_encodings(tmp_path: Path) -> None:
    """UTF-16 without a byte-order mark is found; EBCDIC is decoded too, with a warning to check it."""
    (tmp_path / "utf16.txt").write_bytes(GOOD_TEXT.encode("utf-16-le"))
    (tmp_path / "ebcdic.txt").write_bytes(("Water supply notice\n\n" + ENGLISH_PARAGRAPHS[0] + "\n").encode("cp037"))
    result = build_passages([tmp_path])
    assert not result.report.failed
    texts = [p.text for p in result.passages]
    assert "廢紙、塑料瓶和玻璃屬於可回收物,請投入藍色垃圾桶。" in texts and ENGLISH_PARAGRAPHS[0] in texts
    (warning,) = result.report.warnings
    assert warning.path.endswith("ebcdic.txt") and "unusual encoding" in warning.reason and "cp037" in warning.reason


def test_a_folder_with_thousands_of_files_is_fast(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    for i in range(2000):
        sub = folder / f"d{i // 200:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        body = f"第{i}號通知:市北區第{i}段道路將於6月{i % 28 + 1}日施工,請繞行。"
        (sub / f"notice-{i:04d}.txt").write_text(f"施工通知 {i}\n\n{body}\n", encoding="utf-8")
    (folder / "d00" / "broken.txt").write_bytes(b"\x00\x01\x02" * 500)
    start = time.perf_counter()
    result = build_passages([folder])
    seconds = time.perf_counter() - start
    print(f"\n2,001 files (one bad) in {seconds:.2f} s")
    assert result.report.files_read == 2000 and len(result.passages) == 2000
    assert [Path(s.path).name for s in result.report.skipped] == ["broken.txt"]
    assert len({d.id for d in result.documents}) == 2000
    assert seconds < 30  # about 1.5 s measured on 2 cores; generous for a busy CI machine


def test_a_stray_byte_in_utf8_damages_one_spot_not_the_file(tmp_path: Path) -> None:
    data = SAMPLE.read_bytes()
    cut = data.index("上合策源、臨空支持".encode())
    (tmp_path / "stray.txt").write_bytes(data[:cut] + b"\xe9" + data[cut:])  # one Latin-1 byte in UTF-8
    result = build_passages([tmp_path])
    assert not result.report.failed and len(result.passages) == 18
    (warning,) = result.report.warnings
    assert "1 undecodable byte" in warning.reason
    kinds = {spot.kind.split(" (")[0] for spot in result.report.unrepaired}
    assert "replacement character U+FFFD" in kinds and len(result.report.unrepaired) == 2
