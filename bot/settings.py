"""The one place that reads the environment: a typed Settings object handed down from the entry point."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

from retrieval.config import DEFAULT_MODEL, EncoderBackend, IndexSettings, VectorIndexKind


DEFAULT_BOT_API_URL = "https://api.telegram.org/bot"
DEFAULT_TYPING_AFTER = 0.5  # seconds; most answers take tens of milliseconds (benchmarks/RESULTS.md)
DEFAULT_RETRY_FOR = 120.0  # seconds a reply is retried through 429s, 5xx and timeouts (bot.delivery)
DEFAULT_SEND_TIMEOUT = 20.0  # seconds to wait for Telegram's answer to a request (python-telegram-bot's default: 5)


class SettingsError(ValueError):
    """A configuration value is malformed; the message names the variable."""


def _default_home(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "quotebot"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with the environment variable that sets it noted beside it."""

    home: Path  # QUOTEBOT_HOME: default index, database, uploaded documents
    index_dir: Path  # QUOTEBOT_INDEX
    docs_dir: Path  # QUOTEBOT_DOCS: where staff uploads are kept and re-indexed from
    db_path: Path  # QUOTEBOT_DB
    index: IndexSettings = field(default_factory=IndexSettings)  # QUOTEBOT_MODEL, QUOTEBOT_VECTOR_INDEX, QUOTEBOT_THREADS, QUOTEBOT_ENCODER_BACKEND
    telegram_token: str | None = field(default=None, repr=False)  # TELEGRAM_BOT_TOKEN
    telegram_api_url: str = DEFAULT_BOT_API_URL  # QUOTEBOT_TELEGRAM_API_URL
    telegram_file_url: str | None = None  # QUOTEBOT_TELEGRAM_FILE_URL (default derived from the API url)
    webhook_url: str | None = None  # QUOTEBOT_WEBHOOK_URL: public https URL; unset means long polling
    webhook_secret: str | None = field(default=None, repr=False)  # QUOTEBOT_WEBHOOK_SECRET
    webhook_listen: str = "0.0.0.0"  # QUOTEBOT_WEBHOOK_LISTEN
    webhook_port: int = 8443  # QUOTEBOT_WEBHOOK_PORT
    staff_ids: frozenset[int] = frozenset()  # QUOTEBOT_STAFF_IDS: comma-separated Telegram user ids
    questions_per_minute: int = 10  # QUOTEBOT_RATE_PER_MINUTE
    max_question_chars: int = 500  # QUOTEBOT_MAX_QUESTION_CHARS
    typing_after: float = DEFAULT_TYPING_AFTER  # QUOTEBOT_TYPING_AFTER: seconds a search may take before "typing…" is shown; 0 shows it at once
    max_upload_bytes: int = 20 * 1024 * 1024  # QUOTEBOT_MAX_UPLOAD_BYTES
    log_salt: str = field(default="", repr=False)  # QUOTEBOT_LOG_SALT: secret salt for hashing user ids
    retention_days: int = 90  # QUOTEBOT_RETENTION_DAYS
    retry_for: float = DEFAULT_RETRY_FOR  # QUOTEBOT_RETRY_FOR: seconds a reply is retried before it is given up
    send_timeout: float = DEFAULT_SEND_TIMEOUT  # QUOTEBOT_SEND_TIMEOUT: seconds to wait for Telegram to answer a send

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from the environment (or a given mapping, for tests)."""
        env = os.environ if env is None else env
        home = Path(env.get("QUOTEBOT_HOME") or _default_home(env)).expanduser()
        model = env.get("QUOTEBOT_MODEL")
        index = IndexSettings(
            model=model or DEFAULT_MODEL,
            model_explicit=bool(model),
            vector_index=_choice(env, "QUOTEBOT_VECTOR_INDEX", get_args(VectorIndexKind), "auto"),  # type: ignore[arg-type]
            threads=_int(env, "QUOTEBOT_THREADS", 0) or None,  # 0 or unset: chosen from the number of cores
            encoder_backend=_choice(env, "QUOTEBOT_ENCODER_BACKEND", get_args(EncoderBackend), "auto"),  # type: ignore[arg-type]
            model_cache=home / "models",
        )
        return cls(
            home=home,
            index_dir=Path(env.get("QUOTEBOT_INDEX") or home / "index").expanduser(),
            docs_dir=Path(env.get("QUOTEBOT_DOCS") or home / "documents").expanduser(),
            db_path=Path(env.get("QUOTEBOT_DB") or home / "quotebot.sqlite3").expanduser(),
            index=index,
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_url=env.get("QUOTEBOT_TELEGRAM_API_URL") or DEFAULT_BOT_API_URL,
            telegram_file_url=env.get("QUOTEBOT_TELEGRAM_FILE_URL") or None,
            webhook_url=env.get("QUOTEBOT_WEBHOOK_URL") or None,
            webhook_secret=env.get("QUOTEBOT_WEBHOOK_SECRET") or None,
            webhook_listen=env.get("QUOTEBOT_WEBHOOK_LISTEN") or "0.0.0.0",
            webhook_port=_int(env, "QUOTEBOT_WEBHOOK_PORT", 8443),
            staff_ids=_ids(env.get("QUOTEBOT_STAFF_IDS", "")),
            questions_per_minute=_int(env, "QUOTEBOT_RATE_PER_MINUTE", 10),
            max_question_chars=_int(env, "QUOTEBOT_MAX_QUESTION_CHARS", 500),
            typing_after=_seconds(env, "QUOTEBOT_TYPING_AFTER", DEFAULT_TYPING_AFTER),
            max_upload_bytes=_int(env, "QUOTEBOT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
            log_salt=env.get("QUOTEBOT_LOG_SALT", ""),
            retention_days=_int(env, "QUOTEBOT_RETENTION_DAYS", 90),
            retry_for=_seconds(env, "QUOTEBOT_RETRY_FOR", DEFAULT_RETRY_FOR),
            send_timeout=_seconds(env, "QUOTEBOT_SEND_TIMEOUT", DEFAULT_SEND_TIMEOUT) or DEFAULT_SEND_TIMEOUT,
        )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 0:
        raise SettingsError(f"{name} must not be negative, got {value}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not math.isfinite(value) or value < 0:
        raise SettingsError(f"{name} must be a number of seconds, 0 or more, got {raw!r}")
    return value


def _ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise SettingsError(f"QUOTEBOT_STAFF_IDS must be comma-separated Telegram user ids, got {part!r}") from None
    return frozenset(ids)


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = env.get(name) or default
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value
