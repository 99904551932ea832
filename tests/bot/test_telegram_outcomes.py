"""End to end over real HTTP: the three outcomes of a question (DESIGN.md 8) as citizens see them in Telegram:
quoted; quoted under a one-line hedge in their script (the same passages a confident answer quotes); declined.

Which outcome a question gets is retrieval's decision (tested in tests/retrieval). Here the bot answers from the
real index of the sample article through a stand-in that hedges the questions a test names, as the searcher does
where the evidence is thin; the bot takes its searcher from `build_application(open_searcher=...)`."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.format import format_answer
from bot.language import Script
from bot.settings import Settings
from bot.texts import texts_for
from retrieval.model import Answer, Confidence, DeclineReason
from retrieval.search import Searcher
from tests.bot.telegram_support import BotRunner, bot_settings, buttons, sample_index, visible, wait_reply
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.fixtures import fake_bot_api  # noqa: F401 - a fixture, used by name
from tests.fakes.telegram_html import parse_html

__all__ = ["sample_index"]

SIMPLIFIED, TRADITIONAL, ENGLISH = (texts_for(s) for s in Script)
CONFIDENT = "中欧班列开行了多少列？"
HEDGED = "上合示范区有哪些发展平台？"  # many passages answer it: a confident answer would quote three and offer more
HEDGED_TRADITIONAL = "上合示範區有哪些發展平臺？"
HEDGED_ENGLISH = "What is 1567?"
DECLINED = "明天会下雨吗？需要带伞吗？"


class HedgingSearcher(Searcher):
    """The real searcher of an index, whose answers to the `hedged` questions come with low confidence."""

    hedged: frozenset[str] = frozenset()

    def search(self, question: str, k: int = 3, offset: int = 0) -> Answer:
        found = super().search(question, k=k, offset=offset)
        return dataclasses.replace(found, confidence=Confidence.LOW) if question.strip() in self.hedged else found

    @classmethod
    def opener(cls, index_dir: Path, settings: Settings, hedged: set[str]) -> Callable[[], HedgingSearcher]:
        def open_hedging() -> HedgingSearcher:
            searcher = cls.open(index_dir, settings.index)
            searcher.hedged = frozenset(hedged)
            return searcher  # type: ignore[return-value]

        return open_hedging


@pytest.fixture
def fake(fake_bot_api: FakeBotApi) -> FakeBotApi:  # noqa: F811
    return fake_bot_api


@pytest.fixture
def bot(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> Iterator[BotRunner]:
    settings = bot_settings(tmp_path, fake, sample_index)
    opener = HedgingSearcher.opener(sample_index, settings, {HEDGED, HEDGED_TRADITIONAL, HEDGED_ENGLISH})
    with BotRunner(settings, open_searcher=opener) as runner:
        yield runner


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^(\d+)\.$", text, flags=re.MULTILINE)]


def test_the_three_outcomes(fake: FakeBotApi, bot: BotRunner) -> None:
    confident = wait_reply(fake, fake.push_message(CONFIDENT, user_id=601))
    hedged = wait_reply(fake, fake.push_message(HEDGED, user_id=602))
    declined = wait_reply(fake, fake.push_message(DECLINED, user_id=603))

    assert SIMPLIFIED.hedge not in visible(confident) and "570列" in visible(confident)
    assert SIMPLIFIED.button_helpful in buttons(confident)

    lines = visible(hedged).split("\n")
    assert lines[0] == f"{SIMPLIFIED.question_label}：{HEDGED}" and lines[2] == SIMPLIFIED.hedge  # one line, above the quote
    found = bot.services.searcher.search(HEDGED, k=4)
    assert len(found.hits) >= 2 and _numbers(visible(hedged)) == list(range(1, min(len(found.hits), 3) + 1))
    # the reply without its hedge is what a confident answer with the same passages would be
    confident_form = format_answer(dataclasses.replace(found, hits=found.hits[:3], confidence=Confidence.HIGH), Script.SIMPLIFIED)
    assert visible(hedged).replace(f"\n\n{SIMPLIFIED.hedge}", "", 1) == parse_html(confident_form)[0]
    labels = buttons(hedged)
    assert (SIMPLIFIED.button_more in labels) == (len(found.hits) > 3)
    assert [label for label in labels if label.startswith(SIMPLIFIED.button_full)] == [f"{SIMPLIFIED.button_full} {n}" for n in (1, 2, 3)]
    assert {SIMPLIFIED.button_original, SIMPLIFIED.button_helpful, SIMPLIFIED.button_unhelpful} <= set(labels)

    assert visible(declined) == SIMPLIFIED.decline_text(DeclineReason.NOT_COVERED) and not buttons(declined)


def test_the_hedge_in_each_script(fake: FakeBotApi, bot: BotRunner) -> None:
    traditional = visible(wait_reply(fake, fake.push_message(HEDGED_TRADITIONAL, user_id=611)))
    english = visible(wait_reply(fake, fake.push_message(HEDGED_ENGLISH, user_id=612)))
    assert traditional.split("\n")[2] == TRADITIONAL.hedge and _numbers(traditional)[:1] == [1]
    assert english.split("\n")[2] == ENGLISH.hedge and _numbers(english)[:1] == [1]
    assert traditional.count(TRADITIONAL.hedge) == 1 and english.count(ENGLISH.hedge) == 1  # once, above them all


def test_the_original_text_of_a_hedged_answer_keeps_its_hedge(fake: FakeBotApi, bot: BotRunner) -> None:
    hedged = wait_reply(fake, fake.push_message(HEDGED, user_id=621))
    fake.push_callback_query(buttons(hedged)[SIMPLIFIED.button_original], message=hedged.result, user_id=621)
    [edit] = fake.wait_accepted(1, method="editMessageText", chat_id=621)
    assert visible(edit).split("\n")[2] == SIMPLIFIED.hedge and _numbers(visible(edit)) == _numbers(visible(hedged))
    assert visible(edit) != visible(hedged) and "區" in visible(edit)  # the quote as published (traditional)


def test_a_hedged_inline_result_says_so(fake: FakeBotApi, bot: BotRunner) -> None:
    fake.push_inline_query(HEDGED, user_id=631)
    fake.push_inline_query(CONFIDENT, user_id=632)
    fake.wait_for(lambda calls: len([c for c in calls if c.method == "answerInlineQuery"]) == 2)
    by_user = {int(c.params["inline_query_id"][-3:]): c.params["results"] for c in fake.calls_to("answerInlineQuery")}
    assert by_user[631] and all(r["description"] == SIMPLIFIED.hedge for r in by_user[631])
    assert all(r["description"] != SIMPLIFIED.hedge for r in by_user[632])
