"""Expansion-aware coverage (retrieval.evidence): a question unit whose expansion a passage holds counts as covered,
at a discount, and Coverage says how much of it came only through expansions."""

from __future__ import annotations

import pytest

from retrieval.evidence import EXPANSION_DISCOUNT, LEAST_SPECIFICITY, background_weight, content_units, coverage, unit_weight
from retrieval.expand import Expansion


def flat_idf(term: str) -> float:
    return 5.0


def at(question: str, source: str, term: str, kind: str = "colloquial", replaces: bool = True) -> Expansion:
    return Expansion(source, question.index(source), term, kind, 0.5, replaces)


def test_without_expansions_nothing_changes() -> None:
    units = content_units("电瓶车要戴头盔吗", flat_idf, 5.0)
    assert all(unit.alternatives == () for unit in units)
    found = coverage(units, "电瓶车驾驶人应当戴头盔。")
    assert found.share == pytest.approx(1.0) and found.expanded_share == 0 and found.expansion_kinds == ()


def test_an_expansion_covers_its_unit_at_a_discount() -> None:
    question = "电瓶车要戴头盔吗"
    plain = content_units(question, flat_idf, 5.0)
    units = content_units(question, flat_idf, 5.0, [at(question, "电瓶车", "电动自行车", replaces=False)])
    assert [u.text for u in units] == [u.text for u in plain]
    ev = next(u for u in units if u.text == "电瓶车")
    assert [a.text for a in ev.alternatives] == ["电动自行车"]
    passage = "电动自行车驾驶人应当戴头盔。"
    without = coverage(plain, passage)
    found = coverage(units, passage)
    share_of_ev = ev.weight / sum(u.weight for u in units)
    assert found.share == pytest.approx(without.share + EXPANSION_DISCOUNT * share_of_ev)
    assert found.expanded_share == pytest.approx(EXPANSION_DISCOUNT * share_of_ev)
    assert found.expanded_sentence_share == pytest.approx(found.expanded_share)
    assert found.expansion_kinds == ("colloquial",)
    assert "电动自行车" in found.covered  # what the passage holds, for the bold terms


def test_the_question_s_own_word_wins_over_its_expansion() -> None:
    question = "电瓶车要戴头盔吗"
    units = content_units(question, flat_idf, 5.0, [at(question, "电瓶车", "电动自行车")])
    found = coverage(units, "电瓶车和电动自行车都要戴头盔。")
    assert found.share == pytest.approx(1.0) and found.expanded_share == 0


def test_a_replaced_word_weighs_no_more_than_what_replaces_it() -> None:
    unknown = {u.text: u.weight for u in content_units("冇资助", flat_idf, 5.0)}
    assert unknown["冇"] > 5  # alone, a character jieba hardly knows weighs much
    replaced = {u.text: u.weight for u in content_units("冇资助", flat_idf, 5.0, [Expansion("冇", 0, "没有", "cantonese", 0.8, True)])}
    assert replaced.get("冇", 0.0) == pytest.approx(unit_weight("没有", flat_idf, 5.0))
    assert replaced["资助"] == unknown["资助"]
    # A Cantonese word weighs as its standard word even where the corpus has it too (Hong Kong news writes 冇) ...
    cantonese = {u.text: u.weight for u in content_units("冇资助", flat_idf, 5.0, [Expansion("冇", 0, "没有", "cantonese", 0.8, False)])}
    assert cantonese.get("冇", 0.0) == pytest.approx(unit_weight("没有", flat_idf, 5.0))
    # ... where another expander's word that the corpus has keeps its own weight.
    colloquial = {u.text: u.weight for u in content_units("冇资助", flat_idf, 5.0, [Expansion("冇", 0, "没有", "colloquial", 0.8, False)])}
    assert colloquial["冇"] == unknown["冇"] > unit_weight("没有", flat_idf, 5.0)


def test_a_word_that_only_asks_drops_out() -> None:
    units = content_units("咩资助", flat_idf, 5.0, [Expansion("咩", 0, "什么", "cantonese", 0.8, True)])
    assert [u.text for u in units] == ["资助"]


def test_a_source_inside_a_unit_gives_the_unit_with_it_replaced() -> None:
    question = "身份正丢了"
    units = content_units(question, flat_idf, 5.0, [Expansion("份正", 1, "份证", "typo", 0.6, True)])
    alternatives = {a.text for u in units for a in u.alternatives}
    assert alternatives & {"份证", "身份证"}


def test_an_english_phrase_that_translates_whole_is_one_unit() -> None:
    """social security → 社会保障 is one word of the passage: the phrase weighs as one unit, not once for each of its
    words (a phrase of three words weighed three times what it says)."""
    question = "social security card"
    expansion = Expansion("social security", 0, "社会保障", "english", 0.8, True)
    units = content_units(question, flat_idf, 5.0, [expansion])
    assert [u.text for u in units] == ["social security", "card"]
    social = {u.text: u for u in units}
    assert [a.text for a in social["social security"].alternatives] == ["社会保障"]
    assert social["card"].alternatives == ()
    found = coverage(units, "社会保障卡的申领。")
    assert 0 < found.share < 1 and found.expanded_share == pytest.approx(found.share)
    assert found.expansion_kinds == ("english",)
    # A passage with the phrase in English holds it as the phrase's words, wherever they stand.
    assert coverage(units, "security 与 social 两词。").share == pytest.approx(social["social security"].weight / sum(u.weight for u in units))
    assert coverage(units, "social 一词。").share == 0
    # Each word alone, where no expansion translates the phrase whole.
    assert [u.text for u in content_units(question, flat_idf, 5.0)] == ["social", "security", "card"]


