"""Plain-text files: a typed table of contents is left out, everything else is kept line for line."""

from __future__ import annotations

from pathlib import Path

from corpus.pipeline import build_passages
from corpus.readers import read_text
from corpus.readers.toc import table_of_contents

LAW = (
    "\ufeff中华人民共和国居民身份证法\r\n\r\n"
    "目\u3000\u3000录\r\n"
    "第一章\u3000总\u3000\u3000则\r\n"
    "第二章\u3000申领和发放\r\n"
    "第三章\u3000附\u3000\u3000则\r\n\r\n"
    "第一章\u3000总\u3000\u3000则\r\n\r\n"
    "第一条\u3000为了证明居住在中华人民共和国境内的公民的身份，制定本法。\r\n\r\n"
    "第二章\u3000申领和发放\r\n\r\n"
    "第五条\u3000十六周岁以上公民的居民身份证的有效期为十年、二十年、长期。\r\n\r\n"
    "第三章\u3000附\u3000\u3000则\r\n\r\n"
    "第二十三条\u3000本法自2004年1月1日起施行。\r\n"
)


def test_table_of_contents_that_repeats_the_chapter_headings_is_left_out(tmp_path: Path) -> None:
    extracted = read_text(LAW.encode("utf-8"))
    assert extracted.dropped == {"table of contents": 4} and extracted.extractor == "text"
    assert "目\u3000\u3000录" not in extracted.text
    assert extracted.text.count("第二章\u3000申领和发放") == 1  # the chapter heading itself stays
    assert extracted.text.count("\n") == LAW.count("\n")  # line numbers stay
    (tmp_path / "law.txt").write_text(LAW, encoding="utf-8")
    result = build_passages([tmp_path])
    texts = [p.text for p in result.passages]
    assert "第五条\u3000十六周岁以上公民的居民身份证的有效期为十年、二十年、长期。" in texts
    assert not [t for t in texts + [p.heading or "" for p in result.passages] if "目\u3000\u3000录" in t or "总\u3000\u3000则第二章" in t]


def test_table_of_contents_with_dot_leaders_and_page_numbers() -> None:
    lines = ["目录", "一、申请条件……………… 1", "二、办理流程.......... 3", "三、收费标准 5", "", "一、申请条件", "本市户籍居民。"]
    assert table_of_contents(lines) == [(0, 3)]


def test_a_contents_line_without_entries_stays() -> None:
    lines = ["目录", "本手册介绍停车证的办理流程。", "一、申请条件"]
    assert table_of_contents(lines) == []
    assert read_text("\n".join(lines).encode("utf-8")).dropped == {}


def test_bom_and_crlf_text_still_reads(tmp_path: Path) -> None:
    (tmp_path / "notice.txt").write_bytes("\ufeff停水通知\r\n\r\n明天上午八点到下午六点停水。\r\n".encode())
    result = build_passages([tmp_path])
    assert [p.text for p in result.passages] == ["明天上午八点到下午六点停水。"]
    assert result.documents[0].title == "停水通知"
