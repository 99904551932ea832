"""Building the Telegram application: the builder, start-up work, the error handler, and the shared services.

Handlers live in `bot.handlers` (citizens), `bot.buttons` (callback queries) and `bot.staff` (staff). This
module wires them, and builds what they share (`bot.services.Services`): the settings, the SQLite store, the
per-user rate limit and the searcher, which /reload and staff uploads swap while the bot runs. Imported only by
`quotebot serve` and tests: it imports python-telegram-bot at the top.

Exactly-once delivery, across restarts:
- every update the Updater fetches is journaled in SQLite before Telegram is told it was received (the
  Updater confirms an offset on its *next* getUpdates call, after `update_queue.put` returned), and on
  start-up journaled updates not yet handled are put back in the queue: a crash loses nothing;
- an update is recorded as handled the moment Telegram accepts its reply (`bot.delivery.recording_reply`: in the
  HTTP client's response hook; for a question in the same transaction that marks its log row delivered; the row
  is written just before sending, under a key derived from the update id, so a replay rewrites it rather than
  adding one), and updates already handled or in flight are skipped: a redelivered update is not answered
  twice. The remaining window is a crash between Telegram accepting a reply and that hook's commit (the answer
  crossing the network and the event loop picking it up): that reply is sent again after the restart
  (benchmarks/delivery.py measures how often).

Retries, timeouts and replies given up on: `bot.delivery`.
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    ContextTypes,
    Defaults,
    TypeHandler,
)

from bot import handlers, staff
from bot.delivery import DeliveryFailed, RetryingRateLimiter, build_request
from bot.ratelimit import FLOOD_LIMITS, FloodLimits, SlidingWindowLimiter
from bot.services import SERVICES, Services, answer_query, reply_script, services, staff_reason
from bot.settings import Settings
from bot.store import Store
from bot.texts import texts_for

log = logging.getLogger(__name__)


COMMANDS = {
    None: (("start", "What I know and how to ask"), ("help", "How to ask"), ("ask", "Ask a question (in groups)")),
    "zh": (("start", "我能回答什么、怎么提问"), ("help", "怎么提问"), ("ask", "提问（群组中使用）")),
    "en": (("start", "What I know and how to ask"), ("help", "How to ask"), ("ask", "Ask a question (in groups)")),
}


def file_url_for(settings: Settings) -> str:
    """The Bot API file download base: configured, or derived from the API url (…/bot → …/file/bot)."""
    if settings.telegram_file_url:
        return settings.telegram_file_url
    api = settings.telegram_api_url.rstrip("/")
    head, sep, tail = api.rpartition("/")
    return f"{head}/file/{tail}" if sep else f"{api}/file/bot"


class JournaledQueue(asyncio.Queue):  # type: ignore[type-arg]
    """The application's update queue, writing each update to the store before it is queued."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            self._store.journal(item.update_id, item.to_dict())
        await super().put(item)


def bot_id_of(token: str) -> int:
    """The bot's user id: the numeric part of its token before the colon (what getMe answers as `id`)."""
    head = token.partition(":")[0]
    if not head.isdigit():
        raise ValueError("TELEGRAM_BOT_TOKEN has the form 123456:ABC-def; the part before the colon is the bot's id")
    return int(head)


def build_application(
    settings: Settings,
    *,
    index_dir: Path | None = None,
    open_searcher: Callable[[], Any] | None = None,
    clock: Callable[[], float] = time.time,
    monotonic: Callable[[], float] = time.monotonic,
    concurrent_updates: int = 8,
    flood_limits: FloodLimits = FLOOD_LIMITS,
) -> Application:  # type: ignore[type-arg]
    """The bot's Application: token and Bot API urls from the settings, rate limiter, defaults, handlers."""
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    store = Store(settings.db_path, salt=settings.log_salt, clock=clock, bot_id=bot_id_of(settings.telegram_token))
    if open_searcher is None:
        open_searcher = _default_opener(settings, index_dir)
    app = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(file_url_for(settings))
        .request(build_request(settings.send_timeout))
        .rate_limiter(RetryingRateLimiter(flood_limits, retry_for=settings.retry_for))
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
    # The expanders' tables load in the background, so that the first English question or typing slip does not
    # wait for them (about 3 s: retrieval.expand.warm_up); questions meanwhile are answered as usual.
    asyncio.get_running_loop().run_in_executor(None, _warm_up).add_done_callback(_warmed)
    for language, commands in COMMANDS.items():
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in commands], language_code=language)
    pending = svc.store.pending()
    for payload in pending:
        update = Update.de_json(payload, app.bot)
        if update is not None:
            await app.update_queue.put(update)
    if pending:
        log.info("re-queued %d updates fetched before the last stop but not handled", len(pending))


def _warm_up() -> float:
    """retrieval.expand.warm_up, timed (seconds)."""
    from retrieval.expand import warm_up

    started = time.perf_counter()
    warm_up()
    return time.perf_counter() - started


def _warmed(done: asyncio.Future[float]) -> None:
    """Log how the warm-up went: a failure costs only the first question's wait, so it is logged, not raised."""
    if done.cancelled():
        return
    error = done.exception()
    if error is not None:
        log.warning("the query expanders' tables did not load ahead (%s: %s); the first question that needs them will",
                    error.__class__.__name__, error, exc_info=error)
    else:
        log.info("query expanders ready (%.1f s)", done.result())


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
    if update.callback_query is not None:
        svc.answered_queries.discard(update.callback_query.id)
    svc.purge_if_due()


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with its traceback and, where a chat is known, tell the user: politely, or staff the reason."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        # The user blocked the bot (or left the group): nothing to send, nothing to retry.
        log.info("update %s: the chat refused the reply (%s); skipped", update_id, error.message)
        return
    svc = services(context)
    if isinstance(error, DeliveryFailed):
        # Logged for staff by the rate limiter, counted here for /stats. No apology: it would meet the same fault.
        svc.store.record_undelivered(update_id, error.endpoint, staff_reason(error.last, svc.settings.telegram_token))
        return
    log.error("update %s: handling failed", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None or update.inline_query is not None:
        return
    if update.callback_query is None and svc.store.is_handled(update.update_id):
        return  # the reply was accepted before the failure: an apology would contradict it
    try:
        if svc.is_staff(update) and update.callback_query is None and update.effective_message is not None and error is not None:
            # Staff can act on the reason (a full disk, an index that cannot be read); citizens get the apology.
            reason = html.escape(staff_reason(error, svc.settings.telegram_token))
            await update.effective_message.reply_text(f"Failed: {reason}", do_quote=True)
        elif update.callback_query is not None:
            await answer_query(svc, update.callback_query, texts_for(reply_script(update)).failed)  # unless it was
        else:
            await context.bot.send_message(update.effective_chat.id, texts_for(reply_script(update)).failed, parse_mode=None)
    except Exception as err:  # noqa: BLE001 - the error handler must not raise; the first error is logged above
        log.warning("update %s: could not tell the user about the failure: %s", update_id, err)
