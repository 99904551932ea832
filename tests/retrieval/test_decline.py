"""Declining: the checks on the question alone, and the evidence that decides on the best passage."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from retrieval.decline import ANSWER_THRESHOLD, DeclineModel, Logistic, confidence, default_model, is_gibberish, is_greeting, is_vague, screen, small_talk
from retrieval.evidence import LEAST_SPECIFICITY, TITLE_ALONE, Unit, background_weight, content_units, coverage
from retrieval.model import Confidence, DeclineReason
from retrieval.signals import NAMES, Signals


def nothing_known(word: str) -> bool:
    return False


REAL_DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "real_dev"


@pytest.fixture(scope="module")
def real_dev_questions() -> list[str]:
    path = REAL_DEV / "questions.jsonl"
    if not path.exists():
        pytest.skip(f"the real_dev set is not here ({path}: ../shared is absent)")
    return [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


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
    assert result.text == "上合 示范区 有 哪些政策"  # a terminal colour sequence goes whole, not only its ESC


@pytest.mark.parametrize("text", ["你好", "您好！", "谢谢你", "謝謝", "hi", "Hello there!", "thank you", "早上好呀", "在吗？", "Good morning", "你是谁"])
def test_greetings_and_small_talk(text: str) -> None:
    assert is_greeting(text)


@pytest.mark.parametrize("text", ["你好，驾照怎么换？", "上合示范区有哪些政策", "hello, when does the library open", "好的政策有哪些",
                                  "唔該 點樣申請社保卡", "thanks, how do I apply for a social security card", "多謝晒，公屋幾時派錢"])
def test_a_greeting_with_a_question_is_a_question(text: str) -> None:
    assert not is_greeting(text)
    assert screen(text, 500, nothing_known).decline is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # Mandarin, Cantonese (in either script) and English, each kind with its own reason
        ("你好", DeclineReason.GREETING), ("早晨", DeclineReason.GREETING), ("早晨呀", DeclineReason.GREETING),
        ("哈囉", DeclineReason.GREETING), ("Good morning!", DeclineReason.GREETING), ("hi there", DeclineReason.GREETING),
        ("在吗？", DeclineReason.GREETING),
        ("谢谢", DeclineReason.THANKS), ("谢谢你啊", DeclineReason.THANKS), ("多謝", DeclineReason.THANKS),
        ("多謝晒", DeclineReason.THANKS), ("唔該", DeclineReason.THANKS), ("唔該晒！", DeclineReason.THANKS),
        ("thank you", DeclineReason.THANKS), ("Thanks so much", DeclineReason.THANKS), ("thx", DeclineReason.THANKS),
        ("ty", DeclineReason.THANKS), ("好的", DeclineReason.THANKS),
        ("拜拜", DeclineReason.FAREWELL), ("再見", DeclineReason.FAREWELL), ("bye", DeclineReason.FAREWELL),
        ("拜拜 明天再问", DeclineReason.FAREWELL), ("谢谢，再见", DeclineReason.FAREWELL), ("Goodbye!", DeclineReason.FAREWELL),
        ("你是机器人吗", DeclineReason.SMALL_TALK), ("你係咪機器人", DeclineReason.SMALL_TALK), ("are you a bot?", DeclineReason.SMALL_TALK),
        ("你好，你是谁", DeclineReason.SMALL_TALK),
    ],
)
def test_small_talk_gets_its_own_reason(text: str, reason: DeclineReason) -> None:
    assert small_talk(text) is reason
    assert screen(text, 500, nothing_known).decline is reason


@pytest.mark.parametrize("text", ["今年", "发展", "政策", "情况", "2025", "发展。"])
def test_a_lone_common_word_is_vague(text: str) -> None:
    assert is_vague(text)
    assert screen(text, 500, nothing_known).decline is DeclineReason.VAGUE


@pytest.mark.parametrize("text", ["低保", "社保卡", "公积金", "今年低保标准", "今年有什么政策", "发展怎么样", "policy", "新冠疫苗"])
def test_a_specific_word_or_a_fuller_question_is_not_vague(text: str) -> None:
    assert not is_vague(text)


def test_no_real_dev_question_is_screened(real_dev_questions: list[str]) -> None:
    """The screen (small talk, vague, gibberish) leaves every answerable question of real_dev to the search."""
    screened = [q for q in real_dev_questions if screen(q, 2000, nothing_known).decline is not None]
    assert screened == []


def logistic(**changes: object) -> Logistic:
    raw = {"terms": ["share", "place_missing", "share*margin"], "mean": [0.5, 0.0, 0.0], "scale": [0.25, 1.0, 1.0],
           "coef": [2.0, -3.0, 1.0], "intercept": 0.0} | changes
    return Logistic.from_dict(raw)


def model(**changes: object) -> DeclineModel:
    raw = {"answers": logistic().to_dict(), "right": logistic(terms=["margin"], mean=[0.0], scale=[1.0], coef=[4.0]).to_dict(),
           "high": 0.8, "low": 0.4} | changes
    return DeclineModel.from_dict(raw)


def some_signals(**values: float) -> Signals:
    return Signals(**(dict.fromkeys(NAMES, 0.0) | values))


def test_a_logistic_function_of_standardised_terms() -> None:
    fitted = logistic()
    assert fitted.probability(some_signals(share=0.5)) == pytest.approx(0.5)
    # share 1.0: (1.0 - 0.5) / 0.25 * 2 = 4; margin 0.5 adds 1.0 * 0.5
    assert fitted.probability(some_signals(share=1.0, margin=0.5)) == pytest.approx(1 / (1 + math.exp(-4.5)))
    assert fitted.probability(some_signals(share=1.0, place_missing=1.0)) < fitted.probability(some_signals(share=1.0))


def test_a_signal_not_measured_counts_at_its_mean() -> None:
    # concentration in an index of one document (retrieval.signals.concentration): no evidence either way.
    fitted = logistic(terms=["share", "concentration"], mean=[0.5, 0.4], scale=[0.25, 0.2], coef=[2.0, 1.0])
    unmeasured = fitted.probability(some_signals(share=0.75, concentration=None))  # type: ignore[arg-type]
    assert unmeasured == pytest.approx(fitted.probability(some_signals(share=0.75, concentration=0.4)))
    assert fitted.probability(some_signals(share=0.75, concentration=0.0)) < unmeasured
    product = logistic(terms=["share*concentration"], mean=[0.2], scale=[0.1], coef=[1.0])
    assert product.probability(some_signals(share=0.75, concentration=None)) == pytest.approx(0.5)  # type: ignore[arg-type]


def test_three_outcomes_from_the_two_probabilities() -> None:
    fitted = model()  # low 0.4 on the probability that the corpus answers, high 0.8 on the first passage's
    assert fitted.outcome(0.9, 0.9) is Confidence.HIGH and fitted.outcome(0.4, 0.8) is Confidence.HIGH
    assert fitted.outcome(0.9, 0.79) is Confidence.LOW and fitted.outcome(0.4, 0.0) is Confidence.LOW
    assert fitted.outcome(0.39, 1.0) is None  # another city's rule, however sure the ranking is of its first passage


@pytest.mark.parametrize(
    "changes",
    [{"terms": ["share", "nonsense", "margin"]}, {"coef": [1.0]}, {"scale": [0.0, 1.0, 1.0]}, {"terms": ["share", "x*margin", "margin"]}],
)
def test_a_broken_logistic_is_refused(changes: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match="decline model"):
        logistic(**changes)


@pytest.mark.parametrize("changes", [{"low": 1.5}, {"high": -0.1}])
def test_operating_points_outside_zero_to_one_are_refused(changes: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match="decline model"):
        model(**changes)


def test_the_shipped_model_loads_and_round_trips() -> None:
    shipped = default_model()
    assert 0.0 < shipped.low < 1.0 and 0.0 < shipped.high < 1.0
    for part in (shipped.answers, shipped.right):
        assert {name for term in part.terms for name in term.split("*")} <= set(NAMES)
    assert DeclineModel.from_dict(shipped.to_dict()) == shipped


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


@pytest.mark.parametrize("question", ["申论考试时间多长", "申论考多长时间", "申论考多久", "去考场有多远", "养老保险去那里办"])
def test_how_long_how_far_and_where_ask_and_weigh_nothing(question: str) -> None:
    """jieba cuts 多长 off 时间多长: a word no passage has, it weighed 5.2 as the question's heaviest; 那里 in a question
    is the commonest slip for 哪里."""
    texts = {u.text for u in content_units(question, flat_idf, 5.0)}
    assert not any(word in text for text in texts for word in ("多长", "多久", "多远", "那里"))


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


def test_a_sentence_is_read_under_its_title_and_heading() -> None:
    units = (Unit("积分入学", 3.0, False), Unit("志愿", 2.0, False), Unit("最多", 1.0, False))
    title = "天河区积分入学指南"
    passage = f"{title}\n填报\n申请人最多填报19个志愿。其他事项另行通知。"
    context = len(title) + len("\n填报\n")
    under = coverage(units, passage, context=context, title=len(title))
    alone = coverage(units, passage)
    assert alone.sentence_share == pytest.approx(3 / 6)  # the title line and the body's sentence, each on its own
    assert under.sentence_share == pytest.approx(1.0)  # the sentence, read under its title
    assert under.share == alone.share == pytest.approx(1.0)
    assert under.title_share == pytest.approx(3 / 6)
    assert alone.title_share == 0.0  # no title given


def test_a_sentence_that_says_nothing_of_the_question_counts_its_title_at_a_discount() -> None:
    units = (Unit("综援", 4.0, False), Unit("双粮", 4.0, False))
    title = "一文看预算案 综援长生津出双粮"
    listing = coverage(units, f"{title}\n金融服务：发行绿色债券。", context=len(title) + 1, title=len(title))
    assert listing.share == pytest.approx(1.0)  # the passage, title and all, holds both words
    assert listing.sentence_share == pytest.approx(TITLE_ALONE)  # but its only sentence says neither
    answer = coverage(units, f"{title}\n综援将获发多一个月。", context=len(title) + 1, title=len(title))
    assert answer.sentence_share == pytest.approx(1.0)  # a sentence that names one is read under the whole title
    headed = coverage(units, f"{title}\n综援\n发放安排另行公布。", context=len(title) + len("\n综援\n"), title=len(title))
    assert headed.sentence_share == pytest.approx(1.0)  # so is one under a heading that names one


def test_only_the_span_given_as_context_counts_toward_every_sentence() -> None:
    units = (Unit("志愿", 2.0, False), Unit("最多", 1.0, False))
    passage = "志愿\n最多十个。"
    assert coverage(units, passage, context=0).sentence_share == pytest.approx(2 / 3)  # no context: two sentences
    assert coverage(units, passage, context=len("志愿\n")).sentence_share == pytest.approx(1.0)
    # A Latin word in the title counts whole, as in the body.
    latin = (Unit("app", 2.0, True), Unit("下载", 2.0, False))
    read = coverage(latin, "app指南\n在应用商店下载。", context=len("app指南\n"), title=len("app指南"))
    assert read.title_share == pytest.approx(0.5) and read.sentence_share == pytest.approx(1.0)
    assert coverage(latin, "apple指南\n在应用商店下载。", context=len("apple指南\n"), title=len("apple指南")).title_share == 0.0


def test_words_every_passage_has_count_little() -> None:
    def idf(term: str) -> float:
        return 0.1 if term in ("上合", "示范", "范区") else 5.0

    units = content_units("上合示范区的天气怎么样", idf, 5.0)
    # They weigh at the least specificity (the index's subject is still what the question names) ...
    assert {u.text: u.weight for u in units}["上合"] == pytest.approx(background_weight("上合") * LEAST_SPECIFICITY)
    # ... so that what the question asks about, which no passage holds, outweighs them.
    assert coverage(units, "上合示范区发布了政策。").share < 0.4
