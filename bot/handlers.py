"""Citizens' handlers: questions (private, groups, edited), /start and /help, non-text messages, inline mode.

Each handler reads the update, runs the blocking search in a worker thread (the event loop stays free),
and sends one reply. What a reply says comes from `bot.conversation.reply_to` (shared with the terminal
chat); this module adds Telegram's parts: the quoted reply, its buttons (`bot.buttons`), the log row.

Edited messages are answered anew, as a reply to the edited message: editing our earlier reply would
leave its buttons pointing at the old question, and a new reply shows plainly what was answered.

In groups the bot answers a message that mentions it (@username), a reply to one of its messages, or
`/ask question`. With Telegram's privacy mode on (the default for bots), a bot in a group receives only
commands, replies to its own messages and messages that mention it, so that is all it needs; turning
privacy mode off (BotFather /setprivacy) changes nothing here, other messages are still ignored.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import Forbidden
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.buttons import answer_keyboard, button
from bot.conversation import Reply, ReplyKind, reply_to
from bot.delivery import recording_reply
from bot.format import format_hit, inline_description, inline_title
from bot.language import detect_script
from bot.services import Services, message_of, reply_script, services, show_action
from bot.texts import texts_for
from retrieval.model import DeclineReason

log = logging.getLogger(__name__)

INLINE_RESULTS = 3
INLINE_CACHE_SECONDS = 10
_DECLINE_OF_KIND = {ReplyKind.TOO_LONG: "too_long", ReplyKind.EMPTY: "empty", ReplyKind.GREETING: "greeting"}


class _AddressedToBot(filters.MessageFilter):
    """A group message that mentions the bot by @username or replies to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        return any(_is_bot_mention(value, bot.username) for value in _mentions(message).values())


NON_TEXT = (
    filters.PHOTO | filters.Sticker.ALL | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
    | filters.ANIMATION | filters.LOCATION | filters.VENUE | filters.CONTACT | filters.Document.ALL
)


def add_handlers(app: Application) -> None:  # type: ignore[type-arg]
    """Register the citizens' handlers (group 0, after the staff ones)."""
    private, groups, addressed = filters.ChatType.PRIVATE, filters.ChatType.GROUPS, _AddressedToBot()
    app.add_handler(CommandHandler(["start", "help"], start))
    app.add_handler(CommandHandler("ask", ask))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & private, question))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & groups & addressed, group_question))
    app.add_handler(MessageHandler(NON_TEXT & filters.CAPTION & (private | (groups & addressed)), captioned))
    app.add_handler(MessageHandler(NON_TEXT & (private | (groups & addressed)), text_only))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(InlineQueryHandler(inline_query))


def _is_bot_mention(value: str, username: str) -> bool:
    return value.lower() == f"@{username}".lower()


def _mentions(message: Message) -> dict:  # type: ignore[type-arg]
    """The @mention entities of a message's text, or of its caption (a photo or a file)."""
    if message.text is not None:
        return message.parse_entities(["mention"])
    return message.parse_caption_entities(["mention"])


def _without_bot_mention(message: Message, username: str) -> str:
    """A message's text (or caption) with the bot's @mention taken out."""
    text = message.text if message.text is not None else message.caption or ""
    for value in _mentions(message).values():
        if _is_bot_mention(value, username):
            text = text.replace(value, " ", 1)
    return text


# ---------------------------------------------------------------- messages


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the bot knows and how to ask, in the user's language."""
    svc = services(context)
    info = getattr(svc.searcher, "info", None)
    with recording_reply(functools.partial(svc.store.mark_handled, update.update_id)):
        await message_of(update).reply_text(texts_for(reply_script(update)).help_text(info), parse_mode=None, do_quote=True)


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question in a private chat (new or edited)."""
    await answer(update, context, message_of(update).text or "")


async def group_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a group message addressed to the bot, its @mention taken out."""
    await answer(update, context, _without_bot_mention(message_of(update), context.bot.username))


