"""Building the Telegram application: the builder, start-up work, the error handler, and the shared services.

Handlers live in `bot.handlers` (citizens) and `bot.staff` (staff). This module wires them, and holds what
they share (`Services`): the settings, the SQLite store, the per-user rate limit and the searcher, which
/reload and staff uploads swap while the bot runs. Imported only by `quotebot serve` and tests: it imports
python-telegram-bot at the top.

Exactly-once delivery, across restarts:
- every update the Updater fetches is journaled in SQLite before Telegram is told it was received (the
  Updater confirms an offset on its *next* getUpdates call, after `update_queue.put` returned), and on
  start-up journaled updates not yet handled are put back in the queue: a crash loses nothing;
- an update is recorded as handled after its reply was sent (for a question: in the same transaction that
  marks its log row delivered; the row is written just before sending, under a key derived from the update
  id, so a replay rewrites it rather than adding one), and updates already handled or in flight are
  skipped: a redelivered update is not answered twice. The remaining window is a crash between a reply
  being accepted by Telegram and that record: that reply is sent again after the restart.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    ContextTypes,
    Defaults,
    TypeHandler,
)

from bot.ratelimit import SlidingWindowLimiter
from bot.settings import Settings
from bot.store import Store

log = logging.getLogger(__name__)

SERVICES = "quotebot.services"
RATE_LIMIT_RETRIES = 3  # 429 RetryAfter: waits as long as Telegram says, this many times
SERVER_ERROR_RETRIES = 3  # 5xx and refused connections: the same request again, after a short pause
SERVER_ERROR_PAUSE = 0.5
PURGE_EVERY = 86400.0
_NOT_RETRIED = frozenset({"getUpdates", "sendChatAction"})

COMMANDS = {
    None: (("start", "What I know and how to ask"), ("help", "How to ask"), ("ask", "Ask a question (in groups)")),
    "zh": (("start", "我能回答什么、怎么提问"), ("help", "怎么提问"), ("ask", "提问（群组中使用）")),
    "en": (("start", "What I know and how to ask"), ("help", "How to ask"), ("ask", "Ask a question (in groups)")),
}


@dataclass
class Services:
    """What every handler shares. `searcher` is replaced whole by /reload and uploads; a search in
    flight keeps the object it started with."""

    settings: Settings
    store: Store
    limiter: SlidingWindowLimiter
    open_searcher: Callable[[], Any]  # () -> retrieval.search.Searcher, blocking
    index_dir: Path | None = None
    searcher: Any = None
    index_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one rebuild or reload at a time
    in_flight: set[int] = field(default_factory=set)  # update ids being handled now
    clock: Callable[[], float] = time.time
    purged_at: float | None = None

    def purge_if_due(self) -> None:
        """Apply the retention setting at start-up and then at most once a day (no job queue needed)."""
        now = self.clock()
        if self.purged_at is not None and now - self.purged_at < PURGE_EVERY:
            return
        self.purged_at = now
        deleted = self.store.purge(self.settings.retention_days)
        if deleted:
            log.info("retention: deleted %d old rows", deleted)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The shared services of the running application."""
    return context.application.bot_data[SERVICES]  # type: ignore[no-any-return]


