"""The per-user sliding window, driven by a hand-turned clock."""

from __future__ import annotations

import pytest

from bot.ratelimit import SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_the_limit_then_says_how_long_to_wait() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(3, 60, clock)
    for _ in range(3):
        assert limiter.acquire("u") == 0.0
        clock.now += 10
    # events at 1000, 1010, 1020; now 1030: the first leaves the window at 1060
    assert limiter.acquire("u") == pytest.approx(30.0)
    assert limiter.wait_seconds("u") == 30


def test_window_slides_rather_than_resets() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(2, 60, clock)
    assert limiter.acquire("u") == 0.0  # t=1000
    clock.now += 50
    assert limiter.acquire("u") == 0.0  # t=1050
    clock.now += 5
    assert limiter.acquire("u") == pytest.approx(5.0)  # t=1055: the first frees at 1060
    clock.now += 5
    assert limiter.acquire("u") == 0.0  # t=1060: one slot freed, the one from 1050 still counts
    assert limiter.acquire("u") == pytest.approx(50.0)


def test_refused_events_do_not_extend_the_wait() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(1, 60, clock)
    assert limiter.acquire("u") == 0.0
    for _ in range(30):
        clock.now += 1
        limiter.acquire("u")
    clock.now = 1060.0
    assert limiter.acquire("u") == 0.0


def test_users_are_counted_apart() -> None:
    limiter = SlidingWindowLimiter(1, 60, Clock())
    assert limiter.acquire(1) == 0.0
    assert limiter.acquire(1) > 0
    assert limiter.acquire(2) == 0.0


def test_zero_turns_limiting_off() -> None:
    limiter = SlidingWindowLimiter(0, 60, Clock())
    assert all(limiter.acquire("u") == 0.0 for _ in range(1000))


def test_idle_users_are_forgotten() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(5, 60, clock)
    for user in range(1500):
        limiter.acquire(user)
    clock.now += 120
    for _ in range(1024):
        limiter.acquire("active")
    assert len(limiter._events) < 10


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        SlidingWindowLimiter(-1)
    with pytest.raises(ValueError):
        SlidingWindowLimiter(1, 0)
