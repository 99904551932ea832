"""End to end over real HTTP: what citizens see. The real application against the fake Bot API server,
answering from a real (lexical-only) index of the bundled sample article."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.language import Script
from bot.texts import texts_for
from retrieval.model import DeclineReason
from tests.bot.telegram_support import BotRunner, bot_settings, buttons, replies_to, sample_index, visible, wait_reply
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.fixtures import fake_bot_api  # noqa: F401 - a fixture, used by name
from tests.fakes.telegram_html import parse_html

__all__ = ["sample_index"]  # a module-scoped fixture, used by name

SIMPLIFIED, TRADITIONAL, ENGLISH = (texts_for(s) for s in Script)
TRAIN_SIMPLIFIED = "中欧班列开行了多少列？"
TRAIN_TRADITIONAL = "中歐班列開行了多少列？"
PLATFORMS = "上合示范区有哪些发展平台？"  # many passages answer it: several pages of results


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake(fake_bot_api: FakeBotApi) -> FakeBotApi:  # noqa: F811
    return fake_bot_api


@pytest.fixture
def bot(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> Iterator[BotRunner]:
    with BotRunner(bot_settings(tmp_path, fake, sample_index), index_dir=sample_index) as runner:
        yield runner


# ---------------------------------------------------------------- questions in each script


def test_simplified_question_gets_the_passage_shown_in_simplified(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    # typing_after=0: "typing…" before every answer, however fast (test_telegram_typing has the shipped delay)
    with BotRunner(bot_settings(tmp_path, fake, sample_index, typing_after=0), index_dir=sample_index):
        update = fake.push_message(TRAIN_SIMPLIFIED, user_id=101)
        reply = wait_reply(fake, update)
    text = visible(reply)
    assert text.startswith(f"{SIMPLIFIED.question_label}：{TRAIN_SIMPLIFIED}")
    assert "开行中欧班列570列" in text  # the sample is traditional: shown converted for this reader
    assert "2023-06-05" in text and "1." in text
    assert SIMPLIFIED.converted_note in text
    # typing first, then the one reply, quoting the question
    actions = [c for c in fake.accepted("sendChatAction", chat_id=101)]
    assert actions and actions[0].params["action"] == "typing" and actions[0].seq < reply.seq
    assert len(fake.accepted("sendMessage", chat_id=101)) == 1


def test_traditional_question_gets_the_passage_as_published(fake: FakeBotApi, bot: BotRunner) -> None:
    update = fake.push_message(TRAIN_TRADITIONAL, user_id=102)
    text = visible(wait_reply(fake, update))
    assert "開行中歐班列570列" in text
    assert TRADITIONAL.converted_note not in text
    assert TRADITIONAL.button_original not in buttons(replies_to(fake, update)[0])  # nothing converted


def test_english_questions_get_english_replies(fake: FakeBotApi, bot: BotRunner) -> None:
    # The sample is Chinese and this index is lexical only: an English question matches through its numbers, or
    # through the Chinese words a bilingual dictionary gives for its English ones (retrieval.english).
    matched = fake.push_message("What is 1567?", user_id=103)
    reply = wait_reply(fake, matched)
    text = visible(reply)
    assert text.startswith(f"{ENGLISH.question_label}：What is 1567?")
    assert "“1567”工作體系" in text  # quoted as published: English readers get no conversion
    # Since the answer-type refit the 1567 passage is quoted confidently; a hedge, if any, would be in English.
    assert "可能有" not in text and "可能有幫助" not in text
    assert ENGLISH.button_helpful in set(buttons(reply))
    translated = fake.push_message("How many China-Europe freight trains ran?", user_id=103)
    text = visible(wait_reply(fake, translated))
    assert text.startswith(f"{ENGLISH.question_label}：How many") and "開行中歐班列570列" in text
    unmatched = fake.push_message("Is the swimming pool open on Mondays?", user_id=103)
    assert visible(wait_reply(fake, unmatched)) == ENGLISH.decline_text(DeclineReason.NOT_COVERED)


def test_matched_terms_are_bold(fake: FakeBotApi, bot: BotRunner) -> None:
    update = fake.push_message(TRAIN_TRADITIONAL, user_id=104)
    reply = wait_reply(fake, update)
    bold = [reply.text[e["offset"] : e["offset"] + e["length"]] for e in reply.result.get("entities", []) if e["type"] == "bold"]
    assert any("班列" in b or "中歐" in b for b in bold)


# ---------------------------------------------------------------- buttons


def _press(fake: FakeBotApi, message_call, label: str, user_id: int) -> int:  # type: ignore[no-untyped-def]
    return fake.push_callback_query(buttons(message_call)[label], message=message_call.result, user_id=user_id)


def _numbers(message_call) -> list[int]:  # type: ignore[no-untyped-def]
    """The passage numbers shown in an answer."""
    return [int(n) for n in re.findall(r"^(\d+)\.$", visible(message_call), flags=re.MULTILINE)]


def _answered_query(fake: FakeBotApi, update_id: int):  # type: ignore[no-untyped-def]
    query_id = fake.update(update_id)["callback_query"]["id"]
    fake.wait_for(lambda calls: any(c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query_id for c in calls))
    [answer] = [c for c in fake.calls_to("answerCallbackQuery") if c.params.get("callback_query_id") == query_id]
    assert answer.ok
    return answer


def test_buttons_more_paragraph_original_feedback(fake: FakeBotApi, bot: BotRunner, tmp_path: Path) -> None:
    user = 110
    reply = wait_reply(fake, fake.push_message(PLATFORMS, user_id=user))
    labels = buttons(reply)
    assert {SIMPLIFIED.button_more, SIMPLIFIED.button_original, SIMPLIFIED.button_helpful, SIMPLIFIED.button_unhelpful} <= set(labels)
    assert [label for label in labels if label.startswith(SIMPLIFIED.button_full)] == [f"{SIMPLIFIED.button_full} {n}" for n in (1, 2, 3)]
    assert all(len(data.encode()) <= 64 for data in labels.values())
    first_page = visible(reply)
    assert "上合示范区聚焦“上合策源”" in first_page  # converted to the reader's script

    # more results: a new message, numbered on from the first page, with other passages
    _answered_query(fake, _press(fake, reply, SIMPLIFIED.button_more, user))
    more = fake.wait_accepted(2, method="sendMessage", chat_id=user)[1]
    assert _numbers(more)[0] == 4  # numbered on; how many further passages answer is the decline's call
    assert "党工委副书记" in visible(more) and "党工委副书记" not in first_page
    # and so on, page after page, until the last page, which offers no more
    page, sent = more, 2
    for _ in range(10):
        if SIMPLIFIED.button_more not in buttons(page):
            break
        _answered_query(fake, _press(fake, page, SIMPLIFIED.button_more, user))
        sent += 1
        following = fake.wait_accepted(sent, method="sendMessage", chat_id=user)[sent - 1]
        assert _numbers(following)[0] == _numbers(page)[-1] + 1
        page = following
    else:
        pytest.fail("more results never ran out")
    assert 1 <= len(_numbers(page)) <= 3
    shown = [n for call in fake.accepted("sendMessage", chat_id=user) for n in _numbers(call)]
    assert shown == list(range(1, len(bot.services.searcher.search(PLATFORMS, k=30).hits) + 1))  # all, each once

    # full paragraph of the first passage
    _answered_query(fake, _press(fake, reply, f"{SIMPLIFIED.button_full} 1", user))
    paragraph = visible(fake.wait_accepted(sent + 1, method="sendMessage", chat_id=user)[sent])
    assert paragraph.startswith(SIMPLIFIED.full_paragraph_title)
    assert "六个圈层" in paragraph  # the end of that paragraph, which the trimmed quote may leave out

    # original text: the reply is edited in place to the published (traditional) text, and back
    _answered_query(fake, _press(fake, reply, SIMPLIFIED.button_original, user))
    [edit] = fake.wait_accepted(1, method="editMessageText", chat_id=user)
    assert "上合示范區聚焦“上合策源”" in visible(edit)
    assert SIMPLIFIED.button_converted in buttons(edit)
    back = fake.push_callback_query(buttons(edit)[SIMPLIFIED.button_converted], message=edit.result, user_id=user)
    _answered_query(fake, back)
    edits = fake.wait_accepted(2, method="editMessageText", chat_id=user)
    assert "上合示范区聚焦“上合策源”" in visible(edits[1])

    # 👍 is answered with thanks and recorded in the SQLite file; a changed mind replaces the vote
    answer = _answered_query(fake, _press(fake, reply, SIMPLIFIED.button_helpful, user))
    assert answer.params.get("text") == SIMPLIFIED.feedback_thanks
    db = sqlite3.connect(tmp_path / "quotebot.sqlite3")
    assert db.execute("SELECT vote FROM feedback").fetchall() == [(1,)]
    _answered_query(fake, _press(fake, reply, SIMPLIFIED.button_unhelpful, user))
    assert db.execute("SELECT vote FROM feedback").fetchall() == [(-1,)]


def _answers_to(fake: FakeBotApi, update_id: int) -> list:  # type: ignore[type-arg]
    query_id = fake.update(update_id)["callback_query"]["id"]
    return [c for c in fake.calls_to("answerCallbackQuery") if c.params.get("callback_query_id") == query_id]


def test_a_repeated_tap_on_original_is_a_no_op(fake: FakeBotApi, bot: BotRunner) -> None:
    user = 112
    reply = wait_reply(fake, fake.push_message(PLATFORMS, user_id=user))
    data = buttons(reply)[SIMPLIFIED.button_original]
    # a double tap: both queries carry the message as it was before either edit
    taps = [fake.push_callback_query(data, message=reply.result, user_id=user) for _ in range(2)]
    fake.wait_for(lambda _calls: all(_answers_to(fake, t) for t in taps))
    [edit] = fake.wait_accepted(1, method="editMessageText", chat_id=user)
    # a tap from a client that still shows the old keyboard, arriving after the edit (Telegram sends the message as edited)
    taps.append(fake.push_callback_query(data, message=edit.result, user_id=user, check_button=False))
    fake.wait_for(lambda _calls: _answers_to(fake, taps[-1]))
    fake.wait_idle()
    assert [c.status for c in fake.calls_to("editMessageText")] == [200]  # one edit, nothing refused
    assert [[a.ok for a in _answers_to(fake, t)] for t in taps] == [[True]] * 3  # each answered exactly once
    assert "上合示范區聚焦“上合策源”" in visible(fake.calls_to("editMessageText")[0])
    # and the way back still works
    back = fake.push_callback_query(buttons(edit)[SIMPLIFIED.button_converted], message=edit.result, user_id=user)
    fake.wait_for(lambda _calls: _answers_to(fake, back))
    assert "上合示范区聚焦“上合策源”" in visible(fake.wait_accepted(2, method="editMessageText", chat_id=user)[1])


def test_a_callback_is_answered_once_even_when_its_reply_fails(fake: FakeBotApi, bot: BotRunner) -> None:
    user = 113
    reply = wait_reply(fake, fake.push_message(PLATFORMS, user_id=user))
    fake.fail_next("sendMessage", 400, description="Bad Request: not enough rights to send text messages to the chat")
    more = _press(fake, reply, SIMPLIFIED.button_more, user)  # answered, then its message is refused
    fake.wait_for(lambda calls: any(c.method == "sendMessage" and c.status == 400 for c in calls))
    bot.call(lambda app: setattr(bot.services, "searcher", None))  # the next one fails before it is answered
    paragraph = _press(fake, reply, f"{SIMPLIFIED.button_full} 1", user)
    fake.wait_for(lambda _calls: _answers_to(fake, paragraph))
    fake.wait_idle()
    assert [(a.ok, a.params.get("text")) for a in _answers_to(fake, more)] == [(True, None)]
    assert [(a.ok, a.params.get("text")) for a in _answers_to(fake, paragraph)] == [(True, SIMPLIFIED.failed)]
    assert all(c.ok for c in fake.calls_to("answerCallbackQuery"))
    assert bot.services.answered_queries == set()  # forgotten once each update was handled


def test_stale_and_unknown_buttons_are_answered(fake: FakeBotApi, bot: BotRunner) -> None:
    reply = wait_reply(fake, fake.push_message(TRAIN_SIMPLIFIED, user_id=111))
    key = buttons(reply)[SIMPLIFIED.button_helpful].split(":")[1]
    for data in ("m:zzzzzzzz:3", "garbage", f"p:{key}:99", f"m:{key}:3"):  # the last: more, where there is none
        answer = _answered_query(fake, fake.push_callback_query(data, message=reply.result, user_id=111, check_button=False))
        assert answer.params.get("text")  # "this result expired, ask again"
    assert len(fake.accepted("sendMessage", chat_id=111)) == 1


# ---------------------------------------------------------------- the other replies


def test_more_results_only_when_there_are_more(fake: FakeBotApi, bot: BotRunner) -> None:
    everything = len(bot.services.searcher.search(TRAIN_SIMPLIFIED, k=30).hits)
    reply = wait_reply(fake, fake.push_message(TRAIN_SIMPLIFIED, user_id=114))
    assert len(_numbers(reply)) == min(everything, 3)
    assert (SIMPLIFIED.button_more in buttons(reply)) is (everything > 3)
    assert SIMPLIFIED.button_more in buttons(wait_reply(fake, fake.push_message(PLATFORMS, user_id=114)))


def test_a_caption_is_answered(fake: FakeBotApi, bot: BotRunner) -> None:
    photo = fake.push_photo(user_id=126, caption=TRAIN_SIMPLIFIED)
    document = fake.push_document(b"%PDF-1.4 scan", "scan.pdf", user_id=127, caption=TRAIN_TRADITIONAL)
    assert "570列" in visible(wait_reply(fake, photo)) and SIMPLIFIED.button_helpful in buttons(wait_reply(fake, photo))
    assert "開行中歐班列570列" in visible(wait_reply(fake, document))  # a citizen's file is not an upload: its caption is asked
    group = {"chat_id": -1002, "chat_type": "supergroup"}
    addressed = fake.push_photo(user_id=128, caption=f"@quotebot_test_bot {TRAIN_SIMPLIFIED}", **group)
    ignored = fake.push_photo(user_id=128, caption=TRAIN_SIMPLIFIED, **group)
    assert "570列" in visible(wait_reply(fake, addressed)) and "@quotebot" not in visible(wait_reply(fake, addressed))
    fake.wait_idle()
    assert replies_to(fake, ignored) == []
    assert visible(wait_reply(fake, fake.push_photo(user_id=129))) == SIMPLIFIED.text_only  # no caption, nothing to read


def test_declined_greeting_too_long_and_non_text(fake: FakeBotApi, bot: BotRunner) -> None:
    declined = fake.push_message("明天会下雨吗？需要带伞吗？", user_id=120)
    greeting = fake.push_message("你好", user_id=121)
    too_long = fake.push_message("中" * 501, user_id=122)
    assert visible(wait_reply(fake, declined)) == SIMPLIFIED.decline_text(DeclineReason.NOT_COVERED)
    assert visible(wait_reply(fake, greeting)) == SIMPLIFIED.decline_text(DeclineReason.GREETING)
    assert visible(wait_reply(fake, too_long)) == SIMPLIFIED.too_long_text(500, 501)
    for push in (fake.push_photo, fake.push_sticker, fake.push_voice):
        assert visible(wait_reply(fake, push(user_id=123))) == SIMPLIFIED.text_only
    assert visible(wait_reply(fake, fake.push_location(36.3, 120.0, user_id=124))) == SIMPLIFIED.text_only
    citizen_doc = fake.push_document(b"hello", "notes.txt", user_id=125)
    assert visible(wait_reply(fake, citizen_doc)) == SIMPLIFIED.text_only
    assert all(not c.params.get("reply_markup") for c in fake.accepted("sendMessage"))  # no buttons on these


def test_edited_question_is_answered_again(fake: FakeBotApi, bot: BotRunner) -> None:
    first = fake.push_message("你好", user_id=130)
    wait_reply(fake, first)
    message_id = fake.pushed_message(first)["message_id"]
    fake.push_edited_message(TRAIN_SIMPLIFIED, chat_id=130, message_id=message_id)
    fake.wait_for(lambda _calls: len(replies_to(fake, first)) == 2)
    assert "570列" in visible(replies_to(fake, first)[1])


def test_rate_limit_tells_the_user_to_wait(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    clock = Clock()
    settings = bot_settings(tmp_path, fake, sample_index, questions_per_minute=2)
    with BotRunner(settings, index_dir=sample_index, monotonic=clock):
        for _ in range(2):
            assert "570列" in visible(wait_reply(fake, fake.push_message(TRAIN_SIMPLIFIED, user_id=140)))
            clock.now += 10
        refused = visible(wait_reply(fake, fake.push_message(TRAIN_SIMPLIFIED, user_id=140)))
        assert refused == SIMPLIFIED.rate_limited_text(40)  # the first question leaves the window 40 s later
        assert "570列" in visible(wait_reply(fake, fake.push_message(TRAIN_SIMPLIFIED, user_id=141)))  # others are not held up
        clock.now += 40
        assert "570列" in visible(wait_reply(fake, fake.push_message(TRAIN_SIMPLIFIED, user_id=140)))


# ---------------------------------------------------------------- groups, inline mode, /start


def test_groups_answer_only_when_addressed(fake: FakeBotApi, bot: BotRunner) -> None:
    group = {"chat_id": -1001, "chat_type": "supergroup", "title": "Residents"}
    ignored = fake.push_message(TRAIN_SIMPLIFIED, user_id=150, **group)
    mentioned = fake.push_message(f"@quotebot_test_bot {TRAIN_SIMPLIFIED}", user_id=150, **group)
    reply = wait_reply(fake, mentioned)
    assert "570列" in visible(reply) and "@quotebot_test_bot" not in visible(reply)
    replying = fake.push_message("上合示范区有哪些发展平台？", user_id=151, reply_to=reply.result, **group)
    assert "平台" in visible(wait_reply(fake, replying))
    asked = fake.push_message(f"/ask {TRAIN_TRADITIONAL}", user_id=152, **group)
    assert "570列" in visible(wait_reply(fake, asked))
    addressed = fake.push_message(f"/ask@quotebot_test_bot {TRAIN_TRADITIONAL}", user_id=152, **group)
    assert "570列" in visible(wait_reply(fake, addressed))
    photo = fake.push_photo(user_id=153, chat_id=-1001, chat_type="supergroup")
    fake.wait_idle()
    assert replies_to(fake, ignored) == [] and replies_to(fake, photo) == []


def test_inline_mode_offers_quotes_to_share(fake: FakeBotApi, bot: BotRunner) -> None:
    fake.push_inline_query(TRAIN_TRADITIONAL, user_id=160)
    fake.push_inline_query("", user_id=161)
    fake.wait_for(lambda calls: len([c for c in calls if c.method == "answerInlineQuery"]) == 2)
    full, empty = sorted(fake.calls_to("answerInlineQuery"), key=lambda c: -len(c.params["results"]))
    assert full.ok and empty.ok
    results = full.params["results"]
    assert 1 <= len(results) <= 3 and all(r["type"] == "article" for r in results)
    first = results[0]["input_message_content"]
    assert first["parse_mode"] == "HTML" and "570列" in parse_html(first["message_text"])[0]
    assert empty.params["results"] == [] and empty.params.get("button")
    assert int(full.params["cache_time"]) <= 60
    assert all("上合新區" in r["title"] for r in results)  # a traditional question: the sample as published


@pytest.mark.parametrize(
    ("question", "language", "title", "hedged"),
    [(TRAIN_SIMPLIFIED, None, "上合新区", False), (TRAIN_TRADITIONAL, None, "上合新區", False), ("What is 1567?", "en", "上合新區", False)],
)
def test_inline_titles_and_descriptions_in_the_users_script(
    fake: FakeBotApi, bot: BotRunner, question: str, language: str | None, title: str, hedged: bool
) -> None:
    fake.push_inline_query(question, user_id=162, language_code=language)
    [call] = fake.wait_for(lambda calls: [c for c in calls if c.method == "answerInlineQuery"])[-1:]
    results = call.params["results"]
    assert results and all(title in r["title"] for r in results)
    message = parse_html(results[0]["input_message_content"]["message_text"])[0]
    if hedged:  # a bare number is thin evidence: the description says the quote may help, in the user's language
        assert results[0]["description"] == ENGLISH.hedge
    else:  # the description is the quote's beginning, in the quote's script
        assert results[0]["description"][:20] in message


@pytest.mark.parametrize(
    ("language", "texts"), [("en", ENGLISH), ("zh-hans", SIMPLIFIED), ("zh-hant", TRADITIONAL), (None, SIMPLIFIED)]
)
def test_start_and_help_in_the_users_language(fake: FakeBotApi, bot: BotRunner, language: str | None, texts) -> None:  # type: ignore[no-untyped-def]
    for command in ("/start", "/help", "/start help"):  # the last: the deep link behind the inline-mode hint
        text = visible(wait_reply(fake, fake.push_message(command, user_id=170, language_code=language)))
        assert text.startswith(texts.help_intro)
        assert "2023-06-05" in text  # the corpus's newest date, from the searcher


def test_commands_registered_in_chinese_and_english(fake: FakeBotApi, bot: BotRunner) -> None:
    for language in ("", "zh", "en"):
        assert {c["command"] for c in fake.commands(language_code=language)} == {"start", "help", "ask"}
    assert any("提问" in c["description"] for c in fake.commands(language_code="zh"))
