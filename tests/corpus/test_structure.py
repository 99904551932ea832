"""The cross-format structure rules, on hand-built inputs: lists with their lead-in, FAQ pairs, regulation articles
and chapters, lines cut mid-sentence, what is never a heading or a title, and the date of a regulation."""

from __future__ import annotations

import pytest

from corpus.clean import Cleaned, clean_document
from corpus.metadata import dateline, dateline_rank, DateRank, looks_like_title, regulation_date
from corpus.model import SIDECAR_KEYS, Document
from corpus.pipeline import passages_of
from corpus.shapes import article_label, heading_refusal, is_chapter, list_family
from corpus.split import split_block
from corpus.structure import Unit, group, is_fragment, join_fragments


def clean(*lines: str, **metadata: str) -> Cleaned:
    return clean_document(Document("d", "d.txt", "\n".join(lines), dict(metadata)))


def texts(cleaned: Cleaned, max_chars: int = 400) -> list[str]:
    return [p.text for p in passages_of(cleaned, max_chars)]


BODY = "申请人须在规定时间内通过网上系统提交申请材料，逾期不予受理。"  # a sentence that stands alone


# --- lists stay with their lead-in -----------------------------------------------------------------------------


def test_a_list_stays_with_its_lead_in() -> None:
    cleaned = clean("办理须知", BODY, "申请人须提交以下材料：", "（一）身份证原件；", "（二）户口簿原件；", "（三）近期免冠照片。", BODY + "另行通知。")
    assert texts(cleaned)[1] == "申请人须提交以下材料：\n（一）身份证原件；\n（二）户口簿原件；\n（三）近期免冠照片。"
    assert len(texts(cleaned)) == 3  # the paragraph after the list is a paragraph of its own


@pytest.mark.parametrize("marker", ["1.", "1、", "一、", "（1）", "①", "- ", "• "])
def test_every_kind_of_marker_makes_items(marker: str) -> None:
    items = [f"{marker.replace('1', str(n)).replace('一', '一二三'[n - 1]).replace('①', '①②③'[n - 1])}第{n}项材料的名称和份数" for n in (1, 2, 3)]
    cleaned = clean("标题", "需要准备的材料如下：", *items)
    assert texts(cleaned) == ["需要准备的材料如下：\n" + "\n".join(items)]


def test_a_long_list_is_cut_into_pieces_that_each_carry_the_lead_in() -> None:
    items = [f"（{'一二三四五六七八九十'[n]}）第{n + 1}类人员须提交的证明材料及其复印件各一份，并由经办人签字确认；" for n in range(10)]
    cleaned = clean("标题", "符合下列条件之一的人员可以申请：", *items)
    pieces = texts(cleaned, max_chars=120)
    assert len(pieces) > 1
    assert all(piece.startswith("符合下列条件之一的人员可以申请：\n（") for piece in pieces)
    assert all(len(piece) <= 120 for piece in pieces)
    for item in items:  # every item whole, in exactly one piece
        assert sum(item in piece for piece in pieces) == 1


def test_a_nested_list_carries_both_lead_ins() -> None:
    parts = [
        ("失业人员同时符合下列条件的，可以领取失业保险金：", None),
        ("（一）已经缴纳失业保险费满一年的；", 0),
        ("（二）非因本人意愿中断就业的，包括以下情形：", 0),
        ("1.劳动合同期满或终止。", 2),
        ("2.单位破产。", 2),
        ("3.单位被吊销营业执照、责令关闭、撤销或提前解散。", 2),
    ]
    pieces = split_block(parts, max_chars=110)
    assert len(pieces) == 2
    assert pieces[-1].text.startswith("失业人员同时符合下列条件的，可以领取失业保险金：\n（二）非因本人意愿中断就业的，包括以下情形：\n")
    assert "".join(p.body for p in pieces) == "\n".join(text for text, _ in parts)


def test_a_lead_in_at_the_end_of_a_full_piece_moves_to_the_items_it_introduces() -> None:
    parts = [("问题？", None), ("甲" * 30 + "。", 0), ("（一）小标题。", 0), ("乙" * 30 + "。", 2)]
    pieces = split_block(parts, max_chars=50)
    assert [p.text for p in pieces] == ["问题？\n" + "甲" * 30 + "。", "问题？\n（一）小标题。\n" + "乙" * 30 + "。"]


