"""The Markdown reader on hand-made files shaped like the ones cities and news sites publish."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from corpus.pipeline import build_passages
from corpus.readers import read_markdown
from corpus.readers.markdown_source import reader_tool_header, without_shortcodes
from corpus.readers.text import front_matter

NEWS = """---
title: "立法會通過垃圾徵費　設18個月準備期"
date: "2021-08-26"
author: "實習記者張樂樂"
tags:
  - "垃圾徵費"
  - "環境局"
url: "https://news.example.hk/article/44792"
---

# 立法會通過垃圾徵費　設18個月準備期

{{< video src="//www.youtube.com/embed/abc" >}}

立法會今日恢復《廢物處置條例草案》二讀，終以37票贊成、一票反對獲三讀通過。

<figure>
<img src="https://news.example.hk/2021/08/bags.jpg" alt="">
<figcaption>指定垃圾袋。資料圖片</figcaption>
</figure>

### 實施後市民須購指定垃圾袋

住宅樓宇的住客須購買<span class="hl">指定垃圾袋</span>，價錢如下：

| 容量 | 價錢 |
| --- | --- |
| 10公升 | 0.8元 |
| 15公升 | 1.1元 |

指定垃圾袋可在以下地點購買：

- 超級市場
- 便利店

<!-- INFO END -->

---

請加入成為本報的月費訂戶，長期支持我們的工作。

