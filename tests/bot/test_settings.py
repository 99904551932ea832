"""Settings from the environment: the thread setting of the encoder and vector search, the typing delay."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.settings import Settings, SettingsError


@pytest.mark.parametrize(("raw", "threads"), [("", None), ("0", None), ("1", 1), ("4", 4)])
def test_quotebot_threads_sets_the_index_threads(raw: str, threads: int | None) -> None:
    assert Settings.from_env({"QUOTEBOT_HOME": "/tmp/q", "QUOTEBOT_THREADS": raw}).index.threads == threads
    assert Settings.from_env({"QUOTEBOT_HOME": "/tmp/q"}).index.threads is None


@pytest.mark.parametrize("raw", ["two", "1.5", "-1"])
def test_a_malformed_thread_count_is_a_clear_error(raw: str) -> None:
    with pytest.raises(SettingsError, match="QUOTEBOT_THREADS"):
        Settings.from_env({"QUOTEBOT_HOME": "/tmp/q", "QUOTEBOT_THREADS": raw})


@pytest.mark.parametrize(("raw", "seconds"), [("", 0.5), ("0", 0.0), ("0.25", 0.25), ("2", 2.0)])
def test_quotebot_typing_after_sets_the_typing_delay(raw: str, seconds: float) -> None:
    assert Settings.from_env({"QUOTEBOT_HOME": "/tmp/q", "QUOTEBOT_TYPING_AFTER": raw}).typing_after == seconds


def test_the_typing_delay_defaults_alike_from_the_environment_and_in_code() -> None:
    # the benchmarks and tests build Settings in code: they must run what ships
    built = Settings(home=Path("/tmp/q"), index_dir=Path("/tmp/q/i"), docs_dir=Path("/tmp/q/d"), db_path=Path("/tmp/q/db"))
    assert built.typing_after == Settings.from_env({"QUOTEBOT_HOME": "/tmp/q"}).typing_after == 0.5


@pytest.mark.parametrize("raw", ["soon", "-0.5", "nan", "inf", "1s"])
def test_a_malformed_typing_delay_is_a_clear_error(raw: str) -> None:
    with pytest.raises(SettingsError, match="QUOTEBOT_TYPING_AFTER must be a number of seconds"):
        Settings.from_env({"QUOTEBOT_HOME": "/tmp/q", "QUOTEBOT_TYPING_AFTER": raw})


def test_a_malformed_typing_delay_stops_the_command_line_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve"], env={"QUOTEBOT_HOME": str(tmp_path), "QUOTEBOT_TYPING_AFTER": "-1"})
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)  # a clean exit, not a traceback
    assert result.output.strip().splitlines() == ["Error: QUOTEBOT_TYPING_AFTER must be a number of seconds, 0 or more, got '-1'"]
