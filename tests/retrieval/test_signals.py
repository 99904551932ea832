"""The decline's signals as pure functions, on hand-built questions and candidates."""

from __future__ import annotations

import pytest

from retrieval.evidence import Alternative, Coverage, Unit
from retrieval.signals import (
    NAMES,
    Candidate,
    Signals,
    concentration,
    covered_share,
    names_place,
    place_names,
    places,
    rare_share,
    signals,
    unknown_share,
)

GAZETTEER = frozenset({"深圳", "深圳市", "广州", "广州市", "天河", "天河区"})


def unit(text: str, weight: float = 1.0) -> Unit:
    return Unit(text, weight, latin=text.isascii() and text.isalpha())


def candidate(doc: str, folded: str, score: float, covered: tuple[str, ...], share: float = 0.5, sentence: float = 0.5) -> Candidate:
    return Candidate(doc, folded, score, Coverage(share, sentence, covered))


def everything_known(text: str) -> bool:
    return True


def by_weight(u: Unit) -> float:
    return u.weight


def test_the_shipped_gazetteer_knows_cities_districts_and_hong_kong() -> None:
    names = places()
    assert {"深圳", "深圳市", "广州", "天河区", "天河", "香港", "澳门", "台北", "观塘", "广东", "广东省", "成都"} <= names
    assert not {"公安", "城区", "示范区", "政策"} & names  # 公安县 and 城区 do not make these words places


def test_place_names_are_found_whole_or_with_an_administrative_suffix() -> None:
    units = [unit("深圳"), unit("失业"), unit("天河区"), unit("广州市"), unit("金")]
    assert place_names(units, GAZETTEER) == ["深圳", "天河区", "广州市"]
    assert place_names([unit("珠海市")], frozenset({"珠海"})) == ["珠海市"]
    assert place_names([unit("shenzhen")], GAZETTEER) == []


def test_an_english_place_name_is_the_place_its_english_expansion_gives() -> None:
    """How do I renew my passport in Guangzhou? names 广州 as much as 广州怎么换护照 does."""
    guangzhou = Unit("guangzhou", 1.0, latin=True, alternatives=(Alternative("广州", "english", False),))
    renew = Unit("renew", 1.0, latin=True, alternatives=(Alternative("换领", "english", False),))
    typo = Unit("guangzou", 1.0, latin=True, alternatives=(Alternative("广州", "typo", False),))
    assert place_names([renew, guangzhou], GAZETTEER) == ["广州"]
    assert place_names([typo], GAZETTEER) == []  # only what the English expander says the word means
    assert place_names([unit("广州"), guangzhou], GAZETTEER) == ["广州"]  # once
    # Only the first reading: Wanzai is 万载 (a county the gazetteer lacks) before it is 湾仔 (Hong Kong's).
    wanzai = Unit("wanzai", 1.0, latin=True, alternatives=(Alternative("万载", "english", False), Alternative("湾仔", "english", False)))
    assert place_names([wanzai], GAZETTEER | {"湾仔"}) == []
    assert place_names([wanzai], GAZETTEER | {"湾仔", "万载"}) == ["万载"]


def test_a_place_is_named_under_its_full_or_short_name() -> None:
    assert names_place("深圳市失业保险金标准", "深圳")
    assert names_place("深圳失业保险金标准", "深圳市")
    assert not names_place("广州市失业保险金标准", "深圳市")


def test_a_group_name_names_each_of_its_places() -> None:
    assert names_place("港澳居民随迁子女积分入学", "香港")  # 港澳: Hong Kong and Macau
    assert names_place("港澳台居民居住证", "澳门特别行政区")
    assert names_place("京津冀协同发展", "天津市")
    assert not names_place("港澳居民随迁子女积分入学", "台湾")  # 港澳 is not 港澳台
    assert not names_place("广州市天河区", "香港")


