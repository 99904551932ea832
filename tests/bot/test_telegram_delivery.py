"""End to end over real HTTP: every answer delivered exactly once through 429s, 500s, blocked users and restarts;
whatever users type, every message the bot sends passes Telegram's checks; the token never reaches a log line."""

from __future__ import annotations

import itertools
import logging
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from bot.language import Script
from bot.serve import redact_token
from bot.texts import texts_for
from tests.bot.telegram_support import STAFF_ID, BotRunner, bot_settings, replies_to, sample_index, visible, wait_reply
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.fixtures import fake_bot_api  # noqa: F401 - a fixture, used by name

__all__ = ["sample_index"]

QUESTIONS = ["中欧班列开行了多少列？", "上合示范区有哪些发展平台？", "空港综合保税区", "营商环境有哪些重点任务？", "1567工作体系是什么？"]


@pytest.fixture
def fake(fake_bot_api: FakeBotApi) -> FakeBotApi:  # noqa: F811
    return fake_bot_api


def _answered_once(fake: FakeBotApi, update_ids: list[int]) -> None:
    counts = {u: len(replies_to(fake, u)) for u in update_ids}
    assert counts == {u: 1 for u in update_ids}, counts


def test_bursts_of_429_and_500_lose_and_double_nothing(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    # typing_after=0: every answer shows typing first, so the typing actions meet their 500s too
    with BotRunner(bot_settings(tmp_path, fake, sample_index, typing_after=0), index_dir=sample_index):
        # at most as many in a row as the bot retries (3 of each): even if one reply met them all, it gets through
        fake.fail_next("sendMessage", 429, retry_after=1, times=3)
        fake.fail_next("sendMessage", 500, times=3)
        fake.fail_next("sendChatAction", 500, times=3)
        updates = [fake.push_message(QUESTIONS[i % len(QUESTIONS)], user_id=300 + i) for i in range(8)]
        fake.wait_for(lambda _calls: all(replies_to(fake, u) for u in updates), timeout=30)
        fake.wait_idle(quiet=0.5)
    failed = Counter(c.status for c in fake.calls_to("sendMessage") if not c.ok)
    assert failed == {429: 3, 500: 3}  # the burst happened, and was absorbed
    _answered_once(fake, updates)
    assert len(fake.accepted("sendMessage")) == len(updates)


# typing shown at once, or never for these searches (10 s, far longer than any of them: the reply is the first request)
@pytest.mark.parametrize(("typing_after", "refused_at"), [(0.0, "sendChatAction"), (10.0, "sendMessage")], ids=["typing-first", "reply-only"])
def test_a_user_who_blocked_the_bot_is_skipped(
    fake: FakeBotApi, sample_index: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, typing_after: float, refused_at: str
) -> None:
    caplog.set_level(logging.INFO)
    with BotRunner(bot_settings(tmp_path, fake, sample_index, typing_after=typing_after), index_dir=sample_index):
        fake.block_user(310)
        blocked = fake.push_message(QUESTIONS[0], user_id=310)
        after = fake.push_message(QUESTIONS[0], user_id=311)
        wait_reply(fake, after)
        fake.wait_idle()
    # the first request to the chat is refused once (typing when shown at once, else the reply): no retry loop
    assert [(c.method, c.status) for c in fake.calls if c.chat_id == 310] == [(refused_at, 403)]
    assert any("refused the reply" in r.getMessage() for r in caplog.records)
    db = sqlite3.connect(tmp_path / "quotebot.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM handled WHERE update_id = ?", (blocked,)).fetchone() == (1,)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_restart_in_the_middle_of_a_stream(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    settings = bot_settings(tmp_path, fake, sample_index, questions_per_minute=0)
    fake.slow("sendMessage", 0.1)
    pushed = []
    with BotRunner(settings, index_dir=sample_index):
        pushed += [fake.push_message(QUESTIONS[i % 5], user_id=320 + i % 4) for i in range(10)]
        fake.wait_accepted(3, method="sendMessage")
    # stopped with questions still queued or being answered; more arrive while the bot is down
    pushed += [fake.push_message(QUESTIONS[i % 5], user_id=320 + i % 4) for i in range(10, 16)]
    with BotRunner(settings, index_dir=sample_index):
        pushed += [fake.push_message(QUESTIONS[i % 5], user_id=320 + i % 4) for i in range(16, 20)]
        fake.wait_for(lambda _calls: all(replies_to(fake, u) for u in pushed), timeout=30)
        fake.wait_idle()
    _answered_once(fake, pushed)


def test_redelivered_updates_are_not_answered_twice(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    settings = bot_settings(tmp_path, fake, sample_index)
    with BotRunner(settings, index_dir=sample_index):
        fake.wait_for(lambda _calls: fake.polls_waiting >= 1)
        # the waiting long poll delivers the question; every later getUpdates (which would confirm it) fails
        fake.fail_next("getUpdates", 500, times=1000)
        first = fake.push_message(QUESTIONS[0], user_id=330)
        wait_reply(fake, first)
    assert first in [u["update_id"] for u in fake.pending_updates], "still unconfirmed: Telegram will send it again"
    fake.clear_failures()
    with BotRunner(settings, index_dir=sample_index):
        later = fake.push_message(QUESTIONS[3], user_id=330)
        wait_reply(fake, later)
        fake.wait_idle()
    delivered = [u["update_id"] for c in fake.calls_to("getUpdates") if c.ok for u in c.result]
    assert delivered.count(first) == 2
    _answered_once(fake, [first, later])


def test_a_failing_handler_is_logged_and_the_user_told(fake: FakeBotApi, sample_index: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with BotRunner(bot_settings(tmp_path, fake, sample_index), index_dir=sample_index) as bot:
        bot.call(lambda app: setattr(bot.services, "searcher", None))  # as if the index had failed to open
        failed = fake.push_message(QUESTIONS[0], user_id=350)
        fake.wait_for(lambda _calls: fake.accepted("sendMessage", chat_id=350))
        bot.call(lambda app: setattr(bot.services, "searcher", bot.services.open_searcher()))
        answered = fake.push_message(QUESTIONS[0], user_id=350)
        assert "570列" in visible(wait_reply(fake, answered))
    [sorry] = [c for c in fake.accepted("sendMessage", chat_id=350) if c not in replies_to(fake, answered)]
    assert visible(sorry) == texts_for(Script.SIMPLIFIED).failed
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert error.name == "bot.telegram_app" and error.exc_info is not None and str(failed) in error.getMessage()


# ---------------------------------------------------------------- anything users type

_FRAGMENTS = st.sampled_from(
    ["<b>", "</b>", "<i>x</i>", "<a href='javascript:alert(1)'>", "&amp;", "&", "&lt;", "<", ">", "<pre>", "</blockquote>",
     "<tg-spoiler>", "&#0;", "&#x110000;", "\u202e", "\u200b", "😀", "𝔘𝔫𝔦", "中欧班列", "570列", "上合", "\n", "\t", "\x00", " "]
)
_USER_TEXT = st.one_of(
    st.text(min_size=1, max_size=200),
    st.lists(_FRAGMENTS | st.text(max_size=5), min_size=1, max_size=40).map("".join),
    st.builds(lambda a, n: a * n, st.text(min_size=1, max_size=3), st.integers(100, 1365)),  # up to 4095 UTF-16 units
).filter(lambda text: text.strip())


def test_whatever_users_type_every_message_passes_telegram_checks(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    users = itertools.count(1_000_000)
    with BotRunner(bot_settings(tmp_path, fake, sample_index), index_dir=sample_index) as bot:

        @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
        @given(text=_USER_TEXT)
        def check(text: str) -> None:
            user = next(users)
            try:
                update = fake.push_message(text, user_id=user)
            except ValueError:
                reject()  # no Telegram app could send this text (the fake says why)
            reply = wait_reply(fake, update)
            assert visible(reply).strip()
            # the buttons under an answer work too
            for data in [b["callback_data"] for row in (reply.params.get("reply_markup") or {}).get("inline_keyboard", []) for b in row][:2]:
                fake.push_callback_query(data, message=reply.result, user_id=user)
            fake.push_inline_query(text[:256], user_id=user)

        check()
        fake.wait_idle()
        assert bot.services.in_flight == set()
    refused = [c for c in fake.calls if c.status == 400]
    assert refused == [], [(c.method, c.description) for c in refused]


# ---------------------------------------------------------------- the token


def test_the_token_never_reaches_a_log_line(fake: FakeBotApi, sample_index: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # as `quotebot` sets it: httpx logs URLs at INFO
    undo = redact_token(fake.token)  # as `quotebot serve` does: python-telegram-bot logs its URL at DEBUG
    try:
        with BotRunner(bot_settings(tmp_path, fake, sample_index), index_dir=sample_index):
            fake.fail_next("sendMessage", 500, times=1)
            wait_reply(fake, fake.push_message(QUESTIONS[0], user_id=340))
            fake.block_user(341)
            fake.push_message(QUESTIONS[0], user_id=341)
            upload = fake.push_document("上合示范区新闻。\n\n中欧班列今年开行更多班次。".encode(), "news.txt", user_id=STAFF_ID)
            wait_reply(fake, upload, timeout=60)
            fake.wait_idle()
    finally:
        undo()
        logging.getLogger("httpx").setLevel(logging.NOTSET)
    assert len(caplog.records) > 50  # debug logging really was on
    formatter = logging.Formatter()
    leaked = [formatter.format(record)[:200] for record in caplog.records if fake.token in formatter.format(record)]
    assert leaked == []
    assert fake.token not in caplog.text
    assert any("<token>" in record.getMessage() for record in caplog.records)  # the redaction did fire


# ---------------------------------------------------------------- bounded retries (bot.delivery)


def _no_apology(fake: FakeBotApi, chat_id: int) -> None:
    sorry = texts_for(Script.SIMPLIFIED).failed
    assert [c for c in fake.accepted("sendMessage", chat_id=chat_id) if visible(c) == sorry] == []


def test_a_429_storm_longer_than_a_fixed_retry_count_is_waited_out(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    # six 429s in a row on one reply: PTB's count-based retries (3 here before) lost it; a 30 s window waits them out
    with BotRunner(bot_settings(tmp_path, fake, sample_index, retry_for=30.0), index_dir=sample_index):
        fake.fail_next("sendMessage", 429, retry_after=1, times=6)
        update = fake.push_message(QUESTIONS[0], user_id=360)
        wait_reply(fake, update, timeout=30)
        fake.wait_idle(quiet=0.5)
    tries = fake.calls_to("sendMessage")
    assert [c.status for c in tries] == [429] * 6 + [200]
    assert all(b.started - a.finished >= 1.0 for a, b in itertools.pairwise(tries))  # retry_after honoured each time
    _answered_once(fake, [update])


def test_five_500s_in_a_row_then_the_answer(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    with BotRunner(bot_settings(tmp_path, fake, sample_index, retry_for=8.0), index_dir=sample_index):
        fake.fail_next("sendMessage", 500, times=5)
        update = fake.push_message(QUESTIONS[1], user_id=361)
        wait_reply(fake, update, timeout=30)
        fake.wait_idle(quiet=0.5)
    assert [c.status for c in fake.calls_to("sendMessage")] == [500] * 5 + [200]
    _answered_once(fake, [update])
    _no_apology(fake, 361)


def test_a_send_slower_than_the_timeout_gets_no_apology(fake: FakeBotApi, sample_index: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Telegram takes 2.5 s to accept the reply; the bot waits 1 s, then sends again (it cannot know the first arrived)
    caplog.set_level(logging.INFO)
    with BotRunner(bot_settings(tmp_path, fake, sample_index, send_timeout=1.0, retry_for=10.0), index_dir=sample_index):
        fake.slow_next("sendMessage", 2.5)
        update = fake.push_message(QUESTIONS[0], user_id=362)
        fake.wait_for(lambda _calls: len(replies_to(fake, update)) >= 2, timeout=15)
        fake.wait_idle(quiet=1.0)
    assert all("570列" in visible(c) for c in replies_to(fake, update))
    assert len(replies_to(fake, update)) == 2  # the slow one and the retry: seen twice, never lost
    _no_apology(fake, 362)
    assert fake.accepted("sendMessage", chat_id=362) == replies_to(fake, update)
    assert any("may be seen twice" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_connection_lost_after_telegram_accepted_the_reply(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    with BotRunner(bot_settings(tmp_path, fake, sample_index, retry_for=10.0), index_dir=sample_index):
        fake.drop_next("sendMessage")
        update = fake.push_message(QUESTIONS[3], user_id=363)
        fake.wait_for(lambda _calls: len(replies_to(fake, update)) >= 2, timeout=15)
        fake.wait_idle(quiet=0.5)
    assert len(replies_to(fake, update)) == 2  # the dropped answer cannot be told from a refused one
    _no_apology(fake, 363)


def test_a_reply_given_up_on_is_logged_and_counted_for_staff(
    fake: FakeBotApi, sample_index: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    # Telegram asks for 30 s, longer than the 2 s window: given up at once, not waited for
    with BotRunner(bot_settings(tmp_path, fake, sample_index, retry_for=2.0), index_dir=sample_index):
        fake.fail_next("sendMessage", 429, retry_after=30, chat_id=364)
        lost = fake.push_message(QUESTIONS[0], user_id=364)
        fake.wait_for(lambda _calls: fake.calls_to("sendMessage"), timeout=10)
        later = fake.push_message(QUESTIONS[0], user_id=365)
        wait_reply(fake, later, timeout=10)
        stats = visible(wait_reply(fake, fake.push_message("/stats", user_id=STAFF_ID)))
        fake.wait_idle(quiet=0.5)
    assert "Replies given up on (Telegram unreachable for 2 s): 1" in stats
    assert fake.accepted("sendMessage", chat_id=364) == []  # no apology either
    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "undelivered" in error.getMessage() and "sendMessage" in error.getMessage()
    db = sqlite3.connect(tmp_path / "quotebot.sqlite3")
    assert db.execute("SELECT update_id, method FROM undelivered").fetchall() == [(lost, "sendMessage")]


# ---------------------------------------------------------------- handled updates belong to one bot


def test_a_second_bot_on_the_same_database_answers_its_own_updates(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    first = [fake.push_message(QUESTIONS[i], user_id=370) for i in range(2)]
    with BotRunner(bot_settings(tmp_path, fake, sample_index), index_dir=sample_index):
        fake.wait_for(lambda _calls: all(replies_to(fake, u) for u in first), timeout=15)
        fake.wait_idle()
    # another token on the same file; its server numbers updates from 1 again, as the first one did
    with FakeBotApi(token="654321:OTHER-token") as other:
        second = [other.push_message(QUESTIONS[i], user_id=371) for i in range(2)]
        assert second == first
        with BotRunner(bot_settings(tmp_path, other, sample_index), index_dir=sample_index):
            other.wait_for(lambda _calls: all(replies_to(other, u) for u in second), timeout=15)
            other.wait_idle()
        _answered_once(other, second)
    db = sqlite3.connect(tmp_path / "quotebot.sqlite3")
    assert sorted(db.execute("SELECT bot_id, update_id FROM handled").fetchall()) == sorted(
        [(123456, u) for u in first] + [(654321, u) for u in second]
    )