def test_the_outline_gives_each_item_its_parent() -> None:
    lines = ["办理步骤如下：", "1.登录系统。", "2.上传材料。", "（1）身份证明：", "a.身份证", "（2）其他材料。", "3.提交。", "注意事项：", "1.材料须真实。"]
    steps, notes = group([Unit(n, t) for n, t in enumerate(lines)]).paragraphs
    assert [p.parent for p in steps.parts] == [None, 0, 0, 2, 3, 2, 0]
    assert [p.parent for p in notes.parts] == [None, 0]  # a new lead-in starts a list of its own


# --- FAQ: the question keeps its answer ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("问：社保卡丢了怎么办？", "答：可以到任一银行网点办理挂失和补卡手续。"),
        ("Q: How long does the card take?", "A: About two weeks after the application is accepted."),
        ("3.社保卡丢了怎么办？", "答：可以到任一银行网点办理挂失和补卡手续。"),
        ("三、社保卡丢了怎么办？", "可以到任一银行网点办理挂失和补卡手续。"),
    ],
)
def test_an_faq_question_and_its_answer_are_one_passage(question: str, answer: str) -> None:
    cleaned = clean("常见问题", question, answer, "另一个问题怎么办？" if question[0] != "Q" else "Q: Another?", answer)
    assert texts(cleaned)[0] == f"{question}\n{answer}"


def test_a_question_keeps_every_paragraph_of_its_answer_and_a_long_one_carries_it() -> None:
    question = "1.申请积分制入户需要具备哪些基本条件？"
    answer = ["答：需要具备以下基本条件。", *(f"第{n}段说明：" + "申请人应当在本市合法稳定就业并缴纳社会保险满四年。" * 2 for n in range(1, 6))]
    cleaned = clean("热点问答", question, *answer, "2.积分制入户申报的起止时间是什么？", "答：十月十日至十一月十日。")
    pieces = [p for p in passages_of(cleaned, 150) if p.position == 0]
    assert len(pieces) > 1 and all(p.text.startswith(question + "\n") for p in pieces)
    assert texts(cleaned, 150)[-1] == "2.积分制入户申报的起止时间是什么？\n答：十月十日至十一月十日。"


def test_bare_questions_make_pairs_only_on_a_page_of_questions() -> None:
    news = clean("新闻", "为什么要这样做？", BODY, BODY + "再次说明。")
    assert texts(news)[0] == "为什么要这样做？"  # one rhetorical question is not an FAQ
    faq = clean("问答", "怎么申请？", BODY, "要多久？", BODY + "再次说明。")
    assert texts(faq) == [f"怎么申请？\n{BODY}", f"要多久？\n{BODY}再次说明。"]


# --- regulations: one article a passage, its chapter as heading ------------------------------------------------

REGULATION = [
    "上海市非机动车安全管理条例",
    "2021年2月26日 上海市第十五届人民代表大会常务委员会第二十九次会议通过",
    "2024年5月10日 上海市第十六届人民代表大会常务委员会第十三次会议《关于修改〈上海市非机动车安全管理条例〉的决定》修正）",
    "目　　录",
    "第一章　总则",
    "第二章　车辆管理",
    "第一章　总则",
    "第一条 为了加强非机动车安全管理，制定本条例。",
    "第二条 本市行政区域内非机动车的安全管理活动，适用本条例。",
    "区人民政府应当加强对本行政区域内非机动车安全管理工作的领导。",
    "第二章　车辆管理",
    "第三条 禁止单位和个人从事下列行为：",
    "（一）拼装非机动车；",
    "（二）在非机动车上加装动力装置。",
    "禁止销售拼装的非机动车。",
]


def test_a_regulation_article_is_one_passage_under_its_chapter() -> None:
    cleaned = clean(*REGULATION)
    passages = passages_of(cleaned)
    assert [(p.heading, p.text) for p in passages] == [
        ("第一章　总则", "第一条 为了加强非机动车安全管理，制定本条例。"),
        ("第一章　总则", "第二条 本市行政区域内非机动车的安全管理活动，适用本条例。\n区人民政府应当加强对本行政区域内非机动车安全管理工作的领导。"),
        ("第二章　车辆管理", "第三条 禁止单位和个人从事下列行为：\n（一）拼装非机动车；\n（二）在非机动车上加装动力装置。\n禁止销售拼装的非机动车。"),
    ]
    assert cleaned.document.headings == ("第一章　总则", "第二章　车辆管理")
    assert [line.detail for line in cleaned.lines if line.kind == "furniture"] == ["table of contents"] * 3


