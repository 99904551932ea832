"""Web pages as cities publish them: the article kept, the site's furniture dropped, headline and visible date read.

The pages are written here by hand, in the shapes real government pages have (a department-link footer, a
font-size widget, "scan to open on phone", a headline that <title> follows with the site's name, a PubDate meta
that disagrees with the date the page shows); the real ones are checked in test_real_dev_html.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.pipeline import build_passages
from corpus.readers.html import read_html, use_fallback
from corpus.readers.html_blocks import Block

DEPARTMENTS = "市委组织部 市委宣传部 市委统战部 市委政法委 市发展改革委 市教育局 市科技局 市工业和信息化局 市公安局 市民政局 市司法局 市财政局".split()
NAV = "".join(f'<li><a href="/c{i}">{name}</a></li>' for i, name in enumerate(["首页", "政务公开", "政务服务", "互动交流", "政策发布"]))


def _page(body: str, *, title: str, metas: str = "", before: str = "", after: str = "") -> str:
    footer_links = "".join(f"<li><p>· {name}</p></li>" for name in DEPARTMENTS)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{metas}</head><body>
<div class="header"><ul class="nav">{NAV}</ul><div class="search">搜索热词： 社保 医保 居住证</div></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 通知公告</div>
{before}
<div class="main">{body}</div>
{after}
<div class="ewm"><dl><dd>扫一扫在手机打开当前页</dd></dl></div>
<div class="links"><ul>{footer_links}</ul></div>
<div class="weixin"><span>关注 · 市政府网</span></div>
<div class="copyright"><p>网站标识码：4401000004</p><p>ICP备案号：粤ICP备2022092331号-1</p></div>
</body></html>"""


FAQ_BODY = """
<h1>失业保险常见问题解答</h1>
<div class="attr"><span>发布时间：2025-12-05</span> <span>来源：市人力资源社会保障局</span>
<span>字号：<a>大</a> <a>中</a> <a>小</a></span> <a href="javascript:window.print()">打印</a></div>
<div class="content" id="zoomcon">
<p>一、领取失业保险金需要符合什么条件？</p>
<p>失业人员同时符合下列条件的，可以领取失业保险金：失业前用人单位和本人已经缴纳失业保险费累计满一年；非因本人意愿中断就业；已经进行失业登记，并有求职要求。</p>
<p>二、失业保险金每月能领多少？</p>
<p>失业保险金按月发放，标准为本市最低工资标准的90%，即每月2070元。</p>
<p>三、哪里可以申请？</p>
<p>失业人员可以通过政务服务网、“穗好办”APP或者到户籍所在地的街道社区服务中心申请，审核时间为10个工作日。</p>
<table><tr><td>缴费年限</td><td>领取期限</td></tr><tr><td>1年</td><td>3个月</td></tr><tr><td>5年</td><td>15个月</td></tr></table>
</div>"""

FAQ_PAGE = _page(
    FAQ_BODY,
    title="通知公告 - 某市人民政府门户网站",
    metas='<meta name="SiteName" content="某市人民政府门户网站"><meta name="ArticleTitle" content="失业保险常见问题解答">'
    '<meta name="PubDate" content="2025-12-08 17:32:57">',
)


def _read(tmp_path: Path, name: str, html: str):  # type: ignore[no-untyped-def]
    (tmp_path / name).write_text(html, encoding="utf-8")
    return build_passages([tmp_path / name])


def test_faq_page_keeps_questions_answers_and_table_rows(tmp_path: Path) -> None:
    result = _read(tmp_path, "faq.html", FAQ_PAGE)
    (document,) = result.documents
    texts = [p.text for p in result.passages]
    joined = "\n".join(texts)
    for kept in ("二、失业保险金每月能领多少？", "失业保险金按月发放，标准为本市最低工资标准的90%，即每月2070元。", "审核时间为10个工作日。"):
        assert kept in joined
    rows = ["缴费年限: 1年; 领取期限: 3个月", "缴费年限: 5年; 领取期限: 15个月"]
    assert all(any(row in text.split("\n") for text in texts) for row in rows)  # each row whole, on a line of its own
    extracted = read_html(FAQ_PAGE.encode("utf-8"))
    assert extracted.metadata["rows"].split("\n") == rows  # the cleaner must keep them whole and never make them headings
    assert "缴费年限 | 领取期限" not in extracted.text  # the header row is in every row; alone it says nothing


