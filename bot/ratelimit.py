"""Per-user question rate: a sliding window over the last minute, with an injected clock."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Hashable


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