def test_a_long_article_is_cut_at_sentence_ends_and_each_piece_carries_its_number() -> None:
    long_article = "第十条 " + "".join(f"第{n}句规定了经营者在经营活动中应当履行的安全责任。" for n in range(1, 13))
    cleaned = clean("某某条例", "第九条 本条例自公布之日起施行。", long_article, "区人民政府负责组织实施。", "第十一条 本条例由市人民政府解释。")
    pieces = [p.text for p in passages_of(cleaned, 120) if p.text.startswith("第十条")]
    assert len(pieces) > 2 and pieces[0].startswith("第十条 第1句")
    assert all(piece.startswith("第十条……\n") for piece in pieces[1:])
    assert pieces[-1].endswith("区人民政府负责组织实施。")


def test_the_date_of_a_regulation_is_its_latest_amendment() -> None:
    assert clean(*REGULATION).document.date == "2024-05-10"
    note = (
        "（2003年6月28日第十届全国人民代表大会常务委员会第三次会议通过　根据2011年10月29日第十一届全国人民代表大会"
        "常务委员会第二十三次会议《关于修改〈中华人民共和国居民身份证法〉的决定》修正）"
    )
    assert regulation_date(note).date == "2011-10-29"  # type: ignore[union-attr]
    assert regulation_date("2014年12月31日 青岛市人大常委会通过 2015年4月1日 山东省人大常委会批准").date == "2014-12-31"  # type: ignore[union-attr]
    passed_twice = "2018年3月30日 北京市人大常委会第三次会议通过 2024年3月29日 北京市人大常委会第九次会议通过"
    assert regulation_date(passed_twice).date == "2024-03-29"  # type: ignore[union-attr]
    assert regulation_date("2015年5月1日 施行") is None


def test_a_sidecar_date_beats_the_regulation_note() -> None:
    given = clean(*REGULATION, date="2025-01-01", **{SIDECAR_KEYS: "date"})
    assert given.document.date == "2025-01-01"
    assert clean(*REGULATION, date="2025-01-01").document.date == "2024-05-10"  # a reader's date does not


# --- lines cut inside a sentence; what cannot stand alone -------------------------------------------------------


def test_lines_laid_out_one_fragment_a_line_are_joined_into_sentences() -> None:
    cleaned = clean("医保缴费提醒", "广州市医保局提醒", "2026年度城乡居民医保", "集中缴费期为", "9月1日至12月31日，", "逾期将不能享受待遇。", BODY)
    assert texts(cleaned) == ["广州市医保局提醒2026年度城乡居民医保集中缴费期为9月1日至12月31日，逾期将不能享受待遇。", BODY]


def test_latin_fragments_are_joined_with_a_space() -> None:
    units = [Unit(1, "Residents who moved"), Unit(2, "in this year"), Unit(3, "must register by May.")]
    assert [u.text for u in join_fragments(units)] == ["Residents who moved in this year must register by May."]


def test_complete_short_lines_are_not_glued_into_one_sentence() -> None:
    units = [Unit(1, "法定办结时限：20个工作日"), Unit(2, "承诺办结时限：10个工作日"), Unit(3, "广州市住房保障办公室"), Unit(4, "2025年3月19日")]
    assert len(join_fragments(units)) == 4


def test_a_short_section_takes_its_heading() -> None:
    cleaned = clean("办事指南", "七、办理时限", BODY, "八、收费标准", "不收费", "九、办理依据", BODY + "依据如下。")
    assert "八、收费标准\n不收费" in texts(cleaned)
    assert "八、收费标准" not in cleaned.document.headings
    marked = clean("办事指南", "办理时限", BODY, "收费标准", "不收取任何费用", "办理依据", BODY + "依据如下。", headings="办理时限\n收费标准\n办理依据")
    assert "收费标准\n不收取任何费用" in texts(marked)
    assert marked.document.headings == ("办理时限", "办理依据")


def test_a_label_joins_what_it_introduces_and_a_signature_what_it_ends() -> None:
    cleaned = clean("通知", "线上办理：", BODY, BODY + "特此通知。", "广州市住房保障办公室", "2025年3月19日")
    assert texts(cleaned) == [f"线上办理：\n{BODY}", f"{BODY}特此通知。\n广州市住房保障办公室\n2025年3月19日"]


def test_a_signature_with_long_issuer_names_stays_with_the_paragraph_it_ends() -> None:
    ending = BODY + "特此公告。"
    cleaned = clean("公告", BODY, ending, "广州市天河区住房建设和园林局", "2025年8月11日")
    assert texts(cleaned) == [BODY, f"{ending}\n广州市天河区住房建设和园林局\n2025年8月11日"]
    two = clean("公报", BODY, ending, "宜春市统计局 国家统计局宜春调查队", "2023年3月28日")
    assert texts(two)[-1].endswith(f"{ending}\n宜春市统计局 国家统计局宜春调查队\n2023年3月28日")
    # a sentence naming a bureau, or a bureau without a date, is not a signature
    named = clean("公告", BODY, "本通知由广州市天河区住房建设和园林局负责解释并组织实施。")
    assert texts(named)[-1] == "本通知由广州市天河区住房建设和园林局负责解释并组织实施。"