def test_shares_weigh_what_is_covered() -> None:
    units = [unit("失业", 2.0), unit("金", 1.0), unit("能领", 3.0)]
    assert covered_share(units, ["失业", "金"]) == pytest.approx(0.5)
    assert covered_share(units, ["失业", "金"], lambda u: u.text != "能领") == pytest.approx(1.0)
    assert unknown_share(units, lambda text: text != "能领") == pytest.approx(0.5)
    assert covered_share([], ["x"]) == 0.0 and unknown_share([], everything_known) == 0.0


def test_a_word_an_expansion_bridged_is_not_unknown() -> None:
    typo = Unit("机分", 2.0, False, (Alternative("积分", "typo", False),))
    unbridged = Unit("图书馆", 2.0, False, (Alternative("藏书楼", "colloquial", False),))
    known = {"积分", "入学"}.__contains__
    assert unknown_share([typo, unit("入学", 2.0)], known) == 0.0
    assert unknown_share([unbridged, unit("入学", 2.0)], known) == pytest.approx(0.5)


def test_rare_share_looks_at_the_rarest_known_terms() -> None:
    units = [unit("社保卡", 6.0), unit("生僻字", 8.0), unit("名字", 3.0), unit("网上", 2.0), unit("申清", 11.0)]
    cover = Coverage(0.5, 0.5, ("社保卡", "生僻字", "网上"))
    assert rare_share(units, cover, by_weight) == pytest.approx(8.0 / 19.0)  # the typo 申清 counts among the rarest
    assert rare_share(units, cover, by_weight, lambda text: text != "申清") == pytest.approx(1.0)  # ... unless unknown
    assert rare_share([], cover, by_weight) == 0.0


def test_another_citys_passage_misses_the_place() -> None:
    units = [unit("深圳", 2.0), unit("失业", 2.0), unit("金", 0.7)]
    guangzhou = [candidate("gz-faq", "广州失业保险常见问题\n失业金每月按最低工资的90%发放", 2.0, ("失业", "金")),
                 candidate("gz-faq", "失业金怎么领", 1.5, ("失业", "金"))]
    found = signals(units, guangzhou, known=everything_known, specificity=by_weight, gazetteer=GAZETTEER)
    assert found.place_missing == 1.0 and found.place_matched == 0.0

    shenzhen = [candidate("sz", "深圳市失业保险金标准", 2.0, ("深圳", "失业", "金"))]
    found = signals(units, shenzhen, known=everything_known, specificity=by_weight, gazetteer=GAZETTEER)
    assert found.place_missing == 0.0 and found.place_matched == 1.0


def test_a_place_the_documents_publisher_names_counts_as_named() -> None:
    units = [unit("广州", 2.0), unit("养老保险", 5.0)]
    page = Candidate("gz-rsj", "灵活就业人员参加养老保险简介\n本市户籍灵活就业人员可以个人身份参保", 2.0,
                     Coverage(0.7, 0.7, ("养老保险",)), publisher="广州市人力资源和社会保障局网站")
    found = signals(units, [page], known=everything_known, specificity=by_weight, gazetteer=GAZETTEER)
    assert found.place_missing == 0.0 and found.place_matched == 1.0
    elsewhere = Candidate("sz-rsj", page.folded, 2.0, page.coverage, publisher="深圳市人力资源和社会保障局")
    found = signals(units, [elsewhere], known=everything_known, specificity=by_weight, gazetteer=GAZETTEER)
    assert found.place_missing == 1.0


def test_a_place_named_elsewhere_in_the_document_counts_as_named() -> None:
    units = [unit("天河", 2.0), unit("人才公寓", 5.0)]
    ranked = [candidate("tianhe", "人才公寓申请条件", 3.0, ("人才公寓",)), candidate("other", "天河公园", 2.0, ("天河",)),
              candidate("tianhe", "天河区人才公寓公告", 1.0, ("天河", "人才公寓"))]
    found = signals(units, ranked, known=everything_known, specificity=by_weight, gazetteer=GAZETTEER)
    assert found.place_missing == 0.0 and found.place_matched == 1.0
    assert found.concentration == pytest.approx(2 / 3)
    assert found.doc_share == pytest.approx(1.0)  # the document's candidates cover both units together
    assert found.share == 0.5


