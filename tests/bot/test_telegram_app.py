"""Small parts of the Telegram application that need no server: the file URL, token redaction, settings checks."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from bot.serve import redact_token
from bot.settings import Settings
from bot.telegram_app import build_application, file_url_for

TOKEN = "123456:SECRET-token_value"


def _settings(tmp_path: Path, **changes: object) -> Settings:
    base = Settings(home=tmp_path, index_dir=tmp_path / "i", docs_dir=tmp_path / "d", db_path=tmp_path / "db.sqlite3")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_file_url_follows_the_api_url(tmp_path: Path) -> None:
    assert file_url_for(_settings(tmp_path)) == "https://api.telegram.org/file/bot"
    assert file_url_for(_settings(tmp_path, telegram_api_url="http://bot-api:8081/bot")) == "http://bot-api:8081/file/bot"
    assert file_url_for(_settings(tmp_path, telegram_api_url="http://x/bot", telegram_file_url="http://files/f")) == "http://files/f"


def test_redaction_covers_arguments_mutated_later_and_exceptions(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("quotebot.test")
    undo = redact_token(TOKEN)
    try:
        result = {"file_path": "documents/1.txt"}
        log.debug("result %s", result)
        result["file_path"] = f"http://api/file/bot{TOKEN}/documents/1.txt"  # rewritten after logging, as PTB does
        log.info("url http://api/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"cannot reach http://api/bot{TOKEN}/getMe")
        except RuntimeError:
            log.exception("failed")
    finally:
        undo()
    text = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert TOKEN not in text
    assert text.count("<token>") >= 2
    log.info("after undo %s", TOKEN)
    assert TOKEN in caplog.records[-1].getMessage()  # the factory was restored


def test_building_needs_a_token(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="TELEGRAM_BOT_TOKEN"):
        build_application(_settings(tmp_path))