def test_no_passage_is_a_bare_fragment() -> None:
    cleaned = clean("标题", "相关附件", BODY, "注：", "（1）无", "查询电话：", "020-12345", BODY + "完。", "附件")
    assert not [t for t in texts(cleaned) if is_fragment(t)]
    assert "".join(texts(cleaned)).count("查询电话") == 1  # joined, not copied


# --- headings and titles -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("区域 | 年费", "table row"),
        ("- 居港满7年的香港居民", "list item"),
        ("• 身份证原件", "list item"),
        ("<figure>", "markup"),
        ("<!-- INFO END -->", "markup"),
        ("{{< video src=x >}}", "markup"),
        ("https://www.gz.gov.cn/zwgk/", "url"),
        ("－1－", "page number"),
        ("12", "page number"),
        ("2/9", "page number"),
        ("第 3 页", "page number"),
        ("2022 年 6 月27 日", "date"),
        ("社保卡丢了怎么办？", "question"),
        ("第十二条 禁止拼装非机动车", "article"),
        ("包括以下情形：", "ends mid-sentence"),
        ("学观察；如不符合上述条件，则继续在方舱医院集中隔离至满", "sentence"),
        ("有心脑血管疾病（含高血压）、慢性肺部疾病、", "ends mid-sentence"),
        ("对口直升为主（", "ends mid-sentence"),
    ],
)
def test_never_a_heading(line: str, why: str) -> None:
    assert heading_refusal(line) == why


@pytest.mark.parametrize("line", ["蓬勃向上的上合新區", "第一章　总则", "三、受理单位", "（一）窗口办理流程", "Who can apply"])
def test_may_be_a_heading(line: str) -> None:
    assert heading_refusal(line) is None


def test_a_table_row_or_list_item_never_becomes_a_heading() -> None:
    row = "办结时限 20个工作日"
    cleaned = clean("标题", row, BODY, "- 身份证原件", BODY + "再说一句。", rows=row)
    assert cleaned.document.headings == ()
    assert any(row in t for t in texts(cleaned))


def test_a_top_level_section_heads_a_short_answer() -> None:
    cleaned = clean("指南", "一、受理条件", BODY, "二、受理单位", "广州市社保经办窗口", "三、办理时限", "法定办结时限：20个工作日",
                    "承诺办结时限：10个工作日", "四、收费标准", "不收费")
    assert [(p.heading, p.text) for p in passages_of(cleaned, 400)] == [
        ("一、受理条件", BODY),
        (None, "二、受理单位\n广州市社保经办窗口"),  # a section of one short line is quoted with its heading
        ("三、办理时限", "法定办结时限：20个工作日"),
        ("三、办理时限", "承诺办结时限：10个工作日"),
        (None, "四、收费标准\n不收费"),
    ]  # not 二、受理单位 … 三、办理时限 … run together under 一、受理条件
    # Short items of one list stay items, not headings.
    assert clean("指南", "所需材料：", "一、身份证", "二、户口簿", "三、照片", BODY).document.headings == ()


def test_numbered_titles_are_headings_but_numbered_items_are_not() -> None:
    cleaned = clean("指南", "一、申请条件", BODY, "二、办理流程", "1.登录系统", "2.上传材料", "3.提交申请", BODY + "完。")
    assert cleaned.document.headings == ("一、申请条件", "二、办理流程")


@pytest.mark.parametrize("title", ["1", "－1－", "https://www.example.gov.cn/a.html", "首页 > 政务公开 > 正文", "2023-05-11", "<h1>"])
def test_never_a_title(title: str) -> None:
    assert not looks_like_title(title)
    given = clean("老旧小区加装电梯补贴标准公布", BODY, title=title)  # a reader's bad guess is not taken
    assert given.document.title == "老旧小区加装电梯补贴标准公布"
    above = clean(title, "老旧小区加装电梯补贴标准公布", BODY)  # nor a line of that shape above the title
    assert above.document.title == "老旧小区加装电梯补贴标准公布"


def test_a_title_label_is_not_part_of_the_title() -> None:
    assert clean("Title: 天河区推进家庭医生签约服务", BODY).document.title == "天河区推进家庭医生签约服务"
    assert clean("标题：天河区推进家庭医生签约服务", BODY).document.title == "天河区推进家庭医生签约服务"