def test_no_place_in_the_question_is_neither_missing_nor_matched() -> None:
    found = signals([unit("社保卡")], [candidate("a", "社保卡", 1.0, ("社保卡",))], known=everything_known, specificity=by_weight,
                    gazetteer=GAZETTEER)
    assert found.place_missing == 0.0 and found.place_matched == 0.0


def test_concentration_is_not_measured_in_an_index_of_one_document() -> None:
    assert concentration(3, 3, documents=1) is None
    assert concentration(3, 3, documents=2) == 1.0 and concentration(0, 4, documents=2) == 0.0
    assert concentration(1, 2, documents=None) == 0.5  # documents unknown: the plain share


def test_margins_and_numbers() -> None:
    units = [unit("80", 3.0), unit("高龄", 4.0), unit("津贴", 3.0)]
    ranked = [candidate("a", "高龄津贴每月发放", 2.0, ("高龄", "津贴"), sentence=0.7),
              candidate("b", "80岁以上老人", 1.5, ("80",), sentence=0.3)]
    first = signals(units, ranked, known=everything_known, specificity=by_weight)
    second = signals(units, ranked, 1, known=everything_known, specificity=by_weight)
    assert first.margin == pytest.approx(0.25) and second.margin == pytest.approx(-1 / 3)
    assert first.sentence_margin == pytest.approx(0.4) and second.sentence_margin == pytest.approx(-0.4)
    assert first.number_missing == 1.0 and second.number_missing == 0.0


def test_expansion_share_is_the_coverage_that_only_expansions_found() -> None:
    ranked = [Candidate("a", "x", 1.0, Coverage(0.5, 0.5, (), expanded_share=0.4))]
    assert signals([unit("x")], ranked, known=everything_known, specificity=by_weight).expansion_share == 0.4
    plain = [candidate("a", "x", 1.0, ())]
    assert signals([unit("x")], plain, known=everything_known, specificity=by_weight).expansion_share == 0.0


def test_signals_give_every_named_feature_in_order() -> None:
    found = Signals(*[float(i) for i in range(len(NAMES))])
    assert found.vector(NAMES) == [float(i) for i in range(len(NAMES))]
    assert found.vector(["margin", "share"]) == [float(NAMES.index("margin")), 0.0]
    with pytest.raises(KeyError):
        found.vector(["nothing"])


def test_answer_signals_say_whether_the_passage_holds_the_kind_of_answer_asked() -> None:
    holding = Candidate("a", "x", 1.0, Coverage(0.5, 0.5, (), answer_asked=True, holds_answer=True))
    lacking = Candidate("b", "x", 0.8, Coverage(0.5, 0.5, (), answer_asked=True, holds_answer=False))
    unasked = Candidate("c", "x", 0.6, Coverage(0.5, 0.5, ()))
    ranked = [holding, lacking, unasked]
    found = [signals([unit("x")], ranked, at, known=everything_known, specificity=by_weight) for at in range(3)]
    assert [(s.answer_missing, s.answer_held) for s in found] == [(0.0, 1.0), (1.0, 0.0), (0.0, 0.0)]


def test_new_signals_come_after_the_old_ones() -> None:
    # Fitted models name their terms, but observation files and tables list NAMES in order: new ones are appended.
    assert NAMES[:14] == ("share", "sentence_share", "known_share", "doc_share", "doc_gain", "rare_share", "unknown_share",
                          "place_missing", "place_matched", "number_missing", "margin", "sentence_margin", "concentration",
                          "expansion_share")
    assert NAMES[14:] == ("answer_missing", "answer_held", "title_share")


def test_the_title_share_is_the_passage_s_coverage_s() -> None:
    under = Candidate("a", "x", 1.0, Coverage(0.5, 0.5, (), title_share=0.4))
    other = Candidate("b", "x", 0.8, Coverage(0.5, 0.5, ()))
    found = [signals([unit("x")], [under, other], at, known=everything_known, specificity=by_weight) for at in range(2)]
    assert [s.title_share for s in found] == [0.4, 0.0]
