"""The dense self-test (retrieval.selftest): its pure parts on hand-built inputs, and what it decides for real builds.

Weak models made here (tests/retrieval/weak_models.py: a random static model over a Chinese character tokenizer,
random vectors, one vector for everything) must be kept from lowering the ranking: the R@1 of the fused ranking
stays within 0.002 of lexical alone, on a hand-written Chinese corpus (always) and on slices of the DRCD and CMRC
pools (where ../shared is present). The offline English model on English text stays on, with its fused gain.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from corpus.model import Passage
from retrieval import selftest, store
from retrieval.build import DEFAULT_TERMS, build_index, indexed_text
from retrieval.config import IndexSettings
from retrieval.decline import DENSE_Z_MIDPOINT, default_model
from retrieval.layout import version_dir
from retrieval.search import Searcher
from retrieval.selftest import WEIGHTS, ProbeResult, askable, dense_use, judge, sample_probes, sentence_spans
from retrieval.terms import build_lexical
from retrieval.text import fold_script, query_terms
from tests.retrieval.conftest import DATA, HASHED, HashingEncoder, make_passage
from tests.retrieval.weak_models import ConstantEncoder, RandomEncoder, static_model

TOLERANCE = 0.002  # R@1 a weak model may cost (issue 13)


# --- pure parts -------------------------------------------------------------------------------------------------


def _sentences(body: str) -> list[str]:
    return [body[a:b] for a, b in sentence_spans(body)]


def test_sentences_end_at_chinese_and_english_full_stops_but_not_inside_abbreviations_or_numbers() -> None:
    assert _sentences("市图书馆九点开馆。周日闭馆！读者可以续借吗？可以") == ["市图书馆九点开馆。", "周日闭馆！", "读者可以续借吗？", "可以"]
    assert _sentences("It opens at 9 a.m. and closes at 8 p.m. on weekdays. Rates rose 41.4% in 2023.\nNew line") == [
        "It opens at 9 a.m. and closes at 8 p.m. on weekdays.", "Rates rose 41.4% in 2023.", "New line"]
    assert _sentences("他说：“明天开放。”然后离开了") == ["他说：“明天开放。”", "然后离开了"]


def test_a_sentence_is_asked_only_when_it_and_what_is_left_of_its_passage_say_enough() -> None:
    assert askable("居民停车证每年收费一百二十元。", "申请人需提供身份证和房产证。")
    assert not askable("周日闭馆。", "申请人需提供身份证和房产证。")  # too short to ask
    assert not askable("居民停车证每年收费一百二十元。", "详见附件。")  # its passage would be left with nothing
    assert not askable("Fees: 120 yuan yearly", "The office opens at nine on weekdays.")  # 4 Latin words
    assert askable("The permit costs 120 yuan a year.", "The office opens at nine on weekdays.")


def _city() -> dict[str, Any]:
    return json.loads((DATA / "chinese_city.json").read_text(encoding="utf-8"))


def _city_passages() -> list[Passage]:
    return [make_passage(p["id"], p["text"], title=p["title"]) for p in _city()["passages"]]


def test_probes_take_the_sentence_out_of_its_passage_keep_its_title_and_are_seeded() -> None:
    passages = _city_passages()
    texts, bodies = [indexed_text(p) for p in passages], [p.text for p in passages]
    probes = sample_probes(texts, bodies, 30)
    assert len(probes) == 30
    assert probes == sample_probes(texts, bodies, 30)  # the same draw every time
    assert probes != sample_probes(texts, bodies, 30, seed=1)
    for probe in probes:
        assert probe.sentence in texts[probe.row] and probe.sentence not in probe.edited
        assert probe.edited.startswith(passages[probe.row].cite.title + "\n")
        assert len(probe.edited) < len(texts[probe.row]) - len(probe.sentence) + 2
    # one sentence of every passage before a second of any
    assert sorted(p.row for p in probes[: len(passages)]) == list(range(len(passages)))


def test_a_sentence_found_in_two_passages_or_twice_in_one_is_not_asked_twice() -> None:
    shared = "本通知自发布之日起施行并由市政府负责解释。"
    bodies = [f"居民停车证每年收费一百二十元。{shared}", f"游泳馆学生票享受半价优惠。{shared}", f"{shared}养犬登记费每年一百元。{shared}"]
    probes = sample_probes(bodies, bodies, 10)
    assert [p.sentence for p in probes].count(shared) == 1
    assert all(p.row != 2 or p.sentence != shared for p in probes)


def test_the_edited_passage_is_scored_as_the_index_scores_a_passage(tmp_path: Path) -> None:
    passages = _city_passages()
    texts = [indexed_text(p) for p in passages]
    built = build_lexical(texts, DEFAULT_TERMS, tmp_path / "terms.sqlite3")
    view = selftest._Lexical(built.index, built.folded, DEFAULT_TERMS.terms, built.mean_length)
    for question in [q["q"] for q in _city()["questions"]]:
        asked = query_terms(fold_script(question))
        scores = built.index.scores(asked)
        for row in range(len(texts)):
            own = selftest.edited_score(asked, DEFAULT_TERMS.terms(built.folded[row]), view)
            # the index keeps each term's tf factor in 8 bits: within IDF / 510 a term
            assert own == pytest.approx(float(scores[row]), abs=0.01 * max(1.0, len(asked)))


def _result(lexical: bool, dense: bool, fused: tuple[bool, ...], z: float | None = None) -> ProbeResult:
    return ProbeResult(lexical, dense, fused, z)


def _results(spec: list[tuple[int, bool, bool, tuple[bool, ...]]]) -> list[ProbeResult]:
    return [_result(lex, dense, fused) for count, lex, dense, fused in spec for _ in range(count)]


def test_a_model_whose_fusion_loses_sentences_is_turned_off() -> None:
    verdict = judge(_results([(60, True, False, (False, False, False, False)), (40, False, False, (False,) * 4)]), "weak", 1.0)
    assert verdict.weight == 0 and not verdict.evidence
    assert verdict.losses == 60 and verdict.reason.startswith("dense retrieval is off")


def test_too_few_sentences_say_nothing_and_the_model_stays_on_as_fitted_but_not_as_evidence() -> None:
    for spec in ([(10, False, True, (True,) * 4)], [(10, True, False, (False,) * 4)], []):
        verdict = judge(_results(spec), "m", 1.0)  # whatever the few sentences say, good or bad
        assert verdict.weight == 1.0 and not verdict.evidence
        assert "untested" in verdict.reason and "fewer than" in verdict.reason


def test_a_gain_within_chance_is_not_enough() -> None:
    # +6 / -3 on 100 sentences: net 3 is under 2 standard deviations of a sign test (2 x 3 = 6)
    spec = [(6, False, True, (True,) * 4), (3, True, False, (False,) * 4), (41, True, True, (True,) * 4), (50, False, False, (False,) * 4)]
    assert judge(_results(spec), "m", 1.0).weight == 0


def test_a_clear_gain_turns_dense_on_at_weight_one() -> None:
    spec = [(30, False, True, (True,) * 4), (2, True, False, (False,) * 4), (40, True, True, (True,) * 4), (28, False, False, (False,) * 4)]
    verdict = judge(_results(spec), "m", 1.0)
    assert verdict.weight == 1.0 and verdict.evidence and (verdict.gains, verdict.losses) == (30, 2)
    assert verdict.fused_r1 == {f"{w:g}": 0.70 for w in WEIGHTS}


def test_a_model_that_helps_only_at_a_small_weight_gets_that_weight() -> None:
    # at 0.25 the fusion gains 20 sentences and loses 2; at 0.5, 1 and 2 it loses 32
    spec = [(20, False, False, (True, False, False, False)), (2, True, False, (False,) * 4),
            (30, True, False, (True, False, False, False)), (48, False, False, (False,) * 4)]
    verdict = judge(_results(spec), "m", 1.0)
    assert verdict.weight == 0.25
    assert not verdict.evidence  # dense alone (0) is weaker than lexical alone (0.32): its similarity is no evidence


def test_weight_one_is_kept_when_another_weight_does_better_only_by_noise() -> None:
    # 0.5 gets one sentence more than 1 (+16 / -2 against +15 / -2)
    spec = [(15, False, True, (True, True, True, True)), (1, False, True, (False, True, False, False)),
            (2, True, False, (False,) * 4), (40, True, True, (True,) * 4), (42, False, False, (False,) * 4)]
    assert judge(_results(spec), "m", 1.0).weight == 1.0


def test_the_evidence_precision_is_that_of_the_dense_first_places_that_stand_out() -> None:
    results = [_result(True, True, (True,) * 4, DENSE_Z_MIDPOINT + 1)] * 3 + [_result(True, False, (True,) * 4, DENSE_Z_MIDPOINT + 1)]
    results += [_result(True, False, (True,) * 4, DENSE_Z_MIDPOINT - 1)] * 40
    assert judge(results, "m", 1.0).evidence_precision == pytest.approx(0.75)


def test_a_dense_similarity_that_stands_out_on_wrong_passages_is_no_evidence() -> None:
    # dense alone beats lexical and the fusion gains, but 20 of its 30 confident first places are wrong
    results = [_result(False, True, (True,) * 4, DENSE_Z_MIDPOINT + 1)] * 10 + [_result(False, False, (False,) * 4, DENSE_Z_MIDPOINT + 1)] * 20
    results += [_result(False, True, (True,) * 4, DENSE_Z_MIDPOINT - 1)] * 30 + [_result(True, True, (True,) * 4)] * 10
    verdict = judge(results, "m", 1.0)
    assert verdict.weight == 1.0 and verdict.dense_r1 > verdict.lexical_r1
    assert not verdict.evidence and "right only 33%" in verdict.reason


def test_how_an_index_is_used_follows_its_manifest_and_old_manifests_keep_their_rule_only_where_the_gate_looked() -> None:
    assert dense_use(False, None, None, 0.0) == dense_use(False, 0.0, False, None)
    assert not dense_use(False, None, None, 0.0).enabled
    assert dense_use(True, 0.5, True, None) == selftest.DenseUse(True, 0.5, True)
    assert dense_use(True, 0.25, False, 0.0) == selftest.DenseUse(True, 0.25, False)
    old_checked = dense_use(True, None, None, 0.02)  # built before the self-test, by a model the gate looked at
    assert (old_checked.enabled, old_checked.weight, old_checked.evidence) == (True, 1.0, True)
    old_unchecked = dense_use(True, None, None, None)  # a static model: nothing ever checked it
    assert not old_unchecked.enabled and "rebuild" in old_unchecked.note


# --- real builds ------------------------------------------------------------------------------------------------


def _recall_at_1(searcher: Searcher, questions: list[tuple[str, str]]) -> float:
    """Share of (question, gold doc id) whose first passage is of the gold document."""
    found = 0
    for question, gold in questions:
        ranked = searcher.rank(question, 1)
        found += bool(ranked) and searcher.passage_at(ranked[0].row).doc_id == gold
    return found / len(questions)


def _weak(kind: str, texts: list[str]) -> Any:
    if kind == "static":
        return static_model(texts)
    return RandomEncoder() if kind == "random" else ConstantEncoder()


WEAK = ["static", "random", "constant"]


@pytest.mark.parametrize("kind", WEAK)
def test_a_weak_model_on_a_chinese_corpus_is_turned_off_and_leaves_the_ranking_as_lexical(tmp_path: Path, kind: str) -> None:
    passages = _city_passages()
    questions = [(q["q"], q["gold"]) for q in _city()["questions"]]
    lexical = build_index(passages, tmp_path / "lexical", IndexSettings(model="none", progress=False))
    settings = IndexSettings(model=kind, progress=False)
    encoder = _weak(kind, [indexed_text(p) for p in passages])
    report = build_index(passages, tmp_path / "weak", settings, encoder=encoder)
    manifest = store.read_manifest(version_dir(tmp_path / "weak"))
    assert manifest.dense_selftest is not None and manifest.dense_selftest["queries"] >= selftest.MIN_QUERIES
    assert manifest.dense_selftest["fused_r1"]["1"] < manifest.dense_selftest["lexical_r1"]  # it hurt where it was tried
    assert not report.dense_enabled and manifest.dense_weight == 0 and not manifest.dense_evidence
    assert any("self-test" in w for w in report.warnings)
    assert lexical.dense_enabled is False
    weak = Searcher.open(tmp_path / "weak", settings, encoder=encoder)
    plain = Searcher.open(tmp_path / "lexical", IndexSettings(model="none"))
    assert _recall_at_1(weak, questions) >= _recall_at_1(plain, questions) - TOLERANCE
    for question, _ in questions:  # off means off: the decline's evidence too
        assert weak.search(question) == plain.search(question)


def test_the_static_models_tokenizer_escapes_the_unknown_token_gate() -> None:
    from retrieval.encoder import unknown_rate

    assert unknown_rate(static_model(["市图书馆"]), ["市图书馆九点开馆"]) is None  # so only the self-test can judge it


def test_with_the_gate_open_a_weak_model_stays_on_at_weight_one_and_the_self_test_is_recorded(tmp_path: Path) -> None:
    passages = _city_passages()
    settings = IndexSettings(model="random", progress=False, dense_gate="open")
    report = build_index(passages, tmp_path / "index", settings, encoder=RandomEncoder())
    manifest = store.read_manifest(version_dir(tmp_path / "index"))
    assert report.dense_enabled and manifest.dense_weight == 1.0 and manifest.dense_selftest is not None
    assert "kept on" in manifest.dense_note


def _squad_slice(source: Path, target: Path, paragraphs: int) -> Path:
    """The first paragraphs of a SQuAD-format file, as a file of its own."""
    data = json.loads(source.read_text(encoding="utf-8"))
    kept, left = [], paragraphs
    for article in data["data"]:
        if left <= 0:
            break
        kept.append({**article, "paragraphs": article["paragraphs"][:left]})
        left -= len(kept[-1]["paragraphs"])
    target.write_text(json.dumps({"data": kept}, ensure_ascii=False), encoding="utf-8")
    return target


POOLS = {"drcd": ("drcd_dev_simplified_questions.json", "cmrc2018_dev.json"), "cmrc": ("cmrc2018_dev.json", "drcd_dev.json")}
SLICE = 120  # paragraphs of each file: ~400 passages, ~450 questions; the whole pools are measured in retrieval/README.md


@pytest.fixture(scope="module", params=sorted(POOLS))
def pool_slice(request: pytest.FixtureRequest, shared_eval: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A slice of a SQuAD pool (its questions' paragraphs and as many distractors), and its lexical R@1."""
    from corpus.split import split_paragraph
    from retrieval.evaluate import squad_pool

    asked, others = POOLS[request.param]
    where = tmp_path_factory.mktemp(f"slice-{request.param}")
    pool = squad_pool(_squad_slice(shared_eval / asked, where / "asked.json", SLICE),
                      [_squad_slice(shared_eval / others, where / "others.json", SLICE)], split_paragraph)
    build_index(pool.passages, where / "lexical", IndexSettings(model="none", progress=False))
    questions = [(q.question, q.paragraph) for q in pool.questions]
    lexical = _recall_at_1(Searcher.open(where / "lexical", IndexSettings(model="none")), questions)
    return {"name": request.param, "pool": pool, "where": where, "questions": questions, "lexical": lexical}