def test_headline_not_the_column_or_site_and_the_visible_date_beats_the_meta(tmp_path: Path) -> None:
    (document,) = _read(tmp_path, "faq.html", FAQ_PAGE).documents
    assert document.title == "失业保险常见问题解答"  # not <title>'s "通知公告" (the column) nor the site's name
    assert document.date == "2025-12-05"  # the page shows 发布时间 2025-12-05; PubDate (page generation) says 12-08
    assert document.source == "某市人民政府门户网站"  # the SiteName meta, where trafilatura finds no site name


def test_site_furniture_is_dropped_and_reported(tmp_path: Path) -> None:
    result = _read(tmp_path, "faq.html", FAQ_PAGE)
    shown = "\n".join(f"{p.heading or ''} {p.text}" for p in result.passages)
    for furniture in ("扫一扫", "市委组织部", "市财政局", "关注 · 市政府网", "网站标识码", "ICP", "搜索热词", "当前位置", "打印", "字号"):
        assert furniture not in shown, furniture
    (report,) = result.report.files
    assert report.extractor == "trafilatura" and report.format == "html"
    assert report.dropped["link list"] == len(DEPARTMENTS)
    assert report.dropped["scan to open on phone"] == 1 and report.dropped["follow widget"] == 1


def test_related_links_and_share_widgets(tmp_path: Path) -> None:
    body = """<h1>老年人优待卡办理指南</h1>
<div class="content">
<p>年满65周岁的本市户籍老年人，可以凭身份证到街道便民服务中心申领老年人优待卡，当场办结，不收取任何费用。</p>
<p>持优待卡的老年人可以免费乘坐本市公共汽车、地铁，免费进入市属公园，并在公立医院享受挂号优先。</p>
</div>
<div class="share">分享到：<a>微信</a> <a>微博</a></div>
<div class="tools">【打印本页】【关闭窗口】</div>
<div class="xgwz"><h3>相关链接</h3><ul>
<li><a href="/1">关于调整老年人优待项目的通知</a></li>
<li><a href="/2">市老龄委召开全体会议</a></li>
<li><a href="/3">老年人优待证申领流程图解</a></li></ul></div>
<div class="list"><ul>
<li><a href="/4">【图解】老年人优待办法政策解读</a> 2024-02-28</li>
<li><a href="/5">【音频】老年人优待办法政策解读</a> 2024-02-27</li></ul></div>"""
    result = _read(tmp_path, "card.html", _page(body, title="老年人优待卡办理指南_某市民政局"))
    texts = [p.text for p in result.passages]
    assert texts == [
        "年满65周岁的本市户籍老年人，可以凭身份证到街道便民服务中心申领老年人优待卡，当场办结，不收取任何费用。",
        "持优待卡的老年人可以免费乘坐本市公共汽车、地铁，免费进入市属公园，并在公立医院享受挂号优先。",
    ]
    assert result.documents[0].title == "老年人优待卡办理指南"


GAZETTE = """<html><head><title>本市行政规范性文件管理办法 - 市政府公报</title></head><body>
<div class="top">{nav}</div>
<h1>本市行政规范性文件管理办法</h1><div class="info">发布日期：2024-03-05</div>
<div class="TRS_Editor widget">
<p>第一条 为了规范本市行政规范性文件管理，根据有关法律法规，结合本市实际，制定本办法。</p>
<p>第二条 本办法适用于本市各级行政机关制定行政规范性文件的活动。</p>
<p>第三条 行政规范性文件应当符合宪法、法律、法规和规章的规定，不得违法设定行政许可、行政处罚、行政强制等事项。</p>
</div>
<div class="bottom">{nav}</div></body></html>""".format(nav=" | ".join(f'<a href="/l{i}">栏目{i}</a>' for i in range(12)))


def test_when_trafilatura_loses_the_body_the_fallback_reads_it(tmp_path: Path) -> None:
    # trafilatura discards the body's container (its class says "widget") and keeps the menu's separators.
    import trafilatura

    lost = trafilatura.extract(GAZETTE, favor_recall=True) or ""
    assert "第一条" not in lost and "|" in lost  # the failure this guards against, as trafilatura shows it
    extracted = read_html(GAZETTE.encode("utf-8"))
    assert extracted.extractor == "text-density fallback"
    result = _read(tmp_path, "gazette.html", GAZETTE)
    texts = [p.text for p in result.passages]
    assert [t[:3] for t in texts] == ["第一条", "第二条", "第三条"]
    assert not [t for t in texts if "|" in t or "栏目" in t]
    assert result.documents[0].title == "本市行政规范性文件管理办法" and result.documents[0].date == "2024-03-05"
    assert result.report.files[0].extractor == "text-density fallback"


