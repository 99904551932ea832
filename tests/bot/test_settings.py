"""Settings from the environment: the thread setting of the encoder and vector search."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError


@pytest.mark.parametrize(("raw", "threads"), [("", None), ("0", None), ("1", 1), ("4", 4)])
def test_quotebot_threads_sets_the_index_threads(raw: str, threads: int | None) -> None:
    assert Settings.from_env({"QUOTEBOT_HOME": "/tmp/q", "QUOTEBOT_THREADS": raw}).index.threads == threads
    assert Settings.from_env({"QUOTEBOT_HOME": "/tmp/q"}).index.threads is None


@pytest.mark.parametrize("raw", ["two", "1.5", "-1"])
def test_a_malformed_thread_count_is_a_clear_error(raw: str) -> None:
    with pytest.raises(SettingsError, match="QUOTEBOT_THREADS"):
        Settings.from_env({"QUOTEBOT_HOME": "/tmp/q", "QUOTEBOT_THREADS": raw})
