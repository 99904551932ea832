"""Getting replies to Telegram: retries for a bounded time, and the moment a reply is accepted recorded at once.

What a failed request means decides what is done with it:

    RetryAfter (429)            Telegram refused it for now: wait retry_after (every request waits), send again
    NetworkError
    ├── BadRequest (400)        the request itself is wrong: raised, never repeated
    ├── 5xx answer              Telegram did not take it: send again after a pause (0.5 s, doubling up to 10 s,
    │                           or an eighth of the retry window when that is shorter)
    ├── connection refused, connect or pool timeout
    │                           it never left this machine: send again after a pause
    └── read or write timeout, connection closed without an answer
                                it may have arrived: sent again all the same (a reply seen twice is better than a
                                reply lost), logged as a possible repeat; the send timeout is long (20 s) so that a
                                merely slow Telegram answers inside it
    Forbidden, InvalidToken …   raised at once

Retries go on for `retry_for` seconds (QUOTEBOT_RETRY_FOR, 120), then the request fails with `DeliveryFailed`, which
is logged as an error for staff and counted by /stats; the user is not sent an apology (it would meet the same fault,
and could follow an answer that did arrive). getUpdates and the start-up calls (getMe, deleteWebhook, setWebhook)
have python-telegram-bot's own retry loop or fail `quotebot serve` at once with one line, and a typing indicator is
not worth delaying an answer for: none of them is retried here.

`recording_reply` closes the window in which a crash repeats a reply (Telegram has no idempotency key): a handler
wraps its reply's send in it, and the callback it gives (mark the update handled) runs inside the HTTP client's
response hook, as soon as Telegram's 200 arrives, before the body is read and before any other task can run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest

from bot.ratelimit import FLOOD_LIMITS, FloodLimits
from bot.settings import DEFAULT_RETRY_FOR, DEFAULT_SEND_TIMEOUT

log = logging.getLogger(__name__)

FIRST_PAUSE = 0.5
LONGEST_PAUSE = 10.0
MAX_CHAT_LIMITERS = 512
CONNECTION_POOL = 256  # python-telegram-bot's own default for the bot's requests
_NOT_RETRIED = frozenset({"getUpdates", "sendChatAction", "getMe", "deleteWebhook", "setWebhook"})
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class DeliveryFailed(TelegramError):
    """A request that kept failing for the whole retry window; `last` is the last failure."""

    def __init__(self, endpoint: str, attempts: int, seconds: float, last: BaseException) -> None:
        super().__init__(f"{endpoint} given up after {attempts} attempts in {seconds:.0f} s: {last}")
        self.endpoint = endpoint
        self.last = last


@dataclass(frozen=True)
class _Recorder:
    method: str  # the endpoint whose acceptance is the reply, e.g. "sendMessage"
    on_accepted: Callable[[], None]


_REPLY: ContextVar[_Recorder | None] = ContextVar("quotebot_reply", default=None)


@contextlib.contextmanager
def recording_reply(on_accepted: Callable[[], None], method: str = "sendMessage") -> Iterator[None]:
    """Within the block, the first `method` request that Telegram accepts calls `on_accepted` at once (see the
    module docstring). The block should hold one such request: the reply."""
    token = _REPLY.set(_Recorder(method, on_accepted))
    try:
        yield
    finally:
        _REPLY.reset(token)


async def _on_response(response: httpx.Response) -> None:
    """httpx response hook: a 200 to the recorded reply's request runs its callback, once."""
    recorder = _REPLY.get()
    if recorder is None or response.status_code != 200 or not response.request.url.path.endswith("/" + recorder.method):
        return
    _REPLY.set(None)  # a retry's second 200 (after an ambiguous failure) records nothing more
    try:
        recorder.on_accepted()
    except Exception:  # noqa: BLE001 - raised here, the send would fail and be repeated; the reply did go out
        log.exception("a reply was accepted by Telegram but could not be recorded")


def build_request(send_timeout: float = DEFAULT_SEND_TIMEOUT) -> HTTPXRequest:
    """The HTTP client for every request but getUpdates: the send timeout, and the hook of `recording_reply`."""
    return HTTPXRequest(
        connection_pool_size=CONNECTION_POOL,
        read_timeout=send_timeout,
        write_timeout=send_timeout,
        httpx_kwargs={"event_hooks": {"response": [_on_response]}},
    )