def test_the_rule_that_picks_the_fallback() -> None:
    prose = [Block("失业人员可以通过政务服务网或者到街道社区服务中心申请，审核时间为十个工作日。", "p")]
    menu = [Block("首页 政务公开 政务服务 互动交流", "p", link_chars=14)]
    assert not use_fallback(prose, prose)  # trafilatura kept it all
    assert use_fallback(menu, prose)  # it kept the menu, not the body
    assert use_fallback([], prose)
    assert not use_fallback(prose, [])  # nothing better to fall back to


def test_hidden_copies_and_styled_tables(tmp_path: Path) -> None:
    # A print copy hidden with display:none must not double the text; cells styled overflow:hidden are content.
    body = """<h1>人才入户申报指南</h1><div class="content">
<p>本市对具备本科及以上学历的人才设有明确的入户通道，满足以下任一学历及年龄条件即可申报。</p>
<table><tr><td style="overflow: hidden"><strong>学历层次</strong></td><td style="overflow: hidden"><strong>年龄要求</strong></td></tr>
<tr><td style="overflow: hidden">博士研究生</td><td style="overflow: hidden">50周岁以下</td></tr>
<tr><td style="overflow: hidden">硕士研究生</td><td style="overflow: hidden">45周岁以下</td></tr></table>
<p>申报人提交申请后，人力资源社会保障部门将在15个工作日内完成审核。</p></div>
<div class="print" style="display:none">人才入户申报指南 本市对具备本科及以上学历的人才设有明确的入户通道。</div>"""
    page = _page(body, title="人才入户申报指南-某市人力资源和社会保障局网站")
    extracted = read_html(page.encode("utf-8"))
    assert extracted.metadata["rows"].split("\n") == ["学历层次: 博士研究生; 年龄要求: 50周岁以下", "学历层次: 硕士研究生; 年龄要求: 45周岁以下"]
    result = _read(tmp_path, "talent.html", page)
    texts = [p.text for p in result.passages]
    assert sum("明确的入户通道" in t for t in texts) == 1
    assert result.documents[0].title == "人才入户申报指南"
    assert result.report.files[0].dropped["hidden elements with text"] == 1


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ('<meta property="og:title" content="老旧小区加装电梯补贴标准公布 - 青岛新闻网"><meta property="og:site_name" content="青岛新闻网">', "老旧小区加装电梯补贴标准公布"),
        ("", "老旧小区加装电梯补贴标准公布"),
    ],
)
def test_headline_from_og_title_or_h1(tmp_path: Path, meta: str, expected: str) -> None:
    body = "<h1>老旧小区加装电梯补贴标准公布</h1><p>7月14日，市住房和城乡建设局公布了老旧小区既有住宅加装电梯的补贴标准，每部电梯最高补贴20万元。</p>"
    html = f"<html><head><title>青岛新闻网</title>{meta}</head><body>{body}</body></html>"
    assert _read(tmp_path, "a.html", html).documents[0].title == expected


def test_a_date_label_and_its_value_in_two_elements(tmp_path: Path) -> None:
    body = """<dl><dd><label>索 引 号：</label><div>014742224A/2023-0043406</div></dd>
<dd><label>生成日期：</label><div>2023-05-11</div></dd><dd><label>实施日期：</label><div>2023-06-01</div></dd></dl>
<h1>某县2022年国民经济和社会发展统计公报</h1>
<p>2022年，全县经济运行呈现稳中向好的良好态势，全年实现生产总值262.6亿元，按可比价格计算，同比增长5.3％。</p>"""
    html = f'<html><head><title>某县2022年国民经济和社会发展统计公报 | 某县人民政府</title><meta name="PubDate" content="2023-08-16 10:33:59"></head><body>{body}</body></html>'
    document = _read(tmp_path, "stats.html", html).documents[0]
    assert (document.title, document.date) == ("某县2022年国民经济和社会发展统计公报", "2023-05-11")
