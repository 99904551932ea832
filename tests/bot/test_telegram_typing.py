"""End to end over real HTTP: the typing indicator is shown only for an answer that is slow to find.

Each typing action is a request under Telegram's flood limit of 30 a second over all chats, so a fast answer
is the reply alone; a search still running after `typing_after` seconds shows "typing…" first. Slow searches
are real ones over the sample index, made slow by `SlowSearcher` (a busy machine, a cold model)."""

from __future__ import annotations

import gc
import logging
import sqlite3
import time
from pathlib import Path

import pytest

from tests.bot.telegram_support import BotRunner, SlowSearcher, bot_settings, sample_index, visible, wait_reply
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.fixtures import fake_bot_api  # noqa: F401 - a fixture, used by name

__all__ = ["sample_index"]  # a module-scoped fixture, used by name

QUESTION = "中欧班列开行了多少列？"


@pytest.fixture
def fake(fake_bot_api: FakeBotApi) -> FakeBotApi:  # noqa: F811
    return fake_bot_api


def _requests_to(fake: FakeBotApi, chat_id: int) -> list[str]:
    return [c.method for c in fake.calls if c.chat_id == chat_id]


def test_a_fast_answer_is_one_request_the_reply(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    settings = bot_settings(tmp_path, fake, sample_index)
    assert settings.typing_after == 0.5  # the shipped default
    with BotRunner(settings, index_dir=sample_index):
        wait_reply(fake, fake.push_message(QUESTION, user_id=501))  # the first search loads the script converters
        update = fake.push_message(QUESTION, user_id=502)
        assert "570列" in visible(wait_reply(fake, update))
        fake.wait_idle()
    assert _requests_to(fake, 502) == ["sendMessage"]


def test_typing_after_zero_shows_typing_before_every_answer(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    with BotRunner(bot_settings(tmp_path, fake, sample_index, typing_after=0), index_dir=sample_index):
        for user in (503, 504):
            wait_reply(fake, fake.push_message(QUESTION, user_id=user))
        fake.wait_idle()
    assert _requests_to(fake, 503) == _requests_to(fake, 504) == ["sendChatAction", "sendMessage"]


def test_a_slow_answer_shows_typing_first_then_replies(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    settings = bot_settings(tmp_path, fake, sample_index)
    with BotRunner(settings, open_searcher=SlowSearcher.opener(sample_index, settings, delay=2.0)):
        pushed_at = time.monotonic()
        update = fake.push_message(QUESTION, user_id=505)
        reply = wait_reply(fake, update)
        fake.wait_idle()
    assert "570列" in visible(reply)
    assert _requests_to(fake, 505) == ["sendChatAction", "sendMessage"]
    [typing] = fake.accepted("sendChatAction", chat_id=505)
    assert typing.params["action"] == "typing"
    # not at once: only once the search had taken typing_after seconds (the server's clock is time.monotonic too)
    assert typing.started - pushed_at >= settings.typing_after
    assert typing.finished <= reply.started


@pytest.mark.parametrize("search_fails", [False, True], ids=["search-succeeds", "search-fails"])
def test_a_blocked_chat_on_the_typing_action_ends_the_handler_cleanly(
    fake: FakeBotApi, sample_index: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, search_fails: bool
) -> None:
    caplog.set_level(logging.INFO)
    settings = bot_settings(tmp_path, fake, sample_index)
    with BotRunner(settings, open_searcher=SlowSearcher.opener(sample_index, settings, delay=1.5, fails=search_fails)) as bot:
        fake.block_user(506)
        blocked = fake.push_message(QUESTION, user_id=506)
        fake.wait_for(lambda calls: any(c.chat_id == 506 and c.status == 403 for c in calls))
        # the handler stopped at the refused typing action; its search runs on and ends unread
        assert bot.services.searcher.finished.acquire(timeout=10)
        fake.wait_idle()
        assert bot.services.in_flight == set()
    gc.collect()  # an asyncio task left with an unread exception says so when it is collected
    assert _requests_to(fake, 506) == ["sendChatAction"]  # refused once; no reply attempted, no retry
    assert any("refused the reply" in r.getMessage() for r in caplog.records)
    db = sqlite3.connect(tmp_path / "quotebot.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM handled WHERE update_id = ?", (blocked,)).fetchone() == (1,)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors
    unread = [r for r in caplog.records if "will not be sent failed" in r.getMessage()]
    assert len(unread) == (1 if search_fails else 0)
