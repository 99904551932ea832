"""Answer types (retrieval.answer_type) as pure functions, the coverage that records them (retrieval.evidence), and
the ranking bonus they give on a small real index (retrieval.search)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import search
from retrieval.answer_type import asked_types, default_catalogue, holds, parse_catalogue
from retrieval.build import build_index
from retrieval.config import IndexSettings
from retrieval.evidence import Unit, coverage
from retrieval.search import Searcher, answer_bonus
from retrieval.text import fold_script
from tests.retrieval.conftest import make_passage


def asked(question: str) -> list[str]:
    return [t.name for t in asked_types(fold_script(question))]


def held(name: str, text: str) -> bool:
    return holds([default_catalogue().types[name]], fold_script(text))


@pytest.mark.parametrize(("question", "types"), [
    ("图书馆几点关门", ["time"]),
    ("What time does the library close", ["time"]),
    ("办社保卡要多少钱", ["money"]),
    ("打流感針政府資助幾多錢", ["money"]),  # traditional script and Cantonese fold to the same cue
    ("How much is the fee", ["money"]),
    ("护理补贴一个月多少", ["money"]),  # how much a month: an amount
    ("审核要多久", ["duration"]),
    ("等候要幾耐", ["duration"]),
    ("申论考几个小时", ["duration"]),  # the longest cue wins: 几个小时, not 几个 (a count)
    ("社保局电话是什么", ["phone"]),
    ("几时开始报名", ["date"]),
    ("When can I apply", ["date"]),
    ("一共有多少所学校", ["count"]),
    ("How many hospitals are there", ["count"]),
    ("多大可以办身份证", ["age"]),
    ("办居住证要带什么材料", ["materials"]),
    ("What documents do I need to bring", ["materials"]),
    # Cantonese asks with 幾多 where Mandarin asks with 多少: the same cues in its words
    ("失業金一個月可以攞幾多", ["money"]),
    ("創業擔保貸款最多借到幾多", ["money"]),
    ("電子居住證審核要幾多日", ["duration"]),
    ("萬載縣總共有幾多間學校", ["count"]),
    ("幾多歲可以攞長者卡", ["age"]),
    ("租屋備案要帶啲咩文件", ["materials"]),
])
def test_a_question_asks_the_types_its_cue_words_name(question: str, types: list[str]) -> None:
    assert asked(question) == types


@pytest.mark.parametrize("question", ["为什么领不到钱", "能网上申请吗", "丢了怎么办", "Whenever possible, open the costume shop"])
def test_questions_that_ask_why_whether_or_how_ask_no_type(question: str) -> None:
    # English cues are whole words: "whenever" is not "when", "costume" is not "cost".
    assert asked(question) == []


def test_one_question_may_ask_two_types() -> None:
    assert asked("At what age must I apply, and within how long?") == ["age", "duration"]


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("time", "开放时间为9:00至17:30", True),
    ("time", "每天上午九点开门", True),
    ("time", "图书馆每天开放", False),
    ("money", "每人每月1309元", True),
    ("money", "65岁以上老年人免费乘坐", True),
    ("money", "每针资助$210", True),
    ("money", "可以申请补贴", False),
    ("duration", "15个工作日内完成审核", True),
    ("duration", "自年满十六周岁之日起三个月内申请", True),
    ("duration", "最长不超过3年", True),
    ("duration", "2025年起施行", False),  # a year is a date, not a duration
    ("phone", "咨询电话：020-12345678", True),
    ("phone", "拨打12345热线", True),
    ("phone", "请致电咨询", False),
    ("date", "2026年5月7日至11日网上报名", True),
    ("date", "9月下旬开始", True),
    ("date", "报名须本人办理", False),
    ("count", "全县现有学校228所", True),
    ("count", "学校数量大幅增加", False),
    ("age", "年满十八周岁的公民", True),
    ("materials", "需提供身份证复印件", True),
    ("materials", "按规定办理即可", False),
])
def test_a_text_holds_an_instance_of_a_type(name: str, text: str, expected: bool) -> None:
    assert held(name, text) is expected


@pytest.mark.parametrize(("question", "text", "expected"), [
    ("万载县一共有多少所学校", "全县现有学校228所", True),
    ("万载县一共有多少所学校", "全县在校学生102090人", False),  # a count, but of pupils
    ("天河人才公寓这批有多少套", "房源总套数554套", True),
    ("消費券網上登記咗幾多人", "网上登记人数达3.2万人", True),
    ("消費券網上登記咗幾多人", "已有500名市民登记", True),  # 名 counts people as 人 does
    ("消費券網上登記咗幾多人", "设登记点20个", False),
    ("志愿能填几个", "填报1-2个志愿", True),  # 个 names no measure word of its own: any count
    ("志愿能填几个", "共有学校5所", True),
])
def test_a_cue_that_names_its_measure_word_asks_for_a_count_in_it(question: str, text: str, expected: bool) -> None:
    asked = asked_types(fold_script(question))
    assert [t.name for t in asked] == ["count"]
    assert holds(asked, fold_script(text)) is expected


def test_a_catalogue_is_read_from_data() -> None:
    catalogue = parse_catalogue({"number": r"\d+", "types": {"weight": {
        "cues": ["多重"], "cues_en": ["how heavy"], "units": ["公斤"], "words": ["很轻"], "patterns": [r"\d+kg"]}}})
    assert [t.name for t in asked_types("这个多重", catalogue)] == ["weight"]
    assert [t.name for t in asked_types("how heavy is it", catalogue)] == ["weight"]
    assert asked_types("多少钱", catalogue) == ()
    weight = catalogue.types["weight"]
    assert holds([weight], "重5公斤") and holds([weight], "很轻") and holds([weight], "5kg") and not holds([weight], "重5")


def test_coverage_says_whether_and_in_which_sentence_the_passage_holds_the_asked_type() -> None:
    units = (Unit("图书馆", 2.0, False), Unit("关门", 1.0, False))
    time = asked_types("图书馆几点关门")
    passage = "图书馆今年装修。周末关门时间为21:00。"
    found = coverage(units, passage, time)
    assert found.answer_asked and found.holds_answer
    assert found.sentence_share == pytest.approx(2 / 3)  # the best sentence is the one with 图书馆...
    assert found.answer_sentence_share == pytest.approx(1 / 3)  # ... but the time stands in the one with 关门
    missing = coverage(units, "图书馆关门后请勿逗留。", time)
    assert missing.answer_asked and not missing.holds_answer and missing.answer_sentence_share == 0.0
    plain = coverage(units, passage)
    assert not plain.answer_asked and not plain.holds_answer


def test_the_bonus_is_for_passages_that_hold_the_asked_type() -> None:
    units = (Unit("图书馆", 1.0, False),)
    time = asked_types("图书馆几点关门")
    assert answer_bonus(coverage(units, "图书馆21:00关门。", time)) == pytest.approx(search.ANSWER_WEIGHT + search.ANSWER_SENTENCE_WEIGHT)
    assert answer_bonus(coverage(units, "图书馆关门后请勿逗留。", time)) == 0.0
    assert answer_bonus(coverage(units, "图书馆21:00关门。")) == 0.0


TEXTS = {
    "rules": "图书馆关门前请归还图书。图书馆关门后读者不得进入图书馆，图书馆关门期间图书馆不办理借阅。",
    "hours": "图书馆每天上午9:00开门，晚上21:00关门。",
    "tax": "企业所得税按年计算，分月或者分季预缴。",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("answer-type") / "index"
    build_index([make_passage(f"p{i}", text, title="文件") for i, text in enumerate(TEXTS.values())], directory,
                IndexSettings(model="none", progress=False))
    return directory


def _first(searcher: Searcher, question: str) -> str:
    return list(TEXTS)[int(searcher.passage_at(searcher.rank(question, 3)[0].row).id[1:])]


def test_the_passage_that_holds_the_asked_time_ranks_first(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    searcher = Searcher.open(index, IndexSettings(model="none", progress=False))
    assert _first(searcher, "图书馆几点关门") == "hours"
    assert _first(searcher, "圖書館幾點關門") == "hours"
    # Without the bonus the passage that repeats the question's words wins: the test can fail.
    monkeypatch.setattr(search, "ANSWER_WEIGHT", 0.0)
    monkeypatch.setattr(search, "ANSWER_SENTENCE_WEIGHT", 0.0)
    assert _first(searcher, "图书馆几点关门") == "rules"



def test_the_question_s_own_year_is_not_an_answer_to_when() -> None:
    asked = asked_types("2026年度城乡居民医保什么时候缴费")
    units = (Unit("2026", 5.0, False), Unit("城乡居民", 3.0, False), Unit("缴费", 2.0, False))
    assert holds(asked, "已缴纳2026年度城乡居民医疗保险费的学生")  # a year is a date ...
    own_year_only = coverage(units, "已缴纳2026年度城乡居民医疗保险费的学生", asked)
    assert not own_year_only.holds_answer  # ... but not when it is the year the question names
    dated = coverage(units, "2026年度城乡居民医保集中缴费时间为2025年9月下旬至2025年12月20日。", asked)
    assert dated.holds_answer and dated.answer_sentence_share > 0
    other_year = coverage(units, "2025年度城乡居民医保缴费已结束。", asked)
    assert other_year.holds_answer  # another year still says when
