"""What the Telegram handlers share: the running bot's services, and the small helpers every handler uses.

`bot.telegram_app` builds the application and puts a `Services` in its bot_data; the handler modules
(`bot.handlers`, `bot.buttons`, `bot.staff`) find it with `services(context)`. This module imports none of
them, so they import it and not each other for what they share.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatAction
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.language import Script, detect_script
from bot.ratelimit import SlidingWindowLimiter
from bot.settings import Settings
from bot.store import Store

log = logging.getLogger(__name__)

SERVICES = "quotebot.services"  # the key of the Services in the application's bot_data
PURGE_EVERY = 86400.0
REASON_CHARS = 300  # of an error shown to staff
MAX_VIEWS = 10_000


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
    answered_queries: set[str] = field(default_factory=set)  # callback queries answered, until their update is done
    # Answer messages whose "original text" button was acted on: (chat id, message id) -> shows the original text
    views: dict[tuple[int, int], bool] = field(default_factory=dict)

    def purge_if_due(self) -> None:
        """Apply the retention setting at start-up and then at most once a day (no job queue needed)."""
        now = self.clock()
        if self.purged_at is not None and now - self.purged_at < PURGE_EVERY:
            return
        self.purged_at = now
        deleted = self.store.purge(self.settings.retention_days)
        if deleted:
            log.info("retention: deleted %d old rows", deleted)

    def claim_view(self, message: tuple[int, int], original: bool) -> bool:
        """Record that a message is being switched to the original text (or back); False when it already is,
        or is being switched there now (a second tap), so the edit would change nothing."""
        if self.views.get(message) is original:
            return False
        self.views.pop(message, None)
        self.views[message] = original
        if len(self.views) > MAX_VIEWS:  # the oldest first: a tap on so old a message is then checked by Telegram
            del self.views[next(iter(self.views))]
        return True

    def is_staff(self, update: Update) -> bool:
        """Whether the update comes from a staff member (settings.staff_ids)."""
        user = update.effective_user
        return user is not None and user.id in self.settings.staff_ids


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The shared services of the running application."""
    return context.application.bot_data[SERVICES]  # type: ignore[no-any-return]


def message_of(update: Update) -> Message:
    """The update's message (new or edited); the handlers' filters guarantee there is one."""
    message = update.effective_message
    if message is None:
        raise ValueError(f"update {update.update_id} carries no message")
    return message


def reply_script(update: Update) -> Script:
    """The script to talk to this user in: from their message's text, else their language code."""
    message, user = update.effective_message, update.effective_user
    text = (message.text or message.caption or "") if message else ""
    if text.startswith("/"):
        command, _, text = text.partition(" ")  # a command's name is Latin whatever the user's language
        if command.partition("@")[0].lower() == "/start":
            text = ""  # a deep link's parameter (/start help) is Latin too: only the language code tells
    return detect_script(text, user.language_code if user else None)


async def show_action(context: ContextTypes.DEFAULT_TYPE, chat_id: int, action: ChatAction) -> None:
    """Show "typing…" (or another chat action). A courtesy: failing to show it must not cost the reply, though a
    chat that blocked the bot (Forbidden) still stops the handler."""
    try:
        await context.bot.send_chat_action(chat_id, action)
    except Forbidden:
        raise
    except TelegramError as err:
        log.debug("chat action %s failed: %s", action, err)


def staff_reason(error: BaseException, token: str | None) -> str:
    """An error in one line for staff: its kind and message, bounded, without the bot token."""
    text = " ".join(str(error).split()) or "no details"
    if token:
        text = text.replace(token, "<token>")
    reason = f"{type(error).__name__}: {text}"
    return reason if len(reason) <= REASON_CHARS else reason[: REASON_CHARS - 1] + "…"


async def answer_query(svc: Services, query: CallbackQuery, text: str | None = None) -> None:
    """Answer a callback query, once: Telegram refuses a second answer (the error handler's, after a failure)."""
    if query.id in svc.answered_queries:
        return
    svc.answered_queries.add(query.id)
    await query.answer(text)
