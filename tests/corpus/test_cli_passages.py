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
    allowed = ("files read:", "passages:", "repairs:", "unrepaired spots:", "skipped ")
    assert [line for line in done.stderr.splitlines() if not line.startswith(allowed)] == []
    assert "市北區明天停水。" in done.stdout
