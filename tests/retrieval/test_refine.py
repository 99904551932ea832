"""The lexical refinement's terms, on a small hand-built index: an earlier paragraph first among siblings that
cover a question alike, and never ahead of a sibling that covers it better. The refined order is read as it is,
without the learned choice among siblings that follows it (retrieval.siblings, tested in test_siblings.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import search
from retrieval.build import build_index
from retrieval.config import IndexSettings
from retrieval.search import Searcher
from retrieval.siblings import KEEP_ORDER
from tests.retrieval.conftest import make_passage

SETTINGS = IndexSettings(model="none", progress=False)
TITLE = "关于开展2026年度城乡居民医保参保缴费工作的通知"
# Two paragraphs of one notice that say the same about the question, one early and one late (shorter, so that BM25
# puts it a hair ahead), and a late one that says more of it; a distractor from another document.
PASSAGES = [
    make_passage("early", "城乡居民医保个人缴费标准为每人每年400元，按年度缴纳。", doc="notice", title=TITLE, position=1),
    make_passage("filler", "各区医保部门负责做好政策宣传和解释工作。", doc="notice", title=TITLE, position=2),
    make_passage("late", "城乡居民医保个人缴费标准为每人每年400元。", doc="notice", title=TITLE, position=40),
    make_passage("late-better", "在校学生参加城乡居民医保，个人缴费标准为每人每年400元，财政补助另计。", doc="notice", title=TITLE, position=30),
    make_passage("other", "职工医保缴费基数按上年度工资确定。", doc="other", title="职工医保缴费基数通知"),
]


def _searcher_over(passages: list, tmp_path_factory: pytest.TempPathFactory, name: str) -> Searcher:
    index_dir = tmp_path_factory.mktemp(name) / "index"
    build_index(passages, index_dir, IndexSettings(model="none", progress=False))
    return Searcher.open(index_dir, SETTINGS, siblings=KEEP_ORDER)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    return _searcher_over(PASSAGES, tmp_path_factory, "refine")


def _order(searcher: Searcher, question: str) -> list[str]:
    return [searcher.passage_at(item.row).id for item in searcher.rank(question, n=5)]


def test_of_siblings_that_cover_a_question_alike_the_earlier_paragraph_goes_first(searcher: Searcher) -> None:
    order = _order(searcher, "城乡居民医保个人缴费标准是多少")
    assert order.index("early") < order.index("late")


def test_the_order_of_those_siblings_is_the_position_term_s_doing(searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "POSITION_WEIGHT", 0.0)
    order = _order(searcher, "城乡居民医保个人缴费标准是多少")
    assert order.index("late") < order.index("early")


def test_a_later_paragraph_that_covers_more_of_the_question_still_goes_first(searcher: Searcher) -> None:
    order = _order(searcher, "在校学生交城乡居民医保个人缴费标准是多少")
    assert order[0] == "late-better"


def test_whether_the_documents_answer_is_judged_on_the_best_evidence_not_on_the_position_term(
        searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    question = "城乡居民医保个人缴费标准是多少"
    assessed = searcher.assess(question, n=3)
    assert searcher.passage_at(assessed.ranked[0].row).id == "early"
    assert searcher.passage_at(max(assessed.ranked, key=lambda item: item.score).row).id == "late"
    monkeypatch.setattr(search, "POSITION_WEIGHT", 0.0)
    without = searcher.assess(question, n=3)
    assert searcher.passage_at(without.ranked[0].row).id == "late"
    # The decline's view of the question is the same either way: the lead's signals and the probability on them.
    assert assessed.lead == without.lead == without.signals[0]
    assert assessed.answers == pytest.approx(without.answers)
    assert without.answers == pytest.approx(without.probabilities[0])


YEARS_TITLE = "残疾人两项补贴2025年发放情况和2026年发放标准"
YEARS = [
    make_passage("2025", "2025年1月起，全市重度残疾人护理补贴标准为每人每月280元。", doc="subsidy", title=YEARS_TITLE, position=0),
    make_passage("2026", "2026年1月起，全市重度残疾人护理补贴标准提高至每人每月290元。", doc="subsidy", title=YEARS_TITLE, position=1),
    make_passage("other", "职工医保缴费基数按上年度工资确定。", doc="other", title="职工医保缴费基数通知"),
]


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    return _searcher_over(YEARS, tmp_path_factory, "years")


def test_the_sibling_that_says_the_question_s_year_goes_first(years: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    question = "2026年重度残疾人护理补贴一个月多少"
    assert _order(years, question)[0] == "2026"  # although its title names both years for both paragraphs
    monkeypatch.setattr(search, "NUMBER_WEIGHT", 0.0)
    assert _order(years, question)[0] == "2025"  # the number term's doing: otherwise the earlier paragraph first


def test_a_number_counts_only_as_a_number() -> None:
    from retrieval.evidence import Unit, coverage

    units = (Unit("65", 4.0, False), Unit("老人", 2.0, False))
    assert coverage(units, "年满65岁的老人").number_share == 1.0
    assert coverage(units, "第165条 老人").number_share == 0.0  # not inside 165
    assert coverage(units, "老人\n年满65岁", title=3).number_share == 1.0
    assert coverage(units, "65岁老人优待\n老人乘车", title=7).number_share == 0.0  # in the title alone
    assert coverage((Unit("老人", 2.0, False),), "年满65岁的老人").number_share == 0.0  # no number asked