def file_url_for(settings: Settings) -> str:
    """The Bot API file download base: configured, or derived from the API url (…/bot → …/file/bot)."""
    if settings.telegram_file_url:
        return settings.telegram_file_url
    api = settings.telegram_api_url.rstrip("/")
    head, sep, tail = api.rpartition("/")
    return f"{head}/file/{tail}" if sep else f"{api}/file/bot"


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (Telegram's flood limits, 429 RetryAfter retries) that also retries server errors.

    PTB retries nothing but RetryAfter. A 5xx answer or a refused connection means Telegram did not take
    the request, so sending the same request again cannot double a message. A timeout is not retried:
    the message may have arrived, and a retry could send it twice. getUpdates has its own retry loop,
    and a typing indicator is not worth delaying an answer for.
    """

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[no-untyped-def]
        for attempt in range(SERVER_ERROR_RETRIES + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except (BadRequest, TimedOut):
                raise
            except NetworkError as err:
                if endpoint in _NOT_RETRIED or attempt == SERVER_ERROR_RETRIES:
                    raise
                log.warning("%s failed (%s); retrying", endpoint, err.message)
                await asyncio.sleep(SERVER_ERROR_PAUSE * (attempt + 1))
        raise AssertionError("unreachable")


class JournaledQueue(asyncio.Queue):  # type: ignore[type-arg]
    """The application's update queue, writing each update to the store before it is queued."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            self._store.journal(item.update_id, item.to_dict())
        await super().put(item)


def build_application(
    settings: Settings,
    *,
    index_dir: Path | None = None,
    open_searcher: Callable[[], Any] | None = None,
    clock: Callable[[], float] = time.time,
    monotonic: Callable[[], float] = time.monotonic,
    concurrent_updates: int = 8,
) -> Application:  # type: ignore[type-arg]
    """The bot's Application: token and Bot API urls from the settings, rate limiter, defaults, handlers."""
    from bot import handlers, staff

    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    store = Store(settings.db_path, salt=settings.log_salt, clock=clock)
    if open_searcher is None:
        open_searcher = _default_opener(settings, index_dir)
    app = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(file_url_for(settings))
        .rate_limiter(RetryingRateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,  # the question may be deleted before the answer arrives
            )
        )
        .update_queue(JournaledQueue(store))
        .concurrent_updates(concurrent_updates)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data[SERVICES] = Services(
        settings=settings,
        store=store,
        limiter=SlidingWindowLimiter(settings.questions_per_minute, 60.0, monotonic),
        open_searcher=open_searcher,
        index_dir=index_dir,
        clock=clock,
    )
    app.add_handler(TypeHandler(Update, _skip_handled), group=-1)
    staff.add_handlers(app)
    handlers.add_handlers(app)
    app.add_handler(TypeHandler(Update, _mark_handled), group=1)
    app.add_error_handler(on_error)
    return app


def _default_opener(settings: Settings, index_dir: Path | None) -> Callable[[], Any]:
    def open_default() -> Any:
        from bot.runtime import open_searcher

        return open_searcher(settings, index_dir)

    return open_default


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    """Start-up: retention, the searcher, the command menus, and updates journaled before a crash."""
    svc: Services = app.bot_data[SERVICES]
    svc.purge_if_due()
    svc.searcher = await asyncio.to_thread(svc.open_searcher)
    for language, commands in COMMANDS.items():
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in commands], language_code=language)
    pending = svc.store.pending()
    for payload in pending:
        update = Update.de_json(payload, app.bot)
        if update is not None:
            await app.update_queue.put(update)
    if pending:
        log.info("re-queued %d updates fetched before the last stop but not handled", len(pending))


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    """Close the store."""
    app.bot_data[SERVICES].store.close()


async def _skip_handled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop an update that was already handled (redelivered after a restart) or is being handled now."""
    svc = services(context)
    if update.update_id in svc.in_flight or svc.store.is_handled(update.update_id):
        log.info("update %d was already handled; skipped", update.update_id)
        raise ApplicationHandlerStop
    svc.in_flight.add(update.update_id)


async def _mark_handled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record an update as handled once its handler finished (a question's handler already did, with its log row)."""
    svc = services(context)
    svc.store.mark_handled(update.update_id)
    svc.in_flight.discard(update.update_id)
    svc.purge_if_due()


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with its traceback and, where a chat is known, tell the user politely."""
    from bot.handlers import reply_script
    from bot.texts import texts_for

    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        # The user blocked the bot (or left the group): nothing to send, nothing to retry.
        log.info("update %s: the chat refused the reply (%s); skipped", update_id, error.message)
        return
    log.error("update %s: handling failed", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None or update.inline_query is not None:
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts_for(reply_script(update)).failed)
        else:
            await context.bot.send_message(update.effective_chat.id, texts_for(reply_script(update)).failed, parse_mode=None)
    except Exception as err:  # noqa: BLE001 - the error handler must not raise; the first error is logged above
        log.warning("update %s: could not tell the user about the failure: %s", update_id, err)
