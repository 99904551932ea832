"""The three outcomes of a question (DESIGN.md 8) as the bot's channels show them: quoted, quoted under a hedge
("this may help", the same passages as a confident answer), declined. Here the terminal text, the chat and the command line on
hand-built answers; tests/bot/test_telegram_outcomes.py has them through the fake Bot API."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from bot.chat import chat_loop
from bot.cli_retrieval import _print_answer
from bot.format import format_answer, format_plain
from bot.language import Script
from bot.texts import texts_for
from corpus.model import Citation, Passage
from retrieval.model import Answer, Confidence, DeclineReason, Hit
from tests.bot.test_chat import WordSearcher
from tests.fakes.telegram_html import parse_html

_CITE = Citation(doc_id="fares", title="Bus fares 2024", date="2024-03-05", source="City Transport")
_ZH = Citation(doc_id="card", title="市民卡办理指南", date="2024-03-01", source="政务服务网")


def _hits(*texts: str, cite: Citation = _CITE) -> tuple[Hit, ...]:
    return tuple(
        Hit(Passage(id=f"{cite.doc_id}:{i}:0", doc_id=cite.doc_id, text=t, heading=None, position=i, cite=cite), 0.5, ())
        for i, t in enumerate(texts)
    )


CONFIDENT = Answer("How much is a monthly pass?", _hits("A monthly bus pass costs 80 yuan.", "Children ride free."))
HEDGED = replace(CONFIDENT, confidence=Confidence.LOW)
DECLINED = Answer("Will it rain tomorrow?", decline=DeclineReason.NOT_COVERED)


@pytest.mark.parametrize("script", list(Script))
def test_a_hedged_answer_says_so_once_above_its_passages(script: Script) -> None:
    texts = texts_for(script)
    plain = format_plain(HEDGED, script).split("\n\n")
    assert plain[0].startswith(texts.question_label) and plain[1] == texts.hedge
    assert plain[2].startswith("1. A monthly bus pass") and plain[3].startswith("2. Children ride free.")
    assert format_plain(HEDGED, script).count(texts.hedge) == 1
    shown, _ = parse_html(format_answer(HEDGED, script), strict=True)
    assert shown.split("\n\n")[1] == texts.hedge and shown.count(texts.hedge) == 1 and "Children ride free." in shown


def test_the_hedge_is_in_the_readers_script() -> None:
    zh = Answer("市民卡在哪里补办？", _hits("市民卡补办窗口设在市民服务中心三楼。", cite=_ZH), confidence=Confidence.LOW)
    assert "以下内容可能有帮助" in format_plain(zh, Script.SIMPLIFIED)
    assert "以下內容可能有幫助" in format_plain(zh, Script.TRADITIONAL)
    assert "The following may help" in format_plain(zh, Script.ENGLISH)


def test_confident_and_declined_answers_carry_no_hedge() -> None:
    for script in Script:
        hedge = texts_for(script).hedge
        assert hedge not in format_plain(CONFIDENT, script) and "Children ride free." in format_plain(CONFIDENT, script)
        assert format_plain(DECLINED, script) == texts_for(script).decline_text(DeclineReason.NOT_COVERED)


def test_the_command_line_shows_the_three_outcomes() -> None:
    def printed(answer: Answer) -> str:
        out = io.StringIO()
        _print_answer(answer, out, original=False, bold=("", ""), show_question=False)
        return out.getvalue()

    english = texts_for(Script.ENGLISH)
    assert "1. A monthly" in printed(CONFIDENT) and "2. Children" in printed(CONFIDENT) and english.hedge not in printed(CONFIDENT)
    hedged = printed(HEDGED).split("\n\n")
    assert hedged[1] == english.hedge and hedged[2].startswith("1. A monthly") and hedged[3].startswith("2. Children")
    assert printed(DECLINED).strip() == english.decline_text(DeclineReason.NOT_COVERED)


class HedgingWordSearcher(WordSearcher):
    """The chat's stand-in searcher, whose answers to questions naming a child are hedged."""

    def search(self, question: str, k: int = 3, offset: int = 0) -> Answer:
        found = super().search(question, k, offset)
        return replace(found, confidence=Confidence.LOW) if "child" in question.lower() else found


def test_the_chat_shows_the_three_outcomes_and_more_means_more() -> None:
    out = io.StringIO()
    lines = "bus\n更多\nchildren bus\n更多\nweather forecast\n"
    chat_loop(HedgingWordSearcher(), io.StringIO(lines), out, language_code="en")
    english = texts_for(Script.ENGLISH)
    replies = out.getvalue().split(english.chat_commands, 1)[1].split(f"{english.question_label}：")
    confident, more, hedged, hedged_more = replies[1], replies[2], replies[3], replies[4]
    assert "1. A monthly **bus** pass" in confident and english.hedge not in confident
    assert more.startswith("bus") and "4. Night **bus** routes" in more  # 更多: the next page, not a question
    assert hedged.split("\n\n")[1] == english.hedge and "\n2. **Children**" in hedged and "\n3. " in hedged
    # more after a hedged answer: its next page, still under the hedge; then the decline
    assert hedged_more.startswith("children bus") and hedged_more.split("\n\n")[1] == english.hedge
    assert "4. Night **bus** routes" in hedged_more and english.decline_text(DeclineReason.NOT_COVERED) in hedged_more