@pytest.mark.parametrize("label", ["附件1：", "附件", "附件二", "附表 3:", "附錄A"])
def test_an_attachment_label_above_the_title_is_not_the_title(label: str) -> None:
    title = "2016年宜春市市直机关遴选公务员职位表"
    cleaned = clean(label, title, BODY)
    assert cleaned.document.title == title
    assert not any(label in t for t in texts(cleaned))  # nor text to quote under every part


def test_an_attachment_label_in_the_body_stays() -> None:
    cleaned = clean("老旧小区加装电梯补贴标准公布", BODY, "附件1：", "补贴申请表")
    assert cleaned.document.title == "老旧小区加装电梯补贴标准公布"
    assert any("附件1：" in t for t in texts(cleaned))
    assert clean("附件1：申请表", BODY).document.title == "附件1：申请表"  # a label with its words is a title


def test_a_section_heading_is_not_taken_for_the_title_a_reader_found() -> None:
    title = "广州市残疾人两项补贴2025年发放情况和2026年发放标准"
    cleaned = clean("一、2025年发放情况", BODY, "二、2026年发放标准", BODY + "完。", title=title)
    assert cleaned.document.title == title
    assert [p.heading for p in passages_of(cleaned, 400)] == ["一、2025年发放情况", "二、2026年发放标准"]
    # The page's own wording of the title (without the site's name) is still the title, not a heading.
    cleaned = clean("怎么申领广州市社会保障卡？", "一、申领对象", BODY, title="怎么申领广州市社会保障卡？_广州市人民政府门户网站")
    assert [p.heading for p in passages_of(cleaned, 400)] == ["一、申领对象"]


def test_a_labelled_publication_date_beats_a_page_generation_time() -> None:
    assert dateline_rank("发表时间：2025-03-28 16:55:56信息来源：区卫生健康局浏览量：-") == DateRank.PUBLISHED
    assert dateline_rank("页面生成时间 2023-08-16 10:33:59") == DateRank.GENERATED
    cleaned = clean("网站导航 政务公开 办事服务", "页面生成时间：2026-01-05", BODY, "发布日期：2025-03-28", BODY + "再说一句。")
    assert cleaned.document.date == "2025-03-28"
    assert dateline("发布日期：2025-03-28") is not None


# --- shapes ----------------------------------------------------------------------------------------------------


def test_shapes() -> None:
    assert article_label("第十二条　禁止下列行为：") == "第十二条"
    assert article_label("第 5 条 本法自公布之日起施行。") == "第5条"
    assert article_label("第十二条规定的情形除外。") is None  # a reference, not an article
    assert is_chapter("第三章　国家机构") and is_chapter("第一节 全国人民代表大会") and not is_chapter("第一章规定了总则。")
    assert list_family("1.5万人参加") is None and list_family("2022年") is None and list_family("1. 长者") == "1."
    assert list_family("（三）已经办理失业登记") == "（一）" and list_family("- 项目") == "bullet -"


def test_a_section_is_cited_with_its_chapter() -> None:
    cleaned = clean("某某法", "第三章　国家机构", "第一节　全国人民代表大会", "第五十七条 全国人民代表大会是最高国家权力机关。", "第五十八条 全国人民代表大会行使国家立法权。")
    assert {p.heading for p in passages_of(cleaned)} == {"第三章　国家机构 第一节　全国人民代表大会"}
    assert cleaned.document.headings == ("第三章　国家机构", "第一节　全国人民代表大会")


def test_table_of_contents_lines_with_dot_leaders_are_dropped() -> None:
    cleaned = clean("某某法", "序　言..........2第一章　总　纲..........4", "第二章　公民的基本权利和义务..........8", BODY)
    assert texts(cleaned) == [BODY]
    assert [line.detail for line in cleaned.lines if line.kind == "furniture"] == ["table of contents"] * 2


def test_a_bare_page_number_line_is_dropped() -> None:
    cleaned = clean("标题", BODY, "12", BODY + "第二句。")
    assert texts(cleaned) == [BODY, BODY + "第二句。"]
    assert [(line.kind, line.detail) for line in cleaned.lines if line.text == "12"] == [("furniture", "page number")]


def test_a_line_whose_clause_goes_on_below_is_not_a_heading() -> None:
    cleaned = clean("标题", BODY, "各开展一次核酸检测", "）后解除隔离，" + BODY)
    assert cleaned.document.headings == ()
    wrapped = clean("标题", BODY, "如两次核酸检测阴性，可解除集中隔", BODY + "第二句。", wrapped="yes")
    assert "如两次核酸检测阴性，可解除集中隔" not in wrapped.document.headings
