"""Furniture rules generalise beyond the sample; metadata is read from the lines that carry it."""

from __future__ import annotations

import pytest

from corpus.furniture import furniture_kind
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
        ("（完）", "end mark"),
        ("- 12 -", "page number"),
        ("第 3 页", "page number"),
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
    ],
)
def test_not_furniture(line: str) -> None:
    assert furniture_kind(line) is None


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
