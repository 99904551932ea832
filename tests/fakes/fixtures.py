"""Pytest fixtures for the fake Telegram Bot API server; ``tests/conftest.py`` imports them.

    from tests.fakes.fixtures import fake_bot_api  # noqa: F401 - a fixture, used by name
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.bot_api import FakeBotApi


@pytest.fixture
def fake_bot_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBotApi]:
    """A started fake Bot API server on 127.0.0.1; stopped after the test, with every thread it started joined.

    Also sets PTB_TIMEDELTA=true for the test: python-telegram-bot 22 builds every RetryAfter (each 429) through a
    property that otherwise emits a PTBDeprecationWarning, which this suite turns into an error raised inside the
    library, so a 429 would never reach AIORateLimiter. With it, durations (retry_after, voice.duration) are timedeltas.
    """
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    with FakeBotApi() as server:
        yield server
