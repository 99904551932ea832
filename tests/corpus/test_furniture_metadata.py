"""Furniture rules generalise beyond the sample; metadata is read from the lines that carry it."""

from __future__ import annotations

import pytest

from corpus.furniture import furniture_kind, furniture_runs
from corpus.metadata import byline, dateline, looks_like_heading, parse_date, restore_opening_quote, source_in


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("新聞專題 > 時政類 > 正文", "breadcrumb"),
        ("首页 > 新闻中心 > 国内新闻", "breadcrumb"),
        ("当前位置：首页 > 政务公开", "breadcrumb"),
        ("Home » News » City", "breadcrumb"),
        ("首頁 > 正文", "breadcrumb"),
        ("分享到:", "share widget"),
        ("分享到：微信 微博 QQ空间", "share widget"),
        ("Share this:", "share widget"),
        ("我要爆料 免責聲明", "page controls"),
        ("【打印本页】 【关闭窗口】", "page controls"),
        ("上一篇 | 下一篇", "page controls"),
        ("字号：大 中 小", "page controls"),
        ("? 青島新聞網版權所有 青島新聞網簡介法律顧問維權指引會員注冊營銷服務郵箱", "copyright footer"),  # © lost to ?
        ("Copyright © 2023 Qingdao News. All Rights Reserved.", "copyright footer"),
        ("鲁ICP备09012345号-1", "copyright footer"),
        ("未经授权，禁止转载", "copyright footer"),
        ("责任编辑：张三", "editor or source line"),
        ("【責任編輯:李四】", "editor or source line"),
        ("(编辑：王五)", "editor or source line"),
        ("来源：新华社", "editor or source line"),
        ("信息来源：广州市人力资源和社会保障数据服务中心（挂广州市社会保障卡服务中心牌子）", "editor or source line"),
        ("文章來源：市人力资源社会保障局官网", "editor or source line"),
        ("（完）", "end mark"),
        ("- 12 -", "page number"),
        ("第 3 页", "page number"),
        ("扫一扫在手机打开当前页", "scan to open on phone"),
        ("手機掃描二維碼閱讀", "scan to open on phone"),
        ("关注 · 广州政府网", "follow widget"),
        ("关注我们", "follow widget"),
        ("浏览字号：大 中 小", "page controls"),
        ("A+大A+中A+小", "page controls"),
        ("字体大小：【 A- A A+ 】", "page controls"),
        ("无障碍阅读 长者助手 繁体版", "page controls"),
        ("用户登录 政务邮箱", "page controls"),
        ("内容纠错 | 使用帮助| 关于我们| 隐私声明| 网站地图", "page controls"),
        ("搜索热词： 社保 医保 居住证", "page controls"),
        ("访问量：1632", "page controls"),
        ("分享文章到", "share widget"),
        ("快转发给需要的人！", "share widget"),
        ("网站标识码：4401060050", "copyright footer"),
        ("粤公网安备 44010602000929号", "copyright footer"),
        ("主办单位：广州市人民政府办公厅", "copyright footer"),
        ("您当前所在位置：", "breadcrumb"),
        ("× + - ↺", "separator"),
        ("|", "separator"),
        ("· 市委组织部· 市委宣传部· 市委统战部· 市委政法委· 市委网信办· 市委外办· 市委编办", "link list"),
        ("請加入成為眾新聞的月費訂戶，長期支持我們的工作。", "subscription appeal"),
    ],
)
def test_furniture(line: str, kind: str) -> None:
    assert furniture_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "提速一體化發展,上合新區有了“新打法”",
        "上合策源、臨空支持、膠州托底",
        "分享經濟在青島蓬勃發展",  # starts with 分享 but is a heading
        "收入 > 支出的家庭可申請補貼",  # one '>' in a sentence
        "著作權法規定,作者對其作品享有版權。",  # about copyright, not a footer
        "“5”是指建立黨建工作、宣傳工作、紀檢監察、社會治理、上合空港五個聯席會議制度。",
        "編輯部位於市中心,歡迎來訪。",
        "2023",
        "微信公眾號“青島發布”每天推送政策解讀,市民可關注後查詢辦事指南和最新通知。" * 3,  # long: never furniture
        "1.扫码打开穗好办APP",  # a step of instructions, not the widget
        "详情可扫码查看办理指引。",
        "越秀区、海珠区、荔湾区、天河区、白云区、黄埔区、花都区、番禺区",  # a list in a sentence
        "关注老年人健康，提升服务水平。",
        "市民可通过微信订阅停水通知。",
        "中小学校",
        "第二条 本办法适用于本市行政区域内的养老服务。" + "市、区人民政府应当加强领导，统筹推进养老服务体系建设。" * 3,
    ],
)
def test_not_furniture(line: str) -> None:
    assert furniture_kind(line) is None


