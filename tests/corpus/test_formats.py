"""Each format and encoding the issue names, read from real files made at test time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.pipeline import build_passages
from tests.corpus.conftest import ENGLISH_PARAGRAPHS, NEWS_HTML, SAMPLE, write_docx, write_pdf

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")


def _texts(folder: Path) -> list[str]:
    result = build_passages([folder])
    assert not result.report.skipped, result.report.skipped
    return [p.text for p in result.passages]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_the_sample_in_other_encodings_gives_the_same_passages(tmp_path: Path, encoding: str) -> None:
    (tmp_path / f"sample-{encoding}.txt").write_bytes(SAMPLE_TEXT.encode(encoding))
    assert _texts(tmp_path) == [p.text for p in build_passages([SAMPLE]).passages]


def test_big5(tmp_path: Path) -> None:
    # Big5 has no tone-marked letters, so the article goes in with its annotations already out.
    reference = build_passages([SAMPLE]).passages
    lines = [reference[0].cite.title, "", "2023-06-05 17:03 來源:大眾網", ""] + [p.text + "\n" for p in reference]
    (tmp_path / "big5.txt").write_bytes("\n".join(lines).encode("cp950"))  # Big5 as Windows writes it (墻 is an extension)
    assert _texts(tmp_path) == [p.text for p in reference]


def test_word_file(tmp_path: Path) -> None:
    write_docx(
        tmp_path / "permits.docx",
        "停車證辦理指南",
        [("申請條件", ["本市戶籍居民可以在網上申請停車證。", "每戶最多申請兩張。"]), ("收費標準", ["每年收費三百元。"])],
    )
    result = build_passages([tmp_path])
    (document,) = result.documents
    assert (document.title, document.headings, document.format) == ("停車證辦理指南", ("申請條件", "收費標準"), "docx")
    assert [(p.heading, p.text) for p in result.passages] == [
        ("申請條件", "本市戶籍居民可以在網上申請停車證。"),
        ("申請條件", "每戶最多申請兩張。"),
        ("收費標準", "每年收費三百元。"),
    ]


def test_word_table_rows_are_kept(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("收費標準如下。")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "區域", (0, 1): "年費", (1, 0): "市南區", (1, 1): "三百元"}.items():
        table.cell(r, c).text = text
    document.save(str(tmp_path / "fees.docx"))
    # Two columns and nothing marks the first row as a header: each row reads as a label and its value, each row
    # whole, and the table in one passage with the short line above it (alone, each would be a fragment).
    assert _texts(tmp_path)[-1] == "收費標準如下。\n區域: 年費\n市南區: 三百元"


def test_pdf_text_layer(tmp_path: Path) -> None:
    write_pdf(tmp_path / "recycling.pdf", "City Recycling Rules", ENGLISH_PARAGRAPHS)
    result = build_passages([tmp_path])
    (document,) = result.documents
    assert (document.title, document.format) == ("City Recycling Rules", "pdf")
    # The PDF wraps lines at its margin; the paragraphs come back whole.
    assert [p.text for p in result.passages] == list(ENGLISH_PARAGRAPHS)


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_news_page(tmp_path: Path, charset: str) -> None:
    (tmp_path / "elevator.html").write_bytes(NEWS_HTML.format(charset=charset).replace("©", "(c)").encode(charset))
    result = build_passages([tmp_path])
    (document,) = result.documents
    assert document.title == "老旧小区加装电梯补贴标准公布"
    assert (document.date, document.source, document.url) == ("2023-07-14", "青岛新闻网", "https://news.example.cn/2023/0714/elevator.html")
    assert document.headings == ("哪些小区可以申请", "补贴怎么发放")
    texts = [p.text for p in result.passages]
    assert len(texts) == 4 and texts[0].startswith("7月14日")
    assert not [t for t in texts if "分享到" in t or "版权所有" in t or "首页" in t]
    assert [p.heading for p in result.passages] == [None, "哪些小区可以申请", "哪些小区可以申请", "补贴怎么发放"]


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    (tmp_path / "faq.md").write_text(
        "---\ntitle: 垃圾分類問答\ndate: 2024-03-01\nsource: 市城管局\n---\n\n## 可回收物\n\n廢紙和**玻璃**屬於[可回收物](https://example.cn/a)。\n",
        encoding="utf-8",
    )
    result = build_passages([tmp_path])
    (document,) = result.documents
    assert (document.title, document.date, document.source) == ("垃圾分類問答", "2024-03-01", "市城管局")
    (passage,) = result.passages
    assert (passage.heading, passage.text) == ("可回收物", "廢紙和玻璃屬於可回收物。")


def test_sidecar_overrides_what_was_extracted(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_bytes(SAMPLE.read_bytes())
    sidecar = {"url": "https://www.dzwww.com/example", "source": "大众网", "title": "上合新区有了新打法", "date": "2023-06-06"}
    (tmp_path / "article.txt.meta.json").write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
    result = build_passages([tmp_path])
    assert result.report.ignored == 1  # the sidecar is not a document
    cite = result.passages[0].cite
    assert (cite.url, cite.source, cite.title, cite.date) == (sidecar["url"], "大众网", "上合新区有了新打法", "2023-06-06")


def test_broken_sidecar_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "article.meta.json").write_text("{not json", encoding="utf-8")
    result = build_passages([tmp_path])
    assert not result.report.failed and len(result.passages) == 18
    (warning,) = result.report.warnings
    assert warning.path.endswith("article.txt") and "sidecar article.meta.json ignored" in warning.reason


def test_hard_wrapped_text_file_is_unwrapped(tmp_path: Path) -> None:
    wrapped = "Water supply notice\n\n" + "\n".join(
        [
            "Because of pipe repairs, the water supply in the northern district will be",
            "interrupted on Saturday from 8 am to 6 pm. Residents are asked to store water",
            "in advance and to keep taps closed during the works.",
        ]
    )
    (tmp_path / "notice.txt").write_text(wrapped, encoding="utf-8")
    assert _texts(tmp_path) == [
        "Because of pipe repairs, the water supply in the northern district will be interrupted on Saturday from "
        "8 am to 6 pm. Residents are asked to store water in advance and to keep taps closed during the works."
    ]