月費訂戶 [網址：news.example.hk/subscribe](https://news.example.hk/subscribe)
"""


def test_news_article_with_front_matter_html_shortcode_and_table() -> None:
    extracted = read_markdown(NEWS.encode("utf-8"))
    meta = extracted.metadata
    assert (meta["title"], meta["date"], meta["byline"], meta["url"]) == (
        "立法會通過垃圾徵費\u3000設18個月準備期", "2021-08-26", "實習記者張樂樂", "https://news.example.hk/article/44792")
    assert extracted.text.split("\n\n") == [
        "立法會通過垃圾徵費\u3000設18個月準備期",
        "立法會今日恢復《廢物處置條例草案》二讀，終以37票贊成、一票反對獲三讀通過。",
        "指定垃圾袋。資料圖片",  # the figure's caption; its image is left out
        "實施後市民須購指定垃圾袋",
        "住宅樓宇的住客須購買指定垃圾袋，價錢如下：",
        "容量: 10公升; 價錢: 0.8元",
        "容量: 15公升; 價錢: 1.1元",
        "指定垃圾袋可在以下地點購買：",
        "• 超級市場",
        "• 便利店",
    ]
    assert meta["rows"] == "容量: 10公升; 價錢: 0.8元\n容量: 15公升; 價錢: 1.1元"
    assert meta["headings"] == "立法會通過垃圾徵費\u3000設18個月準備期\n實施後市民須購指定垃圾袋"
    assert extracted.extractor == "markdown-it-py"
    assert extracted.dropped == {"shortcode": 1, "image": 1, "inline html": 2, "html comment": 1, "sign-off after the last rule": 2}


def test_news_article_through_the_pipeline(tmp_path: Path) -> None:
    (tmp_path / "news.md").write_text(NEWS, encoding="utf-8")
    result = build_passages([tmp_path])
    texts = " ".join(p.text + (p.heading or "") for p in result.passages)
    for left_out in ("{{<", "<img", "<figure", "INFO END", "訂戶", "subscribe", "|", "---"):
        assert left_out not in texts
    (document,) = result.documents
    assert (document.title, document.date) == ("立法會通過垃圾徵費\u3000設18個月準備期", "2021-08-26")
    (file_report,) = result.report.files
    assert file_report.extractor == "markdown-it-py" and file_report.dropped["shortcode"] == 1


def test_soft_line_breaks_join_without_a_space_in_chinese_and_with_one_in_english() -> None:
    text = "第十四条 非机动车的所有人应当自购车之日起\n十五日内申请登记上牌。\n\nResidents must register\nwithin fifteen days."
    assert read_markdown(text.encode("utf-8")).text.split("\n\n") == [
        "第十四条 非机动车的所有人应当自购车之日起十五日内申请登记上牌。",
        "Residents must register within fifteen days.",
    ]


def test_zero_width_paragraphs_are_empty_and_invisible_characters_go() -> None:
    text = "# 条例\n\n\u200b\n\n\u200b\n\n第一条 为了\u200b规范管理，制定本条例。\n"
    extracted = read_markdown(text.encode("utf-8"))
    assert extracted.text.split("\n\n") == ["条例", "第一条 为了规范管理，制定本条例。"]
    assert extracted.dropped == {"empty paragraph": 2}


def test_reader_tool_header_is_metadata_and_link_bars_go() -> None:
    page = (
        "Title: 天河区推进家庭医生签约服务\n\nURL Source: http://www.example.gov.cn/post_1.html\n\n"
        "Published Time: 2025-03-28T16:55:56+08:00\n\nMarkdown Content:\n"
        "[无障碍阅读](javascript:void(0);)[繁体版](javascript:void(0);)[English](http://en.example.gov.cn/)\n\n"
        "*   [**首页**_Home_](http://www.example.gov.cn/)\n*   [**动态**_News_](http://www.example.gov.cn/news/)\n\n"
        "# 您当前所在的位置：[首页](http://www.example.gov.cn/)>[动态](http://www.example.gov.cn/news/)\n\n"
        "# 天河区推进家庭医生签约服务\n\n![Image 2](http://www.example.gov.cn/photo.jpg)\n\n"
        "会上，与会人员集中学习了家庭医生签约服务的十项措施。\n\n"
        "![Image 4](http://www.example.gov.cn/qr.png)手机版\n\n[打印](javascript:window.print();)[关闭](javascript:void(0);)\n"
    )
    extracted = read_markdown(page.encode("utf-8"))
    meta = extracted.metadata
    assert (meta["title"], meta["url"], meta["date"]) == (
        "天河区推进家庭医生签约服务", "http://www.example.gov.cn/post_1.html", "2025-03-28T16:55:56+08:00")
    assert extracted.text.split("\n\n") == ["天河区推进家庭医生签约服务", "会上，与会人员集中学习了家庭医生签约服务的十项措施。"]
    assert extracted.dropped == {"reader-tool header": 4, "script link": 4, "navigation links": 4, "image": 2, "image label": 1}


def test_a_paragraph_with_a_link_or_two_in_its_sentence_stays() -> None:
    text = "申请表可在[市政府网站](https://example.gov.cn/form)下载，填好后交到[街道办事处](https://example.gov.cn/office)窗口办理。"
    assert read_markdown(text.encode("utf-8")).text == "申请表可在市政府网站下载，填好后交到街道办事处窗口办理。"


def test_lists_keep_their_markers_and_nesting_is_flattened() -> None:
    text = "申请人应当提交：\n\n3. 身份证；\n4. 户口簿：\n   - 原件\n   - 复印件\n\n1) 第一项\n"
    assert read_markdown(text.encode("utf-8")).text.split("\n\n") == [
        "申请人应当提交：", "3.身份证；", "4.户口簿：", "• 原件", "• 复印件", "1)第一项"]


def test_code_blocks_are_kept_only_when_they_are_prose() -> None:
    text = "说明如下。\n\n    本通知自发布之日起施行，\n    有效期五年。\n\n```python\nprint('hello')\n```\n"
    extracted = read_markdown(text.encode("utf-8"))
    assert extracted.text.split("\n\n") == ["说明如下。", "本通知自发布之日起施行，\n有效期五年。"]
    assert extracted.dropped == {"code block": 1}


def test_html_table_inside_markdown_becomes_rows() -> None:
    text = "收费标准：\n\n<table><tr><th>区域</th><th>年费</th></tr><tr><td>市南区</td><td>三百元</td></tr></table>\n"
    extracted = read_markdown(text.encode("utf-8"))
    assert extracted.text.split("\n\n") == ["收费标准：", "区域: 市南区; 年费: 三百元"]
    assert extracted.metadata["rows"] == "区域: 市南区; 年费: 三百元"


def test_pipe_table_commonmark_does_not_take_still_becomes_rows() -> None:
    # The delimiter row has a column fewer than the header, so CommonMark sees a paragraph, not a table.
    text = "收费标准如下：\n| 区域 | 年费 | 备注 |\n|---|---|\n| 市南区 | 三百元 | [详情](https://example.cn/a) |\n"
    extracted = read_markdown(text.encode("utf-8"))
    assert extracted.text.split("\n\n") == ["收费标准如下：", "区域: 市南区; 年费: 三百元; 备注: 详情"]
    assert extracted.dropped == {"table separator row": 1}


def test_cjk_bold_that_commonmark_does_not_close_leaves_no_asterisks() -> None:
    assert read_markdown("**注意：**请携带身份证。".encode("utf-8")).text == "注意：请携带身份证。"


def test_shortcodes_in_fenced_code_are_left_alone() -> None:
    text = "{{% notice %}}文字{{% /notice %}}\n\n```\n{{< keep >}}\n```\n{% include footer.html %}"
    assert without_shortcodes(text) == ("文字\n\n```\n{{< keep >}}\n```\n", 3)


def test_reader_tool_header_needs_its_shape() -> None:
    text = "Title: not a header\n\nThe body starts here."
    assert reader_tool_header(text) == (text, {}, 0)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("---\ntitle: '林鄭''s 出招'\ndate: 2018-06-29 # first day\n---\n", {"title": "林鄭's 出招", "date": "2018-06-29"}),
        ('---\ntitle: "say \\"hi\\""\nauthor: 記者\n---\n', {"title": 'say "hi"', "byline": "記者"}),
        ("---\ntitle: >-\n  長標題的\n  第二行\npublishDate: 2024-01-02\n---\n", {"title": "長標題的第二行", "date": "2024-01-02"}),
        ('+++\ntitle = "Hugo 頁面"\ndate = 2023-05-01T08:00:00+08:00\n+++\n', {"title": "Hugo 頁面", "date": "2023-05-01T08:00:00+08:00"}),
    ],
)
def test_front_matter(block: str, expected: dict[str, str]) -> None:
    rest, meta = front_matter(block + "正文。")
    assert meta == expected
    assert rest.endswith("正文。") and rest.count("\n") == block.count("\n")


_WORDS = "上合新區一體化發展青島膠州臨空經濟示范黨工委舉行推動建設國際平臺實踐加快abcXYZ0123"
_PUNCT = "，。、：；！？“”《》（）,.:;!?"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(alphabet=_WORDS + _PUNCT + " ", min_size=1, max_size=30), min_size=1, max_size=4), min_size=1, max_size=6))
def test_plain_paragraphs_lose_no_character(paragraphs: list[list[str]]) -> None:
    """Text without markup comes back with every character that is not a space, in order, a paragraph a line."""
    source = "\n\n".join("\n".join(lines) for lines in paragraphs)
    extracted = read_markdown(source.encode("utf-8"))
    assume(not extracted.dropped)  # a generated line can still be a table row or a link-free list marker
    assert "".join(extracted.text.split()) == "".join(source.split())