DEPARTMENTS = ["· 市委组织部", "· 市委宣传部", "· 市委统战部", "· 市发展改革委", "· 市教育局", "· 市科技局", "· 市公安局", "· 市民政局", "· 市财政局"]


def test_a_footer_of_department_links_is_a_run_of_short_names() -> None:
    lines = ["失业保险金按月发放，每月2070元。", *DEPARTMENTS, "关注 · 广州政府网"]
    # The follow line is furniture on its own, so the cleaner counts it, not the run.
    assert furniture_runs(lines) == [None, *["link list"] * len(DEPARTMENTS), None]


def test_a_list_that_a_sentence_introduces_is_content() -> None:
    materials = ["身份证", "户口簿", "结婚证", "出生医学证明", "居住证", "房产证", "租赁合同", "劳动合同", "社保缴费记录"]
    assert furniture_runs(["申请时需要提交以下材料：", *materials]) == [None] * (len(materials) + 1)
    assert furniture_runs(DEPARTMENTS[:5]) == [None] * 5  # a few short lines are not a footer


def test_related_articles_boxes() -> None:
    box = ["相关新闻", "关于调整老年人优待项目的通知", "市老龄委召开全体会议", "年满65周岁的老年人可以免费乘坐公交车，凭优待卡刷卡进站。"]
    assert furniture_runs(box) == [None, "related links", "related links", None]  # the heading alone is furniture_kind's
    listed = ["【图解】老年人优待办法政策解读 2024-02-28", "【音频】老年人优待办法政策解读 2024-02-27"]
    assert furniture_runs(["正文第一段。", *listed]) == [None, "related links", "related links"]
    dated_labels = ["实施日期： 2025年06月01日", "失效日期： 2026年06月01日"]  # labelled dates of a document, not a list
    assert furniture_runs(dated_labels) == [None, None]


@pytest.mark.parametrize(
    ("text", "date", "moment"),
    [
        ("2023-06-05 17:03 來源:大眾網", "2023-06-05", "2023-06-05T17:03"),
        ("2023年6月5日 17:03", "2023-06-05", "2023-06-05T17:03"),
        ("2023/6/5", "2023-06-05", None),
        ("2023-07-14T09:30:00+08:00", "2023-07-14", "2023-07-14T09:30:00"),
        ("发布时间：2023.12.01", "2023-12-01", None),
        ("2023-02-30 then 2023-03-01", "2023-03-01", None),  # an impossible date is passed over
    ],
)
def test_parse_date(text: str, date: str, moment: str | None) -> None:
    found = parse_date(text)
    assert found is not None and (found.date, found.datetime) == (date, moment)


def test_dateline_only_for_short_lines() -> None:
    assert dateline("2023-06-05 17:03 來源:大眾網") is not None
    assert dateline("發布時間:2023年6月5日") is not None
    assert dateline("2022年10月12日下午,中共膠州市委舉行新聞發布會。") is None  # a sentence, not a dateline


def test_source_and_byline() -> None:
    assert source_in("2023-06-05 17:03 來源:大眾網") == "大眾網"
    assert source_in("来源：新华社 作者：张三") == "新华社"
    assert byline("(大眾日報客戶端記者 白曉 通訊員 劉偉 報道)") == "大眾日報客戶端記者 白曉 通訊員 劉偉 報道"
    assert byline("（新华社记者 张三）") == "新华社记者 张三"
    assert byline("本报记者 李明") == "本报记者 李明"
    assert byline("作者：王小波") == "王小波"
    assert byline("上海合作組織(SCO)") is None
    assert byline("記者從市交通局獲悉,地鐵六號線將於年底開通。") is None


def test_headings() -> None:
    assert looks_like_heading("蓬勃向上的上合新區")
    assert looks_like_heading("1567”體系助推三區聯動賦能")
    assert not looks_like_heading("據介紹,為實現上合、臨空、膠州三強“合勢”,上合新區形成了“1567”工作體系:")
    assert not looks_like_heading("今年完成了。")
    assert restore_opening_quote("1567”體系助推三區聯動賦能") == "“1567”體系助推三區聯動賦能"
    assert restore_opening_quote("“新打法”見成效") == "“新打法”見成效"


def test_a_table_row_of_names_is_not_a_link_footer() -> None:
    assert furniture_kind("越秀区 | 海珠区 | 荔湾区 | 天河区 | 白云区 | 黄埔区") is None  # cells joined, as the readers write rows
    assert furniture_kind("市委组织部 市委宣传部 市委统战部 市委政法委 市委网信办 市委外办") == "link list"