@pytest.mark.parametrize("kind", WEAK)
def test_a_weak_model_leaves_the_squad_pools_r_at_1_within_0002_of_lexical(pool_slice: dict[str, Any], kind: str) -> None:
    pool = pool_slice["pool"]
    settings = IndexSettings(model=kind, progress=False)
    encoder = _weak(kind, [indexed_text(p) for p in pool.passages])
    index_dir = pool_slice["where"] / kind
    build_index(pool.passages, index_dir, settings, encoder=encoder)
    searcher = Searcher.open(index_dir, settings, encoder=encoder)
    figure = _recall_at_1(searcher, pool_slice["questions"])
    assert figure >= pool_slice["lexical"] - TOLERANCE, (pool_slice["name"], kind, figure, pool_slice["lexical"], searcher.info.dense_note)


def test_the_english_model_on_english_text_stays_on_at_weight_one_and_keeps_its_fused_gain(
    english_index: Path, minilm: Any, minilm_settings: IndexSettings, english_set: dict[str, Any]
) -> None:
    manifest = store.read_manifest(version_dir(english_index))
    tested = manifest.dense_selftest
    assert manifest.dense_enabled and manifest.dense_weight == 1.0 and manifest.dense_evidence
    assert tested is not None and tested["dense_r1"] > tested["lexical_r1"] and tested["fused_r1"]["1"] > tested["lexical_r1"]
    questions = [(q["q"], q["gold"]) for q in english_set["questions"]]
    fused = _recall_at_1(Searcher.open(english_index, minilm_settings, encoder=minilm), questions)
    assert fused >= 0.97  # measured 0.972 (lexical alone 0.722)


