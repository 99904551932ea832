"""Query expansion through Searcher.rank on a small real index: the colloquial, Cantonese, mistyped and English ways
of asking find the passage that uses the documents' words, and the evidence says what came through expansions."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.build import build_index
from retrieval.config import IndexSettings
from retrieval.search import Searcher
from tests.retrieval.conftest import make_passage

LEXICAL = IndexSettings(model="none", progress=False)
TEXTS = {
    "ebike": "电动自行车驾驶人和乘坐人员应当佩戴安全头盔，电动自行车应当登记上牌。",
    "spouse": "符合条件的配偶可以申请投靠入户，需提供结婚证和户口簿。",
    "points": "积分制入户的申请人积分达到100分的，可以申请入户。",
    "medical": "参保人员异地就医前应当办理备案手续，备案后可以直接结算。",
    "kindergarten": "适龄儿童可以在居住地就近入读幼儿园，幼儿园招生时间为每年五月。",
    "library": "图书馆每周二至周日开放，开放时间为上午9时至晚上9时。",
    "tax": "企业所得税按年计算，分月或者分季预缴。",
    "road": "道路交通安全法规定机动车应当在规定地点停放。",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("expansion") / "index"
    # Ids and titles that share no word with the questions (the title is matched with each passage).
    build_index([make_passage(f"p{i}", text, title="文件") for i, text in enumerate(TEXTS.values())], directory, LEXICAL)
    return directory


def _top(searcher: Searcher, question: str) -> str:
    ranked = searcher.rank(question, 3)
    return list(TEXTS)[int(searcher.passage_at(ranked[0].row).id[1:])] if ranked else ""


@pytest.mark.parametrize(("question", "expected"), [
    ("电瓶车要上牌吗", "ebike"),
    ("老婆能投靠落户吗", "spouse"),
    ("机分多少能入户", "points"),
    ("去外地看病要先办什么", "medical"),
    ("娃幾時可以報名讀幼稚園", "kindergarten"),
    ("When can my children go to kindergarten", "kindergarten"),
])
def test_the_ways_citizens_ask_find_the_documents_words(index: Path, question: str, expected: str) -> None:
    searcher = Searcher.open(index, LEXICAL)
    assert _top(searcher, question) == expected


def test_without_expansion_english_finds_nothing(index: Path) -> None:
    plain = Searcher.open(index, LEXICAL, expansions=())
    assert plain.rank("When can my children go to kindergarten", 3) == []
    assert plain.query("电瓶车要上牌吗").expansions == ()


def test_coverage_says_what_came_through_expansions(index: Path) -> None:
    searcher = Searcher.open(index, LEXICAL)
    top = searcher.rank("电瓶车要戴头盔吗", 1)[0]
    assert searcher.passage_at(top.row).text == TEXTS["ebike"]
    assert 0 < top.coverage.expanded_share < top.coverage.share
    assert top.coverage.expansion_kinds == ("colloquial",)
    assert "电动自行车" in top.coverage.covered
    english = searcher.rank("kindergarten for children", 1)[0]
    assert english.coverage.expanded_share == pytest.approx(english.coverage.share) and english.coverage.share > 0
    assert english.coverage.expansion_kinds == ("english",)


def test_the_question_as_rank_sees_it(index: Path) -> None:
    query = Searcher.open(index, LEXICAL).query("老婆能投靠落户吗")
    assert any(e.source == "老婆" and e.term == "配偶" and e.kind == "colloquial" for e in query.expansions)
    assert query.weights is not None and max(query.weights) == 1.0 and min(query.weights) < 1.0
