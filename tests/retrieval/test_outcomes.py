"""The three outcomes of Searcher.search (quote, quote under a hedge, decline) on a small hand-built index."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.build import build_index
from retrieval.config import IndexSettings
from retrieval.decline import DeclineModel, Logistic
from retrieval.model import Confidence, DeclineReason
from retrieval.search import Searcher, quoted_places
from tests.retrieval.conftest import make_passage

SETTINGS = IndexSettings(model="none", progress=False)
PASSAGES = [
    make_passage("ui-1", "参保人失业后，失业保险金每月按本市最低工资标准的90%发放，最长领取24个月。", doc="gz-ui", title="广州市失业保险常见问题解答"),
    make_passage("ui-2", "失业保险金由社会保险经办机构按月发放，可通过穗好办申领。", doc="gz-ui", title="广州市失业保险常见问题解答", position=1),
    make_passage("card-1", "申领社会保障卡需要本人有效身份证件，可在合作银行网点或线上办理。", doc="gz-card", title="广州市社会保障卡申领指南"),
    make_passage("park-1", "本市居民小区停车位优先满足业主需要，不得占用消防通道。", doc="bj-park", title="北京市机动车停车条例"),
    make_passage("school-1", "天河区公办小学网上报名时间为5月7日至11日，逾期不予受理。", doc="th-school", title="天河区义务教育招生细则"),
]
# A model made for the test: a question the passage covers is confident, another city's passage is hedged, a
# passage that covers little is declined. The same function serves as both probabilities here.
_COVERAGE = Logistic(terms=("share", "place_missing"), mean=(0.0, 0.0), scale=(1.0, 1.0), coef=(8.0, -2.0), intercept=-3.0)
TEST_MODEL = DeclineModel(answers=_COVERAGE, right=_COVERAGE, high=0.9, low=0.3)


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("outcomes") / "index"
    build_index(PASSAGES, index_dir, SETTINGS)
    return index_dir


@pytest.fixture(scope="module")
def searcher(small_index: Path) -> Searcher:
    return Searcher.open(small_index, SETTINGS, decline=TEST_MODEL)


def test_a_covered_question_is_quoted_confidently(searcher: Searcher) -> None:
    answer = searcher.search("广州失业保险金每月发多少")
    assert answer.answered and not answer.hedged and answer.confidence is Confidence.HIGH
    assert answer.hits[0].passage.id == "ui-1"
    assert answer.hits[0].score >= TEST_MODEL.high**2  # a hit's score: that the corpus answers, times that it is the answer


def test_another_citys_question_is_only_hedged_and_quotes_what_answers_on_its_own_evidence(searcher: Searcher) -> None:
    answer = searcher.search("深圳失业保险金每月发多少", k=3)
    assert answer.answered and answer.hedged and answer.confidence is Confidence.LOW
    assert [hit.passage.id for hit in answer.hits] == ["ui-1"]  # ui-2 (how it is paid, not how much) is below low
    assert TEST_MODEL.low**2 <= answer.hits[0].score < TEST_MODEL.high**2
    assert not searcher.search("深圳失业保险金每月发多少", k=3, offset=1).answered  # nothing further answers


def test_a_hedged_answer_quotes_the_further_passages_a_confident_one_would(searcher: Searcher) -> None:
    question = "深圳失业保险金怎么发放"  # both passages of the Guangzhou FAQ answer it as far as words go; neither is sure
    answer = searcher.search(question, k=3)
    assessed = searcher.assess(question, n=3)
    assert answer.hedged and max(assessed.right) < TEST_MODEL.high
    assert {hit.passage.id for hit in answer.hits} == {"ui-1", "ui-2"}
    assert [p >= TEST_MODEL.low for p in assessed.probabilities] == [True, True, False]  # the third is not quoted
    assert [hit.passage.id for hit in searcher.search(question, k=3, offset=1).hits] == [answer.hits[1].passage.id]


def test_a_question_the_passages_barely_cover_is_declined(searcher: Searcher) -> None:
    answer = searcher.search("护照过期了去哪里换新的")
    assert not answer.answered and answer.decline is DeclineReason.NOT_COVERED
    assert "probability" in answer.detail


def test_a_confident_answer_quotes_further_passages_only_on_their_own_evidence(searcher: Searcher) -> None:
    answer = searcher.search("失业保险金怎么发放", k=3)
    assert answer.confidence is Confidence.HIGH
    assert all(hit.score >= TEST_MODEL.low**2 for hit in answer.hits)
    assert {hit.passage.doc_id for hit in answer.hits} == {"gz-ui"}


def test_a_further_passage_with_more_evidence_than_the_first_is_never_left_out() -> None:
    assert quoted_places([0.9, 0.6, 0.3], low=0.5) == [0, 1]  # on their own evidence, at least low
    assert quoted_places([0.29, 0.41, 0.38], low=0.49) == [0, 1, 2]  # below low, but above the first quoted
    assert quoted_places([0.29, 0.41, 0.2], low=0.49) == [0, 1]
    assert quoted_places([0.9, 0.6, 0.3], low=0.5, offset=1) == [1]  # "more results" go on from the offset
    assert quoted_places([], low=0.5) == []


@pytest.mark.parametrize(
    ("question", "reason"),
    [("唔該晒", DeclineReason.THANKS), ("早晨", DeclineReason.GREETING), ("bye", DeclineReason.FAREWELL),
     ("are you a bot", DeclineReason.SMALL_TALK), ("今年", DeclineReason.VAGUE), ("发展", DeclineReason.VAGUE)],
)
def test_what_is_not_a_question_is_declined_before_searching(searcher: Searcher, question: str, reason: DeclineReason) -> None:
    answer = searcher.search(question)
    assert answer.decline is reason and not answer.hits


def test_the_shipped_model_gives_the_three_kinds_of_answer(small_index: Path) -> None:
    shipped = Searcher.open(small_index, SETTINGS)
    confident = shipped.search("天河区公办小学网上报名时间")
    assert confident.answered and confident.hits[0].passage.id == "school-1"
    assert not shipped.search("护照过期了去哪里换新的").answered
    assessed = shipped.assess("天河区公办小学网上报名时间", n=2)
    assert len(assessed.signals) == 2 and len(assessed.probabilities) == 2
    assert assessed.probabilities[0] > assessed.probabilities[1]
