"""Query expansion (retrieval.expand): the table expanders as pure functions on hand-built vocabularies, the
weighted terms they make, and the bounds that hold for any input."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import expand as ex
from retrieval.expand import Expansion, cantonese, colloquial, expand, expansion_terms, read_table, table_expansions
from retrieval.text import JIEBA_PREFIX, fold_script, query_terms
from tests.retrieval.vocabulary import Vocab


CITY = Vocab([
    "符合条件的配偶可以申请投靠落户。", "子女入学需要提供居住证明。", "电动自行车应当登记上牌，驾驶人应当佩戴安全头盔。",
    "异地就医备案后可直接结算。", "缴纳社会保险费满十五年。", "图书馆开放时间为9:00至21:00。", "住房租赁合同应当登记备案。",
    "新冠疫苗接种点设在社区卫生服务中心。", "新业态就业人员可以参加职业伤害保障。",
])


def test_read_table() -> None:
    table = read_table("# a comment\n娃\t子女|孩子  # why\n\n娃\t儿童|子女\n老婆\t配偶\n")
    assert table == {"娃": ("子女", "孩子", "儿童"), "老婆": ("配偶",)}
    with pytest.raises(ValueError, match="no target"):
        read_table("娃\n")


def test_the_shipped_tables_read_and_fold() -> None:
    assert "配偶" in ex.colloquial_table()["老婆"]
    assert ex.colloquial_table()["电瓶车"] == ("电动自行车",)
    canto = ex.cantonese_table()
    assert canto["冇"] == ("没有",) and canto["幾耐"] == canto["几耐"]  # typed and folded forms
    assert "係" in canto and "系" not in canto  # a character that folds onto everyday Mandarin only as typed


@pytest.mark.parametrize("name", ["colloquial.tsv", "cantonese.tsv", "english.tsv"])
def test_each_shipped_table_names_a_source_once(name: str) -> None:
    """read_table merges a repeated source silently, so a second line for a word is a change that reads as none."""
    sources = [line.split("#", 1)[0].partition("\t")[0].strip() for line in ex.data_text(name).splitlines()]
    sources = [source for source in sources if source]
    assert sorted({s for s in sources if sources.count(s) > 1}) == []


def test_colloquial_words_map_to_the_official_ones_the_index_knows() -> None:
    found = colloquial("老婆可以投靠落户吗", fold_script("老婆可以投靠落户吗"), CITY)
    assert [(e.source, e.term, e.kind, e.start) for e in found if e.source == "老婆"] == [("老婆", "配偶", "colloquial", 0)]
    assert all(e.weight < 1 for e in found)
    assert all(e.replaces for e in found if e.source == "老婆")  # the index lacks 老婆: 配偶 stands for it
    # 妻子 is not in the index: not proposed.
    assert all(e.term != "妻子" for e in found)


def test_a_phrase_and_the_words_inside_it() -> None:
    question = "去外地看病要备案吗"
    terms = {(e.source, e.term) for e in colloquial(question, question, CITY)}
    assert ("去外地看病", "异地就医") in terms


def test_a_word_the_index_has_is_not_replaced() -> None:
    vocab = Vocab(["老婆和配偶是一个意思。", "老婆饼很好吃。", "老婆说了算。", "配偶投靠。"])
    found = [e for e in colloquial("老婆投靠", "老婆投靠", vocab) if e.source == "老婆"]
    assert found and not any(e.replaces for e in found)


def test_cantonese_is_matched_as_typed() -> None:
    question = "喺邊度打針 有冇資助"
    found = {(e.source, e.term) for e in cantonese(question, fold_script(question), CITY)}
    assert {("喺", "在"), ("有冇", "有没有"), ("边度", "哪里")} <= found  # sources in folded form
    # 係 folds to 系 (关系, 系统): only the typed 係 is Cantonese.
    assert not cantonese("关系证明", "关系证明", CITY)
    assert {(e.source, e.term) for e in cantonese("係咪", fold_script("係咪"), CITY)} >= {("系咪", "是不是")}


def test_a_shot_of_vaccine_in_cantonese_reaches_the_vaccine_and_the_english_name_hong_kong_pages_use() -> None:
    vocab = Vocab(["COVID-19疫苗常见问题：接种后保护可以维持多久？", "流感疫苗资助计划。"])
    question = "打完新冠針保護可以維持幾耐"
    found = {(e.source, e.term) for e in cantonese(question, fold_script(question), vocab)}
    assert ("新冠针", "covid") in found  # the page says COVID-19, not 新冠
    assert ("流感针", "流感疫苗") in {(e.source, e.term) for e in cantonese("打流感針", fold_script("打流感針"), vocab)}
    assert ("新冠", "covid") in {(e.source, e.term) for e in colloquial("新冠疫苗", "新冠疫苗", vocab)}


def test_table_targets_need_the_index_or_only_ask() -> None:
    table = {"几点关门": ("开放时间", "营业时间"), "几多": ("多少",)}
    found = table_expansions("图书馆几点关门 几多钱", table, "colloquial", CITY)
    assert [(e.source, e.term) for e in found] == [("几点关门", "开放时间"), ("几多", "多少")]


def test_expansion_terms_are_bigrams_and_words_not_characters() -> None:
    assert expansion_terms("配偶") == ["配偶"]
    assert expansion_terms("电动自行车") == ["电动", "动自", "自行", "行车", JIEBA_PREFIX + "电动", JIEBA_PREFIX + "自行车"]
    assert expansion_terms("在") == ["在"]


def test_expand_weighs_expansions_below_the_question() -> None:
    query = expand("电瓶车要戴头盔吗", CITY, ("colloquial",))
    own = query_terms(fold_script("电瓶车要戴头盔吗"))
    assert list(query.terms[: len(own)]) == own
    assert query.weights is not None and set(query.weights[: len(own)]) == {1.0}
    extra = dict(zip(query.terms[len(own) :], query.weights[len(own) :], strict=True))
    assert "电动" in extra and 0 < extra["电动"] < 1
    assert not set(extra) & set(own)  # a term the question has is not added again
    assert {e.term for e in query.expansions} >= {"电动自行车"}


def test_no_expansion_is_the_plain_query() -> None:
    query = expand("图书馆开放时间", CITY, ("colloquial", "cantonese"))
    assert query.weights is None and query.expansions == ()
    assert list(query.terms) == query_terms(fold_script("图书馆开放时间"))
    assert expand("老婆投靠", CITY, ()).expansions == ()


def test_question_and_function_words_add_no_terms() -> None:
    query = expand("喺邊度打疫苗", CITY, ("cantonese",))
    assert {e.term for e in query.expansions} >= {"在", "哪里"}
    assert query.weights is None  # 在 and 哪里 only tell the evidence the Cantonese words carry no content


def test_cantonese_standard_words_chain_into_the_colloquial_table() -> None:
    query = expand("打針要等幾耐", CITY, ("cantonese", "colloquial"))
    assert any(e.source == "幾耐" and e.kind == "colloquial" for e in query.expansions) or all(
        ex.frequency(t, CITY) == 0 for t in ex.colloquial_table()["多久"])



def test_how_long_is_also_the_written_word_for_taking_time() -> None:
    """幾耐 / 多久 ask how long; a notice answers with 需时 (采样流程需时5分钟) as often as with 时限."""
    vocab = Vocab(["检测采样流程大约需时5分钟。", "办理时限为7个工作日。"])
    for question, kinds in (("採樣要等幾耐", ("cantonese", "colloquial")), ("采样要多久", ("colloquial",))):
        query = expand(question, vocab, kinds)
        assert "需时" in {e.term for e in query.expansions}, question
        assert "需时" in query.terms and query.weights is not None


def test_paying_a_named_insurance_is_its_contribution() -> None:
    """交养老保险 is said like 交社保 and 交医保: the documents say 缴纳…保险费 or 参保缴费."""
    vocab = Vocab(["灵活就业人员可向税务机关申请参保缴费。", "按月缴纳养老保险费。"])
    terms = {e.term for e in colloquial("交养老保险去哪里办", "交养老保险去哪里办", vocab)}
    assert {"缴纳养老保险费", "参保缴费"} <= terms


def test_a_month_a_year_as_a_rate_are_the_documents_per_month_per_year() -> None:
    """一个月能领多少 asks a rate; a benefit notice writes it 每月 (每月2250元) or 按月, a fee 每年 or 年度."""
    vocab = Vocab(["失业保险金目前发放标准为每月2250元。", "城乡居民医保个人缴费标准为每人每年413元。"])
    assert "每月" in {e.term for e in colloquial("失业金一个月能领多少", "失业金一个月能领多少", vocab)}
    assert "每年" in {e.term for e in colloquial("医保一年交多少", "医保一年交多少", vocab)}


BAD = {
    "long Chinese": "我想问一下关于老婆落户和娃上学的问题" * 110,
    "300 English words": " ".join(["how do i apply for a social security card for my children"] * 25),
    "one character repeated": "娃" * 2000,
    "mixed scripts": "喺邊度 apply 電瓶車 ＡＢＣ 𠮶 ١٢٣ кириллица 老婆 " * 40,
    "emoji": "😀🙏🏻👨‍👩‍👧 老婆 🚲电瓶车" * 100,
    "control characters": "\x00\x01老婆\x1b[31m\u200b电瓶车\ufeff\x7f" * 150,
}


@pytest.mark.parametrize("name", list(BAD))
def test_any_input_gets_a_bounded_expansion(name: str) -> None:
    question = BAD[name]
    query = expand(question, CITY, ("colloquial", "cantonese", "typo"))
    assert len(query.expansions) <= ex.MAX_EXPANSIONS
    own = len(query_terms(fold_script(question)))
    assert len(query.terms) - own <= ex.MAX_TERMS
    assert all(e.end <= ex.MAX_SCAN for e in query.expansions)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=60))
def test_any_text_expands_without_error(text: str) -> None:
    query = expand(text, CITY, ("colloquial", "cantonese", "typo"))
    assert query.weights is None or len(query.weights) == len(query.terms)
    for expansion in query.expansions:
        assert isinstance(expansion, Expansion)
        assert query.folded[expansion.start : expansion.end] == expansion.source


def test_the_worst_case_is_fast() -> None:
    """Not a timing assert: the bounds keep the work small; this only shows it finishes (the times are in the README)."""
    started = time.perf_counter()
    for question in BAD.values():
        expand(question, CITY, ("colloquial", "cantonese", "typo"))
    assert time.perf_counter() - started >= 0


def test_warm_up_loads_what_the_first_english_question_or_slip_would_wait_for() -> None:
    from retrieval import english, typo
    from retrieval.expand import warm_up

    english._spread_once.cache_clear()
    typo._sounds_once.cache_clear()
    warm_up(("typo",))
    assert typo._sounds_once.cache_info().currsize == 1 and english._spread_once.cache_info().currsize == 0
    warm_up()
    assert english._spread_once.cache_info().currsize == 1 and english._reversed_once.cache_info().currsize == 1
