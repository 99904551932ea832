"""`quotebot passages`: passages and report, human-readable or JSON, and the exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.cli_corpus import run_passages


def test_default_is_the_bundled_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_passages([], as_json=False) == 0
    out, err = capsys.readouterr()
    assert out.count("— 提速一體化發展,上合新區有了“新打法” · 2023-06-05 · 大眾網") == 18
    assert "[3] 蓬勃向上的上合新區\n據青島市委常委" in out
    assert "files read: 1, skipped: 0" in err
    assert "passages: 18 from 1 documents" in err
    assert "439 pinyin annotations removed" in err and "5 furniture lines dropped" in err
    assert "unrepaired spots: 1" in err and "shanghe-new-area-2023-06-05.txt:48:" in err


def test_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_passages([], as_json=True) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    passages, report = records[:-1], records[-1]
    assert len(passages) == 18 and all(r["type"] == "passage" for r in passages)
    first = passages[2]
    assert first["heading"] == "蓬勃向上的上合新區" and first["text"].startswith("據青島市委常委")
    assert (first["title"], first["date"], first["source"]) == ("提速一體化發展,上合新區有了“新打法”", "2023-06-05", "大眾網")
    assert first["id"].startswith(first["doc"] + ":") and first["also_cited"] == []
    assert report["type"] == "report" and report["passages"] == 18 and report["failed"] is False
    assert report["repairs"]["pinyin_removed"] == 439 and len(report["unrepaired"]) == 1
    assert err == ""


def test_through_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("停水通知\n\n市北區明天停水。\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\xff" * 100)
    runner = CliRunner()
    result = runner.invoke(main, ["passages", "--json", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout.splitlines()[0])["text"] == "市北區明天停水。"
    assert f"skipped {tmp_path / 'bad.txt'}: binary data" in result.stderr
    assert runner.invoke(main, ["passages", str(tmp_path / "good.txt")]).exit_code == 0
    assert runner.invoke(main, ["passages", str(tmp_path / "bad.txt")]).exit_code == 2


def test_one_line_per_bad_file_and_no_library_chatter(tmp_path: Path) -> None:
    """A real process: trafilatura and pypdf log their own complaints, which must not reach the operator."""
    (tmp_path / "good.txt").write_text("停水通知\n\n市北區明天停水。\n", encoding="utf-8")
    (tmp_path / "junk.html").write_bytes(os.urandom(3000))
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "passages", str(tmp_path)], cwd=repo, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    skipped = [line for line in done.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 2 and all("junk.html" in line or "corrupt.pdf" in line for line in skipped)
    allowed = ("files read:", "passages:", "repairs:", "unrepaired spots:", "skipped ", "file ")
    assert [line for line in done.stderr.splitlines() if not line.startswith(allowed)] == []
    assert [line for line in done.stderr.splitlines() if line.startswith("file ")] == [f"file {tmp_path / 'good.txt'}: txt via text, 1 passages"]
    assert "市北區明天停水。" in done.stdout


def test_the_report_says_file_by_file_what_read_it_and_what_was_left_out(tmp_path: Path) -> None:
    from tests.corpus.test_html import FAQ_PAGE, GAZETTE

    (tmp_path / "faq.html").write_text(FAQ_PAGE, encoding="utf-8")
    (tmp_path / "gazette.html").write_text(GAZETTE, encoding="utf-8")
    (tmp_path / "notice.txt").write_text("停水通知\n\n市北區明天停水。\n\n（完）\n", encoding="utf-8")
    runner = CliRunner()
    human = runner.invoke(main, ["passages", str(tmp_path)])
    assert human.exit_code == 0, human.output
    lines = {line.split(":", 1)[0]: line for line in human.stderr.splitlines() if line.startswith("file ")}
    faq = lines[f"file {tmp_path / 'faq.html'}"]
    assert "html via trafilatura" in faq and "12 link list" in faq and "1 scan to open on phone" in faq
    assert "html via text-density fallback" in lines[f"file {tmp_path / 'gazette.html'}"]
    assert lines[f"file {tmp_path / 'notice.txt'}"].endswith("txt via text, 1 passages; dropped 1 end mark")

    as_json = runner.invoke(main, ["passages", "--json", str(tmp_path)])
    report = json.loads(as_json.stdout.splitlines()[-1])
    files = {Path(f["path"]).name: f for f in report["files"]}
    assert files["faq.html"]["extractor"] == "trafilatura" and files["faq.html"]["dropped"]["link list"] == 12
    assert files["gazette.html"]["extractor"] == "text-density fallback"
    assert set(files["notice.txt"]) == {"path", "format", "extractor", "passages", "dropped", "mapped", "warnings"}


def test_a_warning_is_shown_on_its_file_line(tmp_path: Path) -> None:
    (tmp_path / "notice.txt").write_text("停水通知\n\n市北區明天停水。\n", encoding="utf-8")
    (tmp_path / "notice.meta.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["passages", str(tmp_path)])
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("file ")]
    assert "warnings: sidecar notice.meta.json ignored" in line
    assert not [line for line in result.stderr.splitlines() if line.startswith("warning ")]  # said once, on the file's line
