"""Counts written the other way (retrieval.numerals): Chinese numerals ↔ digits, with what they count."""

from __future__ import annotations

import pytest

from retrieval.numerals import chinese_numeral, chinese_value, numeral_expansions
from tests.retrieval.vocabulary import Vocab

NOTICE = Vocab(["累计缴费满15年的，按月领取基本养老金。", "2人户中2人均年满18周岁。", "个人缴费1000元。",
                "缴费满十五年的，按月领取。", "连续缴费满3年。"])


@pytest.mark.parametrize(("numeral", "value"), [
    ("二", 2), ("两", 2), ("十", 10), ("十五", 15), ("二十", 20), ("二十三", 23), ("一百零五", 105), ("两百", 200),
    ("一千二百", 1200), ("三万", 30000), ("一亿两千万", 120_000_000), ("二〇二五", 2025),
])
def test_values(numeral: str, value: int) -> None:
    assert chinese_value(numeral) == value


@pytest.mark.parametrize("numeral", ["", "零", "三五", "一二", "万", "半"])
def test_not_one_number(numeral: str) -> None:
    assert chinese_value(numeral) is None  # 三五: "three or five", not 35


def test_chinese_numerals_below_a_hundred() -> None:
    assert [chinese_numeral(v) for v in (2, 10, 15, 20, 21, 99)] == ["二", "十", "十五", "二十", "二十一", "九十九"]
    assert chinese_numeral(0) == chinese_numeral(100) == ""


def pairs(question: str) -> list[tuple[str, str]]:
    return [(e.source, e.term) for e in numeral_expansions(question, NOTICE, 0.8)]


def test_a_chinese_count_finds_the_digits_the_documents_use() -> None:
    assert pairs("社保交不满十五年怎么办") == [("十五年", "15年")]
    assert pairs("两个人住能申请吗") == [("两个人", "2人")]  # 个 dropped, as a notice writes 2人
    assert pairs("一千元要自己付吗") == [("一千元", "1000元")]
    assert pairs("交了三年社保") == [("三年", "3年")]


def test_digits_find_the_chinese_count_a_law_uses() -> None:
    assert pairs("社保要交满15年吗") == [("15年", "十五年")]


def test_what_is_not_a_count_is_left_alone() -> None:
    assert pairs("第三年怎么算") == []  # an ordinal
    assert pairs("十分感谢") == []  # a word (very), not ten minutes
    assert pairs("百分之五十") == []  # a share
    assert pairs("一年交多少") == []  # a lone 一: a rate (colloquial.tsv's business)
    assert pairs("交满八年") == []  # the index has no 8年


def test_expansions_are_numeral_kind_and_keep_their_place() -> None:
    question = "不满十五年"
    [expansion] = numeral_expansions(question, NOTICE, 0.8)
    assert (expansion.kind, expansion.start, expansion.weight, expansion.replaces) == ("numeral", 2, 0.8, False)
    assert question[expansion.start : expansion.end] == "十五年"


def test_a_question_of_counts_only_stays_bounded() -> None:
    from retrieval.expand import MAX_EXPANSIONS, expand

    query = expand(("十五年两个人一千元" * 250)[:2000], NOTICE)
    assert 0 < len(query.expansions) <= MAX_EXPANSIONS
