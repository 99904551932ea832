"""The fake Bot API server, driven over real HTTP by httpx and by the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import httpx
import pytest
import telegram
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters

from tests.fakes.bot_api import FakeBotApi
from tests.fakes.fixtures import fake_bot_api  # noqa: F401 - the fixture, used by name

T = TypeVar("T")


def with_bot(server: FakeBotApi, action: Callable[[telegram.Bot], Awaitable[T]]) -> T:
    """Run ``action`` with a real, initialised telegram.Bot pointed at the fake server."""

    async def main() -> T:
        async with telegram.Bot(server.token, base_url=server.base_url, base_file_url=server.base_file_url) as bot:
            return await action(bot)

    return asyncio.run(main())


def api(server: FakeBotApi, method: str, **params: Any) -> httpx.Response:
    return httpx.post(f"{server.base_url}{server.token}/{method}", data=params, timeout=10)


# -- the HTTP surface ---------------------------------------------------------------------------------------------


def test_answers_like_telegram_ok_unknown_method_and_bad_tokens(fake_bot_api: FakeBotApi) -> None:
    me = api(fake_bot_api, "getMe").json()
    assert me["ok"] is True and me["result"]["is_bot"] is True and me["result"]["id"] == 123456
    unknown = api(fake_bot_api, "sendPigeon")
    assert (unknown.status_code, unknown.json()) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert api(fake_bot_api, "GETME").json()["ok"] is True  # method names are case-insensitive
    wrong = httpx.post(f"{fake_bot_api.base_url}654321:OTHER-token/getMe")
    assert (wrong.status_code, wrong.json()["description"]) == (401, "Unauthorized")
    malformed = httpx.post(f"{fake_bot_api.base_url}not-a-token/getMe")
    assert (malformed.status_code, malformed.json()["description"]) == (404, "Not Found")


def test_parameters_arrive_as_form_json_or_query_string(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_message("hi", user_id=7)
    url = f"{fake_bot_api.base_url}{fake_bot_api.token}/sendMessage"
    assert httpx.post(url, json={"chat_id": 7, "text": "<b>json</b>", "parse_mode": "HTML"}).json()["ok"]
    assert httpx.get(url, params={"chat_id": "7", "text": "query"}).json()["ok"]
    keyboard = json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]})
    form = httpx.post(url, data={"chat_id": "7", "text": "form", "reply_markup": keyboard})
    assert form.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert [c.text for c in fake_bot_api.accepted(chat_id=7)] == ["json", "query", "form"]
    assert [c.result["message_id"] for c in fake_bot_api.accepted()] == [2, 3, 4]  # the user's message was 1


def test_sends_to_unknown_chats_and_unmet_users_are_refused(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_message("hi all", chat_id=-100, user_id=9, chat_type="group")
    unknown = api(fake_bot_api, "sendMessage", chat_id=555, text="x")
    assert unknown.json()["description"] == "Bad Request: chat not found"
    refused = api(fake_bot_api, "sendMessage", chat_id=9, text="x")  # user 9 never opened a private chat
    assert (refused.status_code, refused.json()["description"]) == (
        403, "Forbidden: bot can't initiate conversation with a user"
    )
    assert api(fake_bot_api, "sendMessage", chat_id=-100, text="x").json()["ok"]


# -- python-telegram-bot against it ---------------------------------------------------------------------------------


def test_a_real_bot_sends_html_and_gets_the_parsed_message_back(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_message("你好", user_id=42)
    keyboard = telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("更多", callback_data="more:1")]])

    async def send(bot: telegram.Bot) -> telegram.Message:
        assert (await bot.get_me()).username == "quotebot_test_bot"
        return await bot.send_message(42, "<b>上海</b> &amp; 😀 <i>ok</i>", parse_mode="HTML", reply_markup=keyboard)

    message = with_bot(fake_bot_api, send)
    assert message.text == "上海 & 😀 ok"
    assert message.parse_entity(message.entities[0]) == "上海"
    assert message.parse_entity(message.entities[1]) == "ok"
    assert message.reply_markup == keyboard
    assert message.from_user.is_bot and message.chat.id == 42 and message.message_id == 2


@pytest.mark.parametrize(
    ("text", "markup", "words"),
    [
        ("<b>unclosed", None, "can't find end tag corresponding to start tag \"b\""),
        ("1 < 2", None, "unsupported start tag \"\" at byte offset 2"),
        ("x" * 4097, None, "message is too long"),
        ("<b> </b>", None, "message text is empty"),
        ("fine", telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("b", callback_data="x" * 65)]]),
         "button_data_invalid"),
    ],
)
def test_what_telegram_refuses_surfaces_as_bad_request(
    fake_bot_api: FakeBotApi, text: str, markup: telegram.InlineKeyboardMarkup | None, words: str
) -> None:
    fake_bot_api.push_message("hi", user_id=42)
    with pytest.raises(BadRequest) as caught:
        with_bot(fake_bot_api, lambda bot: bot.send_message(42, text, parse_mode="HTML", reply_markup=markup))
    assert words in str(caught.value).lower()
    assert fake_bot_api.accepted() == [] and fake_bot_api.sent_messages() == []


def test_injected_failures_surface_as_ptb_errors_and_send_nothing(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_message("hi", user_id=42)
    fake_bot_api.fail_next("sendMessage", 429, retry_after=7)
    fake_bot_api.fail_next("sendChatAction", 500, times=2)

    async def run(bot: telegram.Bot) -> list[str]:
        seen = []
        for attempt in (lambda: bot.send_message(42, "a"), lambda: bot.send_chat_action(42, "typing"),
                        lambda: bot.send_chat_action(42, "typing")):
            try:
                await attempt()
            except RetryAfter as exc:
                seen.append(f"retry after {exc.retry_after.total_seconds():.0f}")
            except NetworkError as exc:
                seen.append(f"network: {exc}")
        await bot.send_message(42, "b")
        fake_bot_api.block_user(42)
        try:
            await bot.send_message(42, "c")
        except Forbidden as exc:
            seen.append(f"forbidden: {exc}")
        return seen

    assert with_bot(fake_bot_api, run) == [
        "retry after 7", "network: Internal Server Error", "network: Internal Server Error",
        "forbidden: Forbidden: bot was blocked by the user",
    ]
    sends = fake_bot_api.calls_to("sendMessage")
    assert [(c.status, c.injected) for c in sends] == [(429, True), (200, False), (403, True)]
    # The refused sends created nothing: the one accepted message is the chat's second (the user's was first).
    assert [m["text"] for m in fake_bot_api.sent_messages(42)] == ["b"]
    assert sends[1].result["message_id"] == 2


def test_a_slow_method_answers_late(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_message("hi", user_id=1)
    fake_bot_api.slow("sendMessage", 0.4)
    started = time.monotonic()
    with_bot(fake_bot_api, lambda bot: bot.send_message(1, "late"))
    assert time.monotonic() - started >= 0.4
    assert fake_bot_api.accepted()[0].finished - fake_bot_api.accepted()[0].started >= 0.4


# -- updates: long polling, offsets, conflicts ------------------------------------------------------------------------


def test_long_polling_holds_until_an_update_arrives(fake_bot_api: FakeBotApi) -> None:
    async def poll(bot: telegram.Bot) -> tuple[float, tuple[telegram.Update, ...]]:
        started = time.monotonic()
        threading.Timer(0.3, fake_bot_api.push_message, args=("late question",), kwargs={"user_id": 5}).start()
        updates = await bot.get_updates(timeout=5)
        return time.monotonic() - started, updates

    waited, updates = with_bot(fake_bot_api, poll)
    assert 0.25 <= waited < 2.5
    assert [u.message.text for u in updates] == ["late question"]


def test_long_polling_with_nothing_to_send_returns_empty_at_the_timeout(fake_bot_api: FakeBotApi) -> None:
    async def poll(bot: telegram.Bot) -> tuple[float, tuple[telegram.Update, ...]]:
        started = time.monotonic()
        updates = await bot.get_updates(timeout=1)
        return time.monotonic() - started, updates

    waited, updates = with_bot(fake_bot_api, poll)
    assert updates == () and 0.9 <= waited < 3


def test_an_offset_forgets_earlier_updates_for_good(fake_bot_api: FakeBotApi) -> None:
    first, second, third = (fake_bot_api.push_message(t, user_id=3) for t in ("one", "two", "three"))

    async def poll(bot: telegram.Bot) -> list[list[int]]:
        seen = [[u.update_id for u in await bot.get_updates()]]
        seen.append([u.update_id for u in await bot.get_updates(offset=second)])
        seen.append([u.update_id for u in await bot.get_updates(offset=0)])  # no offset: from the first unconfirmed
        seen.append([u.update_id for u in await bot.get_updates(offset=third + 1)])
        return seen

    assert with_bot(fake_bot_api, poll) == [[first, second, third], [second, third], [second, third], []]
    assert fake_bot_api.confirmed_offset == third + 1 and fake_bot_api.pending_updates == []


def test_a_second_poller_ends_the_first_with_409_conflict(fake_bot_api: FakeBotApi) -> None:
    async def run(bot: telegram.Bot) -> BaseException | None:
        # PTB serialises getUpdates on one connection; a second Bot is a second connection (a second instance).
        async with telegram.Bot(fake_bot_api.token, base_url=fake_bot_api.base_url) as other:
            first = asyncio.create_task(bot.get_updates(timeout=5))
            await asyncio.sleep(0.3)
            await other.get_updates(timeout=0)
            try:
                await first
            except Conflict as exc:
                return exc
        return None

    conflict = with_bot(fake_bot_api, run)
    assert isinstance(conflict, Conflict) and "terminated by other getUpdates request" in str(conflict)


def test_the_real_application_answers_every_update_once_across_a_restart(fake_bot_api: FakeBotApi) -> None:
    async def echo(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"echo {update.message.text}")

    async def serve_until(count: int) -> None:
        app = (ApplicationBuilder().token(fake_bot_api.token).base_url(fake_bot_api.base_url)
               .base_file_url(fake_bot_api.base_file_url).build())
        app.add_handler(MessageHandler(filters.TEXT, echo))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(timeout=5)
            await asyncio.to_thread(fake_bot_api.wait_accepted, count, timeout=10)
            await app.updater.stop()
            await app.stop()

    for i in range(3):
        fake_bot_api.push_message(f"q{i}", user_id=11)
    asyncio.run(serve_until(3))
    for i in range(3, 5):
        fake_bot_api.push_message(f"q{i}", user_id=11)
    asyncio.run(serve_until(5))
    assert [c.text for c in fake_bot_api.accepted(chat_id=11)] == [f"echo q{i}" for i in range(5)]
    assert fake_bot_api.pending_updates == []


# -- scripted users: buttons, inline queries, files, groups --------------------------------------------------------


def test_buttons_edits_and_callback_answers(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_message("hi", user_id=8)
    keyboard = telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("👍", callback_data="up")]])
    sent = with_bot(fake_bot_api, lambda bot: bot.send_message(8, "answer", reply_markup=keyboard))
    with pytest.raises(ValueError, match="no button with callback_data 'down'"):
        fake_bot_api.push_callback_query("down", message=fake_bot_api.sent_messages(8)[0], user_id=8)
    fake_bot_api.push_callback_query("up", message=fake_bot_api.sent_messages(8)[0], user_id=8)

    async def handle(bot: telegram.Bot) -> list[str]:
        query = (await bot.get_updates())[-1].callback_query
        assert query.data == "up" and query.message.message_id == sent.message_id
        await query.answer("thanks")
        outcomes = []
        try:
            await query.answer("again")
        except BadRequest as exc:
            outcomes.append(str(exc))
        edited = await bot.edit_message_text("answer, rated", chat_id=8, message_id=sent.message_id)
        outcomes.append(f"keyboard after edit: {edited.reply_markup}")
        try:
            await bot.edit_message_text("answer, rated", chat_id=8, message_id=sent.message_id)
        except BadRequest as exc:
            outcomes.append(str(exc).split(":")[0])
        return outcomes

    assert with_bot(fake_bot_api, handle) == [
        "Query is too old and response timeout expired or query id is invalid",
        "keyboard after edit: None",
        "Message is not modified",
    ]
    assert fake_bot_api.sent_messages(8)[0]["text"] == "answer, rated"


def test_inline_queries_are_answered_once_with_checked_results(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_inline_query("垃圾分类", user_id=21)

    def article(result_id: str, text: str) -> telegram.InlineQueryResultArticle:
        return telegram.InlineQueryResultArticle(result_id, "title",
                                                 telegram.InputTextMessageContent(text, parse_mode="HTML"))

    async def handle(bot: telegram.Bot) -> str:
        [update] = await bot.get_updates()
        query = update.inline_query
        assert query.query == "垃圾分类"
        with pytest.raises(BadRequest, match="(?i)result_id_duplicate"):
            await query.answer([article("1", "a"), article("1", "b")])
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await query.answer([article("1", "<b>a")])
        assert await query.answer([article("1", "<b>a</b>"), article("2", "b")])
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await query.answer([article("3", "c")])
        return "done"

    assert with_bot(fake_bot_api, handle) == "done"


def test_a_pushed_document_downloads_through_get_file(fake_bot_api: FakeBotApi) -> None:
    content = "政策原文\n第二段".encode()
    fake_bot_api.push_document(content, "policy.txt", user_id=4, caption="new policy")

    async def download(bot: telegram.Bot) -> tuple[str, bytes]:
        [update] = await bot.get_updates()
        document = update.message.document
        assert (document.file_name, document.mime_type, document.file_size) == ("policy.txt", "text/plain",
                                                                                 len(content))
        file = await document.get_file()
        with pytest.raises(BadRequest, match="(?i)invalid file_id"):
            await bot.get_file("nope")
        return update.message.caption, bytes(await file.download_as_bytearray())

    assert with_bot(fake_bot_api, download) == ("new policy", content)


def test_a_failing_download_surfaces_as_a_network_error(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_document(b"text", "policy.txt", user_id=4)
    fake_bot_api.fail_next("downloadFile", 500)
    fake_bot_api.fail_next("downloadFile", 502, body=b"<html><body>502 Bad Gateway</body></html>")

    async def download(bot: telegram.Bot) -> list[str]:
        [update] = await bot.get_updates()
        file = await update.message.document.get_file()
        seen = []
        for _ in range(2):
            try:
                await file.download_as_bytearray()
            except NetworkError as exc:
                seen.append(str(exc))
        seen.append(bytes(await file.download_as_bytearray()).decode())
        return seen

    [json_error, page, content] = with_bot(fake_bot_api, download)
    assert json_error == "Internal Server Error"
    assert page.startswith("Bad Gateway (502). Parsing the server response") and "failed" in page
    assert content == "text"
    assert [(c.status, c.injected) for c in fake_bot_api.calls_to("downloadFile")] == [(500, True), (502, True), (200, False)]


def test_group_messages_carry_mention_and_command_entities_and_media_parse(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_message("@quotebot_test_bot 几点开门?", chat_id=-200, user_id=6, chat_type="supergroup")
    fake_bot_api.push_message("/ask@quotebot_test_bot 几点", chat_id=-200, user_id=6, chat_type="supergroup")
    fake_bot_api.push_photo(user_id=6, caption="pic for @quotebot_test_bot")
    fake_bot_api.push_sticker(user_id=6)
    fake_bot_api.push_voice(user_id=6)
    fake_bot_api.push_location(31.23, 121.47, user_id=6)
    edit_of = fake_bot_api.pushed_message(fake_bot_api.push_message("typo", user_id=6))
    fake_bot_api.push_edited_message("fixed", chat_id=6, message_id=edit_of["message_id"])

    updates = with_bot(fake_bot_api, lambda bot: bot.get_updates())
    mention, command, photo, sticker, voice, location, original, edited = updates
    assert mention.message.chat.type == "supergroup"
    assert mention.message.parse_entities(["mention"]).popitem()[1] == "@quotebot_test_bot"
    assert command.message.parse_entities(["bot_command"]).popitem()[1] == "/ask@quotebot_test_bot"
    assert photo.message.photo[-1].width == 800 and photo.message.caption == "pic for @quotebot_test_bot"
    assert photo.message.parse_caption_entities(["mention"]).popitem()[1] == "@quotebot_test_bot"
    assert sticker.message.sticker.emoji == "👍" and voice.message.voice.duration == dtm.timedelta(seconds=2)
    assert location.message.location.latitude == pytest.approx(31.23)
    assert edited.edited_message.text == "fixed" and edited.edited_message.message_id == original.message.message_id


def test_commands_are_kept_per_scope_and_language(fake_bot_api: FakeBotApi) -> None:
    async def register(bot: telegram.Bot) -> tuple[tuple[telegram.BotCommand, ...], ...]:
        await bot.set_my_commands([("start", "开始"), ("help", "帮助")], language_code="zh")
        await bot.set_my_commands([("start", "Start")])
        with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
            await bot.set_my_commands([("Not-A-Command", "x")])
        return await bot.get_my_commands(language_code="zh"), await bot.get_my_commands()

    zh, default = with_bot(fake_bot_api, register)
    assert [c.command for c in zh] == ["start", "help"] and [c.description for c in default] == ["Start"]
    assert fake_bot_api.commands(language_code="zh")[1] == {"command": "help", "description": "帮助"}


# -- webhook delivery -----------------------------------------------------------------------------------------------


@pytest.fixture
def webhook_receiver() -> Iterator[tuple[str, list[tuple[str | None, dict]]]]:
    """A tiny HTTP endpoint that answers 500 to the first delivery and 200 after, recording what it got."""
    received: list[tuple[str | None, dict]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.headers.get("X-Telegram-Bot-Api-Secret-Token"), body))
            self.send_response(500 if len(received) == 1 else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_webhook_gets_every_update_in_order_until_it_answers_2xx(
    fake_bot_api: FakeBotApi, webhook_receiver: tuple[str, list[tuple[str | None, dict]]]
) -> None:
    url, received = webhook_receiver
    fake_bot_api.push_message("one", user_id=2)
    fake_bot_api.push_message("two", user_id=2)

    async def hook(bot: telegram.Bot) -> str:
        await bot.set_webhook(url, secret_token="s3cret-token")
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        deadline = time.monotonic() + 5
        while fake_bot_api.pending_updates and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        info = await bot.get_webhook_info()
        await bot.delete_webhook()
        return info.url

    assert with_bot(fake_bot_api, hook) == url
    assert [(secret, body["message"]["text"]) for secret, body in received] == [
        ("s3cret-token", "one"), ("s3cret-token", "one"), ("s3cret-token", "two")
    ]
    assert fake_bot_api.webhook is None and fake_bot_api.pending_updates == []


# -- lifecycle ------------------------------------------------------------------------------------------------------


def test_stop_ends_long_polls_and_keep_alive_connections_and_leaves_no_thread() -> None:
    before = set(threading.enumerate())
    server = FakeBotApi().start()
    client = httpx.Client(timeout=10)  # keeps its connection open, as python-telegram-bot does
    assert client.post(f"{server.base_url}{server.token}/getMe").json()["ok"]
    poll = threading.Thread(target=lambda: client.post(f"{server.base_url}{server.token}/getUpdates",
                                                       data={"timeout": 30}))
    poll.start()
    server.wait_for(lambda calls: server.polls_waiting == 1, timeout=5)
    started = time.monotonic()
    server.stop()
    poll.join(5)
    client.close()
    assert time.monotonic() - started < 2
    assert set(threading.enumerate()) - before == set()


def test_a_pushed_update_is_one_kind_and_a_callback_needs_a_bot_message(fake_bot_api: FakeBotApi) -> None:
    with pytest.raises(ValueError, match="exactly one kind"):
        fake_bot_api.push_update({"message": {}, "callback_query": {}})
    user_message = fake_bot_api.pushed_message(fake_bot_api.push_message("hi", user_id=3))
    with pytest.raises(ValueError, match="no bot message"):
        fake_bot_api.push_callback_query("x", message=user_message, user_id=3)
    assert fake_bot_api.update(1)["message"]["text"] == "hi"
    assert dtm.datetime.fromtimestamp(user_message["date"], dtm.UTC).year >= 2024


def test_small_methods_and_their_checks(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_message("hi", user_id=12)
    assert api(fake_bot_api, "sendChatAction", chat_id=12, action="dancing").json()["description"] == (
        "Bad Request: wrong parameter action in request"
    )
    assert api(fake_bot_api, "close").json()["result"] is True
    assert api(fake_bot_api, "logOut").json()["result"] is True
    assert api(fake_bot_api, "deleteMyCommands").json()["result"] is True
    missing = api(fake_bot_api, "sendMessage", chat_id=12, text="x", reply_parameters=json.dumps({"message_id": 99}))
    assert missing.json()["description"] == "Bad Request: message to be replied not found"
    lenient = api(fake_bot_api, "sendMessage", chat_id=12, text="x",
                  reply_parameters=json.dumps({"message_id": 99, "allow_sending_without_reply": True}))
    assert lenient.json()["ok"] and "reply_to_message" not in lenient.json()["result"]
    reply = api(fake_bot_api, "sendMessage", chat_id=12, text="x", reply_parameters=json.dumps({"message_id": 1}))
    assert reply.json()["result"]["reply_to_message"]["text"] == "hi"


def test_callback_answers_are_at_most_200_characters(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_message("hi", user_id=13)
    markup = json.dumps({"inline_keyboard": [[{"text": "go", "callback_data": "go"}]]})
    api(fake_bot_api, "sendMessage", chat_id=13, text="pick", reply_markup=markup)
    fake_bot_api.push_callback_query("go", message=fake_bot_api.sent_messages(13)[0], user_id=13)
    query_id = fake_bot_api.pending_updates[-1]["callback_query"]["id"]
    too_long = api(fake_bot_api, "answerCallbackQuery", callback_query_id=query_id, text="x" * 201)
    assert too_long.json()["description"] == "Bad Request: MESSAGE_TOO_LONG"
    assert api(fake_bot_api, "answerCallbackQuery", callback_query_id=query_id, text="x" * 200).json()["ok"]


def test_a_user_replying_to_the_bot_carries_the_bots_message(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_message("hi", chat_id=-300, user_id=14, chat_type="group")
    api(fake_bot_api, "sendMessage", chat_id=-300, text="bot answer")
    bot_message = fake_bot_api.sent_messages(-300)[0]
    fake_bot_api.push_message("and more?", chat_id=-300, user_id=14, chat_type="group", reply_to=bot_message)

    updates = with_bot(fake_bot_api, lambda bot: bot.get_updates())
    reply = updates[-1].message
    assert reply.reply_to_message.text == "bot answer"
    assert reply.reply_to_message.from_user.username == "quotebot_test_bot"


def test_wait_idle_returns_once_the_bot_has_answered_what_it_fetched(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_message("q", user_id=15)
    with pytest.raises(TimeoutError, match="1 updates unconfirmed"):
        fake_bot_api.wait_idle(quiet=0.05, timeout=0.2)

    async def answer(bot: telegram.Bot) -> None:
        [update] = await bot.get_updates()
        await bot.get_updates(offset=update.update_id + 1)
        await bot.send_message(15, "a")

    with_bot(fake_bot_api, answer)
    started = time.monotonic()
    fake_bot_api.wait_idle(quiet=0.2, timeout=5)
    assert time.monotonic() - started < 1
    assert len(fake_bot_api.accepted(chat_id=15)) == 1


def test_get_file_refuses_files_over_20_megabytes_and_downloads_need_the_token(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_document(b"x" * (20 * 1024 * 1024 + 1), "huge.pdf", user_id=16)
    fake_bot_api.push_document(b"small", "small.txt", user_id=16)
    huge, small = (u["message"]["document"]["file_id"] for u in fake_bot_api.pending_updates)
    assert api(fake_bot_api, "getFile", file_id=huge).json()["description"] == "Bad Request: file is too big"
    path = api(fake_bot_api, "getFile", file_id=small).json()["result"]["file_path"]
    assert httpx.get(f"{fake_bot_api.base_file_url}{fake_bot_api.token}/{path}").content == b"small"
    assert httpx.get(f"{fake_bot_api.base_file_url}654321:OTHER/{path}").status_code == 401
    assert httpx.get(f"{fake_bot_api.base_file_url}{fake_bot_api.token}/documents/nope").status_code == 404


def test_pushed_text_is_what_a_telegram_app_could_send(fake_bot_api: FakeBotApi) -> None:
    update_id = fake_bot_api.push_message("  问题\r\n第二行\t!  ", user_id=17)
    assert fake_bot_api.pushed_message(update_id)["text"] == "问题\n第二行 !"
    fake_bot_api.push_message("😀" * 2048, user_id=17)
    with pytest.raises(ValueError, match="at most 4096"):
        fake_bot_api.push_message("😀" * 2049, user_id=17)
    with pytest.raises(ValueError, match="message text is empty"):
        fake_bot_api.push_message(" \n ", user_id=17)


def test_ptbs_rate_limiter_waits_out_an_injected_429_and_delivers_once(fake_bot_api: FakeBotApi) -> None:
    async def echo(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("answer")

    async def serve() -> None:
        app = (ApplicationBuilder().token(fake_bot_api.token).base_url(fake_bot_api.base_url)
               .rate_limiter(AIORateLimiter(max_retries=2)).build())
        app.add_handler(MessageHandler(filters.TEXT, echo))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(timeout=5)
            await asyncio.to_thread(fake_bot_api.wait_accepted, 1, timeout=10)
            await asyncio.to_thread(fake_bot_api.wait_idle, 0.3)
            await app.updater.stop()
            await app.stop()

    fake_bot_api.fail_next("sendMessage", 429, retry_after=1)
    fake_bot_api.push_message("question", user_id=18)
    asyncio.run(serve())
    sends = fake_bot_api.calls_to("sendMessage")
    assert [c.status for c in sends] == [429, 200]
    assert sends[1].started - sends[0].finished >= 1.0  # the limiter honoured retry_after
