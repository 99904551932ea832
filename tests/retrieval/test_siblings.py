"""The learned choice among sibling paragraphs (retrieval.siblings): its evidence, its reordering, the shipped model,
and what it leaves alone through the Searcher (which document goes first; an index of one-paragraph documents)."""

from __future__ import annotations

import json
import math
from importlib import resources

import pytest

from retrieval.build import build_index
from retrieval.config import IndexSettings
from retrieval.evidence import Coverage
from retrieval.search import Searcher
from retrieval.siblings import KEEP_ORDER, TERMS, SiblingModel, choose_first, default_model, features
from tests.retrieval.conftest import make_passage

SETTINGS = IndexSettings(model="none", progress=False)


def test_features_read_the_refined_ranking_s_evidence() -> None:
    cover = Coverage(share=0.8, sentence_share=0.6, covered=("医保",), expanded_share=0.1, holds_answer=True,
                     answer_sentence_share=0.5, title_share=0.3, number_share=1.0)
    assert features(0.9, cover, 3) == {
        "bm25": 0.9, "sentence": 0.6, "share": 0.8, "title": 0.3, "holds_answer": 1.0, "answer_sentence": 0.5,
        "numbers": 1.0, "position": math.log1p(3), "expanded": 0.1,
    }
    assert set(features(1.0, cover, 0)) == set(TERMS)


def test_an_answer_sentence_share_counts_only_where_the_passage_holds_the_answer() -> None:
    cover = Coverage(share=0.5, sentence_share=0.5, covered=(), holds_answer=False, answer_sentence_share=0.4)
    assert features(1.0, cover, 0)["answer_sentence"] == 0.0


def _evidence(**by_row: float) -> dict[int, dict[str, float]]:
    return {int(row[1:]): {"holds_answer": value} for row, value in by_row.items()}


ANSWER_MODEL = SiblingModel({"holds_answer": 1.0})


def test_the_best_sibling_of_the_first_document_moves_to_the_front_and_the_rest_keep_their_order() -> None:
    ranking = [(1, 3.0), (2, 2.5), (3, 2.0), (4, 1.0)]
    docs = {1: "a", 2: "b", 3: "a", 4: "a"}
    chosen = choose_first(ranking, docs, _evidence(r1=0.0, r2=0.0, r3=1.0, r4=0.5), ANSWER_MODEL)
    assert [row for row, _ in chosen] == [3, 1, 2, 4]
    assert dict(chosen) == dict(ranking)  # scores travel with their passages


def test_a_passage_of_another_document_never_goes_first() -> None:
    ranking = [(1, 3.0), (2, 2.5)]
    chosen = choose_first(ranking, {1: "a", 2: "b"}, _evidence(r1=0.0, r2=9.0), ANSWER_MODEL)
    assert [row for row, _ in chosen] == [1, 2]


def test_ties_and_the_empty_model_keep_the_refined_order() -> None:
    ranking = [(1, 3.0), (2, 2.5), (3, 2.0)]
    docs = {1: "a", 2: "a", 3: "a"}
    assert choose_first(ranking, docs, _evidence(r1=1.0, r2=1.0, r3=1.0), ANSWER_MODEL) == ranking
    assert choose_first(ranking, docs, _evidence(r1=0.0, r2=1.0, r3=1.0), KEEP_ORDER) == ranking


def test_a_first_passage_without_evidence_and_an_empty_ranking_are_left_as_they_are() -> None:
    ranking = [(1, 3.0), (2, 2.5)]
    assert choose_first(ranking, {1: "a", 2: "a"}, _evidence(r2=1.0), ANSWER_MODEL) == ranking
    assert choose_first([], {}, {}, ANSWER_MODEL) == []


def test_the_shipped_model_is_a_fit_over_the_known_terms_scaled_to_bm25() -> None:
    raw = json.loads(resources.files("retrieval").joinpath("data/siblings.json").read_text(encoding="utf-8"))
    assert "benchmarks.fit_siblings" in raw["about"]
    model = default_model()
    assert set(model.weights) == set(TERMS)
    assert model.weights["bm25"] == 1.0


def test_a_model_naming_an_unknown_term_is_refused() -> None:
    with pytest.raises(ValueError, match="weights"):
        SiblingModel.from_dict({"weights": {"bm25": 1.0, "colour": 2.0}})


# Through the Searcher: two paragraphs of one notice that share the question's words, the later of which holds the
# amount asked (the refined order puts it first); and a pool of one-paragraph documents, as the SQuAD-style pools are.
NOTICE = "关于城乡居民医保缴费的通知"
SIBLINGS = [
    make_passage("rules", "城乡居民医保个人缴费按年度办理，城乡居民医保个人缴费可在网上办理。", doc="notice", title=NOTICE, position=1),
    make_passage("amount", "城乡居民医保个人缴费标准为每人每年400元。", doc="notice", title=NOTICE, position=9),
    make_passage("other", "职工医保缴费基数按上年度工资确定。", doc="other", title="职工医保"),
]
SINGLES = [
    make_passage(f"p{i}", text, doc=f"d{i}", title=f"文章{i}")
    for i, text in enumerate(["上海合作组织成立于2001年。", "上海是中国的直辖市之一。", "合作组织的秘书处设在北京。", "2001年的上海很热闹。"])
]


def _searcher(passages: list, tmp_path_factory: pytest.TempPathFactory, name: str, model: SiblingModel | None) -> Searcher:
    index_dir = tmp_path_factory.mktemp(name) / "index"
    build_index(passages, index_dir, SETTINGS)
    return Searcher.open(index_dir, SETTINGS, siblings=model)


def _order(searcher: Searcher, question: str) -> list[str]:
    return [searcher.passage_at(item.row).id for item in searcher.rank(question, n=5)]


EARLIER_MODEL = SiblingModel({"position": -1.0})  # the earliest paragraph of the document, whatever else it says


def test_the_searcher_puts_the_sibling_the_model_prefers_first(tmp_path_factory: pytest.TempPathFactory) -> None:
    question = "城乡居民医保个人缴费要交多少钱"
    refined = _order(_searcher(SIBLINGS, tmp_path_factory, "keep", KEEP_ORDER), question)
    chosen = _order(_searcher(SIBLINGS, tmp_path_factory, "earlier", EARLIER_MODEL), question)
    assert refined[0] == "amount"  # it holds the amount asked for
    assert chosen[0] == "rules"
    assert sorted(chosen) == sorted(refined)


def test_the_sibling_evidence_is_the_refined_order_before_the_choice(tmp_path_factory: pytest.TempPathFactory) -> None:
    searcher = _searcher(SIBLINGS, tmp_path_factory, "evidence", EARLIER_MODEL)
    evidence = searcher.sibling_evidence("城乡居民医保个人缴费要交多少钱")
    assert [searcher.passage_at(row).id for row, _, _ in evidence][0] == "amount"
    assert {doc for _, doc, _ in evidence} <= {"notice", "other"}
    assert all(set(found) == set(TERMS) for _, _, found in evidence)


@pytest.mark.parametrize("question", ["上海合作组织成立于哪一年", "上海是直辖市吗", "秘书处在哪里"])
def test_documents_of_one_paragraph_are_ranked_as_before(tmp_path_factory: pytest.TempPathFactory, question: str) -> None:
    shipped = _order(_searcher(SINGLES, tmp_path_factory, "shipped", None), question)
    refined = _order(_searcher(SINGLES, tmp_path_factory, "refined", KEEP_ORDER), question)
    assert shipped == refined