def _with_manifest(index_dir: Path, target: Path, **changes: Any) -> Path:
    """A copy of an index (its current version) with manifest fields changed: an index written by another build."""
    import shutil

    shutil.copytree(version_dir(index_dir), target)  # a flat copy: an index of the older layout
    manifest = replace(store.read_manifest(target), **changes)
    store.write_manifest(target, manifest)
    return target


def test_the_dense_similarity_raises_a_confidence_only_where_the_self_test_trusts_it(
    english_index: Path, minilm: Any, minilm_settings: IndexSettings, tmp_path: Path
) -> None:
    question = "My puppy needs to be registered, what are the fees?"  # a paraphrase: its words are not the passage's
    trusted = Searcher.open(english_index, minilm_settings, encoder=minilm).assess(question)
    untrusted_dir = _with_manifest(english_index, tmp_path / "untrusted", dense_evidence=False)
    untrusted = Searcher.open(untrusted_dir, minilm_settings, encoder=minilm).assess(question)
    assert [r.row for r in trusted.ranked] == [r.row for r in untrusted.ranked]  # the same ranking
    assert trusted.probabilities[0] > untrusted.probabilities[0]
    assert untrusted.probabilities[0] == pytest.approx(default_model().answers.probability(untrusted.signals[0]))  # the lexical model's alone


