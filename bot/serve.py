"""`quotebot serve`: run the Telegram bot, by long polling, or by webhook when a public URL is configured.

python-telegram-bot's `run_polling`/`run_webhook` own the event loop and stop cleanly on SIGINT, SIGTERM
and SIGABRT: the updater stops fetching, updates already fetched are answered, then the store is closed.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.settings import Settings

log = logging.getLogger(__name__)


def redact_token(token: str) -> Callable[[], None]:
    """From now on, every log record carries `<token>` where the bot token would appear; returns an undo.

    python-telegram-bot itself logs its API URL (with the token) at DEBUG when the bot is built, and httpx
    logs request URLs at INFO; a record factory catches those and anything else, whichever handler prints it.
    """
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _scrub(record, token)
        return record

    logging.setLogRecordFactory(factory)
    return lambda: logging.setLogRecordFactory(previous)


def _scrub(record: logging.LogRecord, token: str) -> None:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed record is the logging module's to report, not ours
        return
    # Formatted now, not when a handler prints it: python-telegram-bot logs a result dict that it then
    # rewrites to hold the file URL (with the token), so a lazily formatted record would show the token.
    record.msg, record.args = message.replace(token, "<token>"), None
    error = record.exc_info[1] if record.exc_info else None
    if error is not None and token in str(error):
        record.exc_text = logging.Formatter().formatException(record.exc_info).replace(token, "<token>")  # type: ignore[arg-type]


class _StartupFailureFilter(logging.Filter):
    """Drops python-telegram-bot's own report of a start-up that failed (its retry loop giving up, a refused token),
    traceback and all: run_serve prints the reason in one line. With -vv (debug) it is kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        if logging.getLogger().isEnabledFor(logging.DEBUG) or record.levelno < logging.ERROR:
            return True
        message = str(record.msg)
        return not ("Network Retry Loop" in message or "Invalid token" in message)


def _unreachable_line(settings: Settings, err: Exception) -> str:
    """One line for a Bot API that cannot be reached (no network, a wrong QUOTEBOT_TELEGRAM_API_URL)."""
    api = urlsplit(settings.telegram_api_url)
    return (
        f"quotebot serve: cannot reach the Telegram Bot API at {api.scheme}://{api.netloc} ({err}); check this machine's "
        "network (and proxy), or QUOTEBOT_TELEGRAM_API_URL for a self-hosted Bot API server"
    )


def run_serve(settings: Settings, index_dir: Path | None = None) -> int:
    """Serve the bot until stopped; 0 on a clean stop, 2 on a configuration problem, 1 on a failure."""
    if not settings.telegram_token:
        print("quotebot serve: TELEGRAM_BOT_TOKEN is not set; get a token from @BotFather and export it", file=sys.stderr)
        return 2
    # Telegram wants https; a self-hosted Bot API server may take http, so only the scheme is checked here.
    if settings.webhook_url and urlsplit(settings.webhook_url).scheme not in ("https", "http"):
        print(f"quotebot serve: QUOTEBOT_WEBHOOK_URL must be an https URL, got {settings.webhook_url!r}", file=sys.stderr)
        return 2
    redact_token(settings.telegram_token)  # the entry point owns logging; see redact_token

    from telegram import Update
    from telegram.error import InvalidToken, NetworkError

    from bot.store import StoreError
    from bot.telegram_app import build_application

    try:
        app = build_application(settings, index_dir=index_dir)
    except StoreError as err:
        print(f"quotebot serve: {err}", file=sys.stderr)
        return 2
    logging.getLogger("telegram.ext").addFilter(_StartupFailureFilter())
    try:
        if settings.webhook_url:
            path = urlsplit(settings.webhook_url).path.lstrip("/")
            log.info("serving by webhook on %s:%d/%s", settings.webhook_listen, settings.webhook_port, path)
            app.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=path,
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=False,
            )
        else:
            log.info("serving by long polling")
            app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    except InvalidToken:
        log.debug("serve failed", exc_info=True)
        print("quotebot serve: Telegram refused the token (TELEGRAM_BOT_TOKEN); check it with @BotFather", file=sys.stderr)
        return 2
    except NetworkError as err:  # DNS, refused connection, TLS, timeout: python-telegram-bot wraps them all
        log.debug("serve failed", exc_info=True)
        print(_unreachable_line(settings, err).replace(settings.telegram_token, "<token>"), file=sys.stderr)
        return 1
    except Exception as err:  # the command line prints one line; the traceback goes to the log
        log.debug("serve failed", exc_info=True)
        print(f"quotebot serve: {str(err).replace(settings.telegram_token, '<token>')}", file=sys.stderr)
        return 1
    return 0