def _maybe_sent(error: NetworkError) -> bool:
    """Whether a failed request may have reached Telegram all the same (see the module docstring)."""
    cause = error.__cause__
    return isinstance(cause, httpx.TransportError) and not isinstance(cause, _NEVER_SENT)


class _GivenUpTooSoon(logging.Filter):
    """Drops AIORateLimiter's error "Rate limit hit after maximum of 0 retries" (with a traceback): with max_retries=0
    it is logged on every 429, which RetryingRateLimiter then retries. A real give-up is logged by RetryingRateLimiter."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Rate limit hit after maximum")


_AIO_LOG = logging.getLogger("telegram.ext.AIORateLimiter")


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter kept under Telegram's flood limits (FloodLimits), with a limit per private chat, and the
    retries of the module docstring for `retry_for` seconds.

    AIORateLimiter's own defaults (30 a second, 20 a minute in a group) are leaky buckets that start with a full
    burst of that size: 60 messages could leave in one second, 40 in one minute in a group. FloodLimits sets burst
    and rate so that no window holds more than the published limit, and adds what AIORateLimiter lacks: a bucket
    per private chat. Its RetryAfter retries are a count; here they are bounded by time, with 5xx and timeouts.
    """

    def __init__(self, limits: FloodLimits = FLOOD_LIMITS, *, retry_for: float = DEFAULT_RETRY_FOR) -> None:
        overall, group = limits.overall, limits.group
        super().__init__(
            overall_max_rate=overall.burst if overall else 0,
            overall_time_period=overall.period if overall else 0,
            group_max_rate=group.burst if group else 0,
            group_time_period=group.period if group else 0,
            max_retries=0,  # RetryAfter reaches process_request below
        )
        self.retry_for = retry_for
        if not any(isinstance(f, _GivenUpTooSoon) for f in _AIO_LOG.filters):
            _AIO_LOG.addFilter(_GivenUpTooSoon())
        self._private = limits.private
        self._chats: dict[int, AsyncLimiter] = {}
        self._open = asyncio.Event()  # cleared while Telegram's retry_after runs: every request waits
        self._open.set()

    def _chat_limiter(self, data: dict[str, Any]) -> AsyncLimiter | None:
        """The bucket of the private chat a request goes to (groups and channels have AIORateLimiter's)."""
        chat_id = data.get("chat_id")
        if self._private is None or not isinstance(chat_id, int | str) or not str(chat_id).isdigit():
            return None
        chat = int(chat_id)
        if chat not in self._chats:
            if len(self._chats) > MAX_CHAT_LIMITERS:  # forget chats whose bucket has drained (as PTB does for groups)
                for idle in [c for c, bucket in self._chats.items() if bucket.has_capacity(bucket.max_rate)]:
                    del self._chats[idle]
            self._chats[chat] = AsyncLimiter(self._private.burst, self._private.period)
        return self._chats[chat]

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[no-untyped-def]
        loop = asyncio.get_running_loop()
        started = loop.time()
        pause = FIRST_PAUSE
        attempt = 0
        async with self._chat_limiter(data) or contextlib.nullcontext():
            while True:
                attempt += 1
                await self._open.wait()
                try:
                    return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
                except RetryAfter as err:
                    # the timedelta PTB keeps (its public retry_after warns unless PTB_TIMEDELTA is set)
                    wait, held, failure = err._retry_after.total_seconds(), True, err  # noqa: SLF001

                except BadRequest:
                    raise
                except NetworkError as err:
                    if endpoint in _NOT_RETRIED:
                        raise
                    wait, held, failure = pause, False, err
                    pause = min(pause * 2, LONGEST_PAUSE, max(self.retry_for / 8, FIRST_PAUSE))
                    if _maybe_sent(err):
                        log.warning("%s: %s; it may have arrived, sending again (it may be seen twice)", endpoint, err.message)
                spent = loop.time() - started
                if spent + wait > self.retry_for:
                    log.error("undelivered: %s to chat %s, given up after %d attempts in %.0f s: %s",
                              endpoint, data.get("chat_id"), attempt, spent, failure)
                    raise DeliveryFailed(endpoint, attempt, spent, failure) from failure
                log.info("%s failed (%s); retrying in %.1f s", endpoint, failure, wait)
                if held:
                    await self._hold(wait + 0.1)
                else:
                    await asyncio.sleep(wait)

    async def _hold(self, seconds: float) -> None:
        """Stop every request for `seconds` (Telegram's retry_after applies to the bot, not to one request)."""
        self._open.clear()
        try:
            await asyncio.sleep(seconds)
        finally:
            self._open.set()