def test_an_index_built_before_the_self_test_keeps_dense_only_where_the_unknown_token_gate_looked(
    hashed_index: Path, tmp_path: Path
) -> None:
    old = {"dense_weight": None, "dense_evidence": None, "dense_selftest": None}
    checked = _with_manifest(hashed_index, tmp_path / "checked", unknown_rate=0.01, **old)
    unchecked = _with_manifest(hashed_index, tmp_path / "unchecked", unknown_rate=None, **old)
    assert Searcher.open(checked, HASHED, encoder=HashingEncoder()).info.dense_enabled
    assert not Searcher.open(unchecked, HASHED, encoder=HashingEncoder()).info.dense_enabled


def test_the_self_test_stops_encoding_when_its_time_is_spent(tmp_path: Path) -> None:
    passages = _city_passages()
    texts, bodies = [indexed_text(p) for p in passages], [p.text for p in passages]
    assert len(sample_probes(texts, bodies)) > selftest.CHUNK  # more than one chunk to encode
    encoder = RandomEncoder()
    ticks = iter(range(1000))  # each reading of the clock is a second later

    def lexical() -> tuple[Any, list[str], float]:
        built = build_lexical(texts, DEFAULT_TERMS, tmp_path / "terms.sqlite3")
        return built.index, built.folded, built.mean_length

    verdict = selftest.run(texts, bodies, encoder.encode(texts), encoder, "random", lexical, terms=DEFAULT_TERMS.terms,
                           budget_s=0.5, clock=lambda: float(next(ticks)))
    assert verdict.queries == selftest.CHUNK  # the first chunk only: the budget was spent before the second
