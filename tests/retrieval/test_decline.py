"""Declining: the checks on the question alone, and the evidence that decides on the best passage."""

from __future__ import annotations

import pytest

from retrieval.decline import ANSWER_THRESHOLD, confidence, is_gibberish, is_greeting, screen
from retrieval.evidence import background_weight, content_units, coverage
from retrieval.model import DeclineReason


def nothing_known(word: str) -> bool:
    return False


@pytest.mark.parametrize("question", ["", "   ", "？？？！", "🙂🙂🙂", "……", "\u200b\u200b", "\x00\x01\x02"])
def test_nothing_to_search_for_is_empty(question: str) -> None:
    assert screen(question, 500, nothing_known).decline is DeclineReason.EMPTY


def test_too_long_is_decided_before_anything_else() -> None:
    result = screen("上合" * 50_000, 2000, nothing_known)
    assert result.decline is DeclineReason.TOO_LONG
    assert "100000" in result.detail


def test_control_characters_are_removed_not_fatal() -> None:
    result = screen("上合\x00示范区\x1b[31m有\u202e哪些政策", 500, nothing_known)
    assert result.decline is None
    assert "\x00" not in result.text and "\u202e" not in result.text


@pytest.mark.parametrize("text", ["你好", "您好！", "谢谢你", "謝謝", "hi", "Hello there!", "thank you", "早上好呀", "在吗？", "Good morning", "你是谁"])
def test_greetings_and_small_talk(text: str) -> None:
    assert is_greeting(text)


@pytest.mark.parametrize("text", ["你好，驾照怎么换？", "上合示范区有哪些政策", "hello, when does the library open", "好的政策有哪些"])
def test_a_greeting_with_a_question_is_a_question(text: str) -> None:
    assert not is_greeting(text)


@pytest.mark.parametrize("text", ["qwertyuiop", "asdfgh", "zzzzzz", "xkcdvbnm hjkl"])
def test_keyboard_mashing_is_gibberish(text: str) -> None:
    assert is_gibberish(text, nothing_known)


@pytest.mark.parametrize("text", ["how do I reset my password", "Qingdao", "asdf", "上合 qwertyuiop", "rhythm"])
def test_words_are_not_gibberish(text: str) -> None:
    known = {"asdf"}.__contains__
    assert not is_gibberish(text, known)


def test_confidence_grows_with_coverage_and_crosses_the_threshold_in_between() -> None:
    assert confidence(0.0, 0.0) < 0.05
    assert confidence(1.0, 1.0) > 0.95
    assert confidence(0.2, 0.2) < ANSWER_THRESHOLD < confidence(0.8, 0.7)
    assert confidence(0.6, 0.3) < confidence(0.6, 0.6)


def flat_idf(term: str) -> float:
    return 5.0


def test_common_words_weigh_nothing_and_rare_ones_much() -> None:
    assert background_weight("的") == 0.0
    assert background_weight("驾照") > background_weight("工作")
    assert background_weight("1567") > background_weight("5")


def test_coverage_counts_what_the_passage_contains() -> None:
    units = content_units("医保报销比例是多少", flat_idf, 5.0)
    assert {u.text for u in units} >= {"医保", "报销", "比例"}
    assert coverage(units, "今年医保报销比例提高到百分之七十。").share == pytest.approx(1.0)
    partial = coverage(units, "出口比例增长。")
    assert 0 < partial.share < 0.4
    assert partial.covered == ("比例",)


def test_sentence_coverage_needs_the_words_in_one_sentence() -> None:
    units = content_units("驾照到期怎么换证", flat_idf, 5.0)
    together = coverage(units, "驾照到期后可以换证。别的事情。")
    apart = coverage(units, "驾照很重要。到期前要注意。换证在窗口办理。")
    assert together.share == pytest.approx(apart.share)
    assert together.sentence_share > apart.sentence_share


def test_words_every_passage_has_count_little() -> None:
    def idf(term: str) -> float:
        return 0.1 if term in ("上合", "示范", "范区") else 5.0

    units = content_units("上合示范区的天气怎么样", idf, 5.0)
    assert coverage(units, "上合示范区发布了政策。").share < 0.3