async def captioned(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the caption of a photo or a file (the bot reads text only): a question asked with a picture."""
    await answer(update, context, _without_bot_mention(message_of(update), context.bot.username))


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `/ask question` (anywhere); a bare /ask gets the help text."""
    parts = (message_of(update).text or "").split(maxsplit=1)
    if len(parts) < 2 or not parts[1].strip():
        await start(update, context)
        return
    await answer(update, context, parts[1])


async def text_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the user the bot reads text (photos, stickers, voice, locations, documents from citizens)."""
    with recording_reply(functools.partial(services(context).store.mark_handled, update.update_id)):
        await message_of(update).reply_text(texts_for(reply_script(update)).text_only, parse_mode=None, do_quote=True)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Rate-check, search in a thread (typing shown if it is slow), log, reply with quotes and buttons."""
    svc = services(context)
    message, user = message_of(update), update.effective_user
    language = user.language_code if user else None
    user_id = user.id if user else message.chat.id
    wait = svc.limiter.wait_seconds(user_id)
    if wait:
        with recording_reply(functools.partial(svc.store.mark_handled, update.update_id)):
            await message.reply_text(texts_for(detect_script(text, language)).rate_limited_text(wait), parse_mode=None, do_quote=True)
        return
    searcher = svc.searcher  # a /reload during the search does not change the one this search uses
    search = functools.partial(reply_to, text, searcher, language_code=language, max_chars=svc.settings.max_question_chars)
    reply = await _search_showing_typing(context, message.chat.id, search, svc.settings.typing_after)
    key = svc.store.key_for(update.update_id)
    _log(svc, key, update, user_id, reply)  # before sending: the reply's buttons look the question up
    try:
        # marked delivered, and the update handled, the moment Telegram accepts the reply (bot.delivery)
        with recording_reply(functools.partial(svc.store.mark_delivered, key, update.update_id)):
            await context.bot.send_message(
                message.chat.id,
                reply.html,
                reply_markup=answer_keyboard(key, reply) if reply.answered else None,
                reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
            )
    except Forbidden as err:
        log.info("update %d: the chat refused the reply (%s); logged, not sent", update.update_id, err.message)
        svc.store.mark_delivered(key, update.update_id, delivered=False)


def _log(svc: Services, key: str, update: Update, user_id: int, reply: Reply) -> None:
    found = reply.answer
    if reply.answered:
        decline = None
    elif found is not None and found.decline is not None:
        decline = found.decline.value  # the searcher's reason, whatever kind of reply it makes
    else:
        decline = _DECLINE_OF_KIND.get(reply.kind, DeclineReason.NOT_COVERED.value)
    svc.store.log_question(
        key=key,
        user_id=user_id,
        chat_kind=str(update.effective_chat.type) if update.effective_chat else "unknown",
        question=reply.question[:2000],
        script=reply.script.value,
        answered=reply.answered,
        decline=decline,
        passages=[hit.passage.id for hit in found.hits] if reply.answered and found is not None else [],
    )


async def _search_showing_typing(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, search: Callable[[], Reply], after: float
) -> Reply:
    """Run the search in a thread; show "typing…" only if it has not finished after `after` seconds (0: at once).

    Most answers take tens of milliseconds, too fast for the indicator to be seen, and every typing action
    is a request under Telegram's flood limit of 30 a second over all chats: sent for every answer, it
    halves the replies a busy bot can send (benchmarks/RESULTS.md, "Many chats at once").
    """
    task = asyncio.ensure_future(asyncio.to_thread(search))
    try:
        if after > 0:
            await asyncio.wait({task}, timeout=after)
        if not task.done():
            await show_action(context, chat_id, ChatAction.TYPING)
    except BaseException:
        # A blocked chat (Forbidden) or a stopping bot: nobody will read this reply. The thread cannot be
        # stopped; its outcome is collected when it ends, so a failure is logged, not left unretrieved.
        task.add_done_callback(_drop_outcome)
        raise
    return await task


def _drop_outcome(task: asyncio.Future[Reply]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("a search whose reply will not be sent failed", exc_info=task.exception())


# ---------------------------------------------------------------- inline mode


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the quoted passages for `@bot question` as shareable results; a hint when there is no question."""
    svc = services(context)
    query = update.inline_query
    if query is None:
        return
    text = query.query.strip()
    script = detect_script(text, query.from_user.language_code)
    texts = texts_for(script)
    hint = InlineQueryResultsButton(text=texts.inline_hint, start_parameter="help")
    if not text:
        await query.answer([], cache_time=INLINE_CACHE_SECONDS, button=hint)
        return
    reply = await asyncio.to_thread(
        reply_to, text, svc.searcher, script=script, max_chars=svc.settings.max_question_chars, k=INLINE_RESULTS
    )
    found = reply.answer if reply.answered else None
    hits = found.hits if found is not None else ()
    results = [
        InlineQueryResultArticle(
            id=str(i),
            title=inline_title(hit, i + 1, script),
            description=texts.hedge if found is not None and found.hedged else inline_description(hit, script),
            input_message_content=InputTextMessageContent(format_hit(hit, script)),
        )
        for i, hit in enumerate(hits)
    ]
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, button=None if results else hint)
