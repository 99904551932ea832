"""Rates: each user's questions (a sliding window with an injected clock), and the bot's own sending under Telegram's
flood limits (FloodLimits, applied by bot.telegram_app's rate limiter)."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass


class SlidingWindowLimiter:
    """At most `limit` events per `window` seconds for each key; a limit of 0 turns limiting off.

    `acquire` counts an event when it is allowed and says how long to wait when it is not; refused
    events are not counted, so a user who keeps typing is not locked out for longer.
    """

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 0 or window <= 0:
            raise ValueError(f"limit must be >= 0 and window > 0, got limit={limit}, window={window}")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[Hashable, deque[float]] = {}
        self._calls = 0

    def acquire(self, key: Hashable) -> float:
        """0.0 when the event is allowed (and counted); otherwise the seconds until it would be."""
        if self.limit == 0:
            return 0.0
        now = self._clock()
        self._calls += 1
        if self._calls % 1024 == 0:
            self._forget_idle(now)
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) < self.limit:
            events.append(now)
            return 0.0
        return max(events[0] + self.window - now, 0.0)

    def wait_seconds(self, key: Hashable) -> int:
        """`acquire`, rounded up to whole seconds for a message (0 when allowed)."""
        return math.ceil(self.acquire(key))

    def _forget_idle(self, now: float) -> None:
        # Keys whose newest event has left the window hold no state worth keeping.
        for key in [k for k, ev in self._events.items() if not ev or ev[-1] <= now - self.window]:
            del self._events[key]


@dataclass(frozen=True)
class Bucket:
    """A leaky bucket: up to `burst` requests at once, then `rate` a second.

    In any `w` seconds it lets through at most burst + rate × w requests (the bucket is empty at most once,
    then drains at `rate`), so a published limit of N in W seconds is kept by burst + rate × W < N; what is left
    over is the margin for network jitter, which can bunch requests that left the bot evenly spaced.
    """

    burst: int
    rate: float  # requests a second, once the burst is spent

    def most_in(self, seconds: float) -> float:
        """The most requests the bucket lets through in any `seconds`."""
        return self.burst + self.rate * seconds

    @property
    def period(self) -> float:
        """aiolimiter's `time_period` for `max_rate=burst`: the time the bucket takes to drain."""
        return self.burst / self.rate


@dataclass(frozen=True)
class FloodLimits:
    """How fast the bot sends, kept under Telegram's published flood limits (core.telegram.org/bots/faq):
    about 30 messages a second over all chats, 20 a minute in one group, and in one chat about one a second
    ("short bursts" allowed). None: not limited (a local Bot API server, or a benchmark's what-if)."""

    overall: Bucket | None = Bucket(3, 24.0)  # at most 27 in any second: 3 of margin for jitter
    group: Bucket | None = Bucket(3, 15 / 60)  # at most 18 in any minute in one group or channel
    private: Bucket | None = Bucket(3, 1.0)  # an answer and a paragraph in pieces at once, then one a second


FLOOD_LIMITS = FloodLimits()  # as the bot ships
NO_FLOOD_LIMITS = FloodLimits(overall=None, group=None, private=None)