def test_ignored_latin_words_are_not_units() -> None:
    units = content_units("get a card", flat_idf, 5.0, ignore=frozenset({"get"}))
    assert [u.text for u in units] == ["card"]


def test_two_expanders_that_agree_are_both_named() -> None:
    question = "幾耐 老婆"
    expansions = [Expansion("老婆", 3, "配偶", "colloquial", 0.5, True), Expansion("幾耐", 0, "期限", "cantonese", 0.8, True)]
    units = content_units("几耐 老婆", flat_idf, 5.0, expansions)
    found = coverage(units, "配偶的期限。")
    assert set(found.expansion_kinds) <= {"colloquial", "cantonese"} and "colloquial" in found.expansion_kinds
    assert question


def test_a_word_no_passage_can_contain_is_cut_into_words_passages_have() -> None:
    from retrieval.evidence import recut

    words = {"新冠", "小学", "利嘉国际"}
    bigrams = {"新冠", "小学", "利嘉", "嘉国", "国际", "维持"}
    known_word, known_term = words.__contains__, bigrams.__contains__
    # jieba's guesser glued 完新冠针: no passage has it, nor its bigrams 完新, 冠针; 新冠 is a unit a passage can hold.
    assert recut(["打", "完新冠针", "保护", "维持"], known_word, known_term) == ["打", "完", "新冠", "针", "保护", "维持"]
    # A name the passages spell out stays whole, though it is no word of theirs (利嘉 inside 利嘉国际).
    assert recut(["创办", "利嘉", "国际"], known_word, known_term) == ["创办", "利嘉", "国际"]
    # A word jieba's dictionary has stays whole (房子: the question's own word, which the passages may not use).
    assert recut(["房子", "租"], known_word, known_term) == ["房子", "租"]
    # A word an expansion stands for stays whole (幾耐 → 多久).
    assert recut(["维持", "几耐"], known_word, known_term, keep=["几耐"]) == ["维持", "几耐"]


def test_content_units_are_recut_only_when_asked() -> None:
    def idf(term: str) -> float:
        return 5.0 if term in {"新冠", "保护", "维持"} else 9.0

    plain = [u.text for u in content_units("打完新冠针保护可以维持", idf, 9.0)]
    recut_units = [u.text for u in content_units("打完新冠针保护可以维持", idf, 9.0, known_word={"新冠"}.__contains__)]
    assert "新冠" not in plain and "新冠" in recut_units


def test_a_word_that_asks_drops_out_whatever_else_is_offered_for_it() -> None:
    question = "科兴系咩类型嘅疫苗"  # 係咩 is one typo away from 係咪, a word a Hong Kong page has
    expansions = [Expansion("咩", question.index("咩"), "什么", "cantonese", 0.8, True),
                  Expansion("系咩", question.index("系咩"), "系咪", "typo", 0.5, True)]
    assert "咩" not in [u.text for u in content_units(question, flat_idf, 5.0, expansions)]


def test_colloquial_question_words_weigh_nothing() -> None:
    units = [u.text for u in content_units("快退休了养老保险年限不够咋办", flat_idf, 5.0)]
    assert not any("咋" in text for text in units) and "养老保险" in units
    assert not any("啥" in u.text for u in content_units("要办啥手续", flat_idf, 5.0))
    # "How long" asks (the duration answer type rewards the passages that say one); it is no content of its own.
    assert [u.text for u in content_units("身份证有效期多久", flat_idf, 5.0)] == ["身份证", "有效期"]
    assert not any("多长时间" in u.text for u in content_units("审核要多长时间", flat_idf, 5.0))


def test_a_word_every_passage_holds_still_weighs() -> None:
    # Its IDF is 0 (the title of an index of one document is in every passage), but it is what the question is about.
    assert unit_weight("社保卡", lambda term: 0.0, 5.0) == pytest.approx(background_weight("社保卡") * LEAST_SPECIFICITY)
    assert unit_weight("社保卡", flat_idf, 5.0) == pytest.approx(background_weight("社保卡"))
    assert unit_weight("社保卡", lambda term: {"社保": 5.0}.get(term, 0.0), 5.0) == pytest.approx(
        background_weight("社保卡") * (1.0 + LEAST_SPECIFICITY) / 2)


def test_a_translated_word_weighs_what_its_english_says() -> None:
    """An English word weighs the share of its own weight that its expansion says it says (retrieval.english.says),
    and no more than its heaviest translation: a common word weighs less than a rare one."""
    question = "kindergarten people"
    rare = "龘靐"  # a word jieba never saw: heavier than any English word, so the English word's own weight counts

    def weights(*expansions: Expansion) -> dict[str, float]:
        return {u.text: u.weight for u in content_units(question, flat_idf, 5.0, list(expansions))}

    full = weights(Expansion("people", 13, rare, "english", 0.8, True))
    half = weights(Expansion("people", 13, rare, "english", 0.8, True, 0.5))
    assert unit_weight(rare, flat_idf, 5.0) > full["people"] == unit_weight("people", flat_idf, 5.0)
    assert half["people"] == pytest.approx(0.5 * full["people"]) and half["kindergarten"] == full["kindergarten"]
    # Two expansions of one word that say differently: the unit keeps the lesser share.
    both = weights(Expansion("people", 13, rare, "english", 0.8, True, 0.5), Expansion("people", 13, "人们", "english", 0.8, True, 0.9))
    assert both["people"] == pytest.approx(half["people"])
    # Its translation's weight still bounds it: a light translation weighs what it weighs, whatever the English says.
    light = weights(Expansion("people", 13, "人民", "english", 0.8, True, 0.5))
    assert light["people"] == pytest.approx(min(0.5 * full["people"], unit_weight("人民", flat_idf, 5.0)))
