"""Flood limits, measured at the fake Bot API server: a burst of replies leaves the bot within Telegram's published
limits. The figures are counts of the requests the server received in each sliding window, never durations."""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.ratelimit import FLOOD_LIMITS, Bucket, FloodLimits
from tests.bot.telegram_support import BotRunner, bot_settings, replies_to, sample_index
from tests.fakes.bot_api import ApiCall, FakeBotApi
from tests.fakes.fixtures import fake_bot_api  # noqa: F401 - a fixture, used by name

__all__ = ["sample_index"]

QUESTION = "中欧班列开行了多少列？"
TELEGRAM_PER_SECOND = 30  # over all chats (core.telegram.org/bots/faq)
TELEGRAM_PER_MINUTE_IN_A_GROUP = 20


@pytest.fixture
def fake(fake_bot_api: FakeBotApi) -> FakeBotApi:  # noqa: F811
    return fake_bot_api


def most_in_any_window(times: Sequence[float], window: float) -> int:
    """The most of `times` that fall in any half-open window [t, t + window)."""
    times = sorted(times)
    return max((bisect.bisect_left(times, t + window) - i for i, t in enumerate(times)), default=0)


def test_the_window_count() -> None:
    assert most_in_any_window([], 1.0) == 0
    assert most_in_any_window([0.0, 0.5, 0.99, 1.0, 1.5], 1.0) == 3
    assert most_in_any_window([0.0, 1.0, 2.0], 1.0) == 1


def test_the_shipped_buckets_keep_the_published_limits() -> None:
    assert FLOOD_LIMITS.overall is not None and FLOOD_LIMITS.group is not None and FLOOD_LIMITS.private is not None
    assert FLOOD_LIMITS.overall.most_in(1.0) < TELEGRAM_PER_SECOND
    assert FLOOD_LIMITS.group.most_in(60.0) < TELEGRAM_PER_MINUTE_IN_A_GROUP
    assert FLOOD_LIMITS.private.rate <= 1.0


def _sent(fake: FakeBotApi) -> list[ApiCall]:
    """Every request the bot addressed to a chat (what Telegram's flood limits count), answered or not."""
    return [c for c in fake.calls if c.chat_id is not None]


def _burst(fake: FakeBotApi, pushes: list[int], timeout: float) -> list[ApiCall]:
    fake.wait_for(lambda _calls: all(replies_to(fake, u) for u in pushes), timeout=timeout)
    fake.wait_idle()
    return _sent(fake)


def _send_at_once(fake: FakeBotApi, limiter: object, chats: list[int]) -> list[float]:
    """One message to each chat, all at once, from an ExtBot with `limiter`; when the server received each."""
    from telegram.ext import ExtBot

    async def main() -> None:
        async with ExtBot(fake.token, base_url=fake.base_url, rate_limiter=limiter) as bot:  # type: ignore[arg-type]
            await asyncio.gather(*(bot.send_message(chat, "notice") for chat in chats))

    first = len(fake.calls)
    asyncio.run(main())
    return [c.started for c in fake.calls[first:] if c.method == "sendMessage" and c.ok]


def test_the_rate_limiter_alone_keeps_a_fast_burst_under_30_a_second(fake: FakeBotApi) -> None:
    """The limiter with nothing else slowing the sender: 100 messages asked for at once."""
    from telegram.ext import AIORateLimiter

    from bot.telegram_app import RetryingRateLimiter

    chats = [530_000 + i for i in range(100)]
    for chat in chats:
        fake.push_message("hi", user_id=chat)  # the chats exist
    default = most_in_any_window(_send_at_once(fake, AIORateLimiter(), chats), 1.0)
    shipped = _send_at_once(fake, RetryingRateLimiter(), chats)
    busiest = most_in_any_window(shipped, 1.0)
    print(f"\nflood, the limiter alone: 100 messages; the most in any second {busiest} as shipped, {default} with AIORateLimiter's defaults")
    assert len(shipped) == 100 and busiest <= TELEGRAM_PER_SECOND


def test_a_burst_of_100_replies_to_100_chats_stays_under_30_a_second(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    with BotRunner(bot_settings(tmp_path, fake, sample_index), index_dir=sample_index):
        pushes = [fake.push_message(QUESTION, user_id=500_000 + i) for i in range(100)]
        sent = _burst(fake, pushes, timeout=60)
    replies = [c for c in sent if c.method == "sendMessage"]
    assert len(replies) == 100 and all(c.ok for c in replies)
    busiest = most_in_any_window([c.started for c in sent], 1.0)
    span = max(c.started for c in sent) - min(c.started for c in sent)
    print(f"\nflood, 100 chats: {len(sent)} requests over {span:.1f} s; the most in any second {busiest} (Telegram: about {TELEGRAM_PER_SECOND})")
    assert busiest <= TELEGRAM_PER_SECOND  # AIORateLimiter's defaults let about 60 through in the first second


def test_a_burst_in_one_private_chat_goes_about_one_a_second(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    private = FLOOD_LIMITS.private
    assert private is not None
    with BotRunner(bot_settings(tmp_path, fake, sample_index, questions_per_minute=0), index_dir=sample_index):
        pushes = [fake.push_message(QUESTION, user_id=510_000) for _ in range(8)]
        sent = _burst(fake, pushes, timeout=60)
    times = [c.started for c in sent]
    counts = {window: most_in_any_window(times, window) for window in (1.0, 3.0, 5.0)}
    print(f"\nflood, one private chat: {len(sent)} requests; the most in any 1, 3, 5 s: {list(counts.values())}")
    assert len([c for c in sent if c.method == "sendMessage"]) == 8
    for window, count in counts.items():
        assert count <= private.most_in(window) + 1  # a burst of 3, then one a second (1 of margin for jitter)


def test_a_burst_in_one_group_keeps_the_group_limit(fake: FakeBotApi, sample_index: Path, tmp_path: Path) -> None:
    # The group bucket with its minute shrunk to 3 s, so the test takes seconds: the same mechanism at 20× speed.
    group = Bucket(FLOOD_LIMITS.group.burst, FLOOD_LIMITS.group.rate * 20) if FLOOD_LIMITS.group else None
    assert group is not None
    limits = FloodLimits(overall=FLOOD_LIMITS.overall, group=group, private=FLOOD_LIMITS.private)
    settings = bot_settings(tmp_path, fake, sample_index, questions_per_minute=0)
    with BotRunner(settings, index_dir=sample_index, flood_limits=limits):
        pushes = [fake.push_message(f"/ask {QUESTION}", chat_id=-100_777, user_id=520_000 + i, chat_type="supergroup") for i in range(30)]
        sent = _burst(fake, pushes, timeout=60)
    busiest = most_in_any_window([c.started for c in sent if c.chat_id == -100_777], 3.0)
    print(f"\nflood, one group at 20x: {len(sent)} requests; the most in any 3 s (a minute at 20x) {busiest} (Telegram: {TELEGRAM_PER_MINUTE_IN_A_GROUP})")
    assert busiest <= TELEGRAM_PER_MINUTE_IN_A_GROUP
