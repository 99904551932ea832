"""The buttons under an answer, and what pressing them does. Every callback query is answered.

Callback data is at most 64 bytes, so a button carries only an action, the question's short key in the
SQLite log, and a number: `m:KEY:OFFSET` more results, `p:KEY:RANK` full paragraph, `o:KEY:OFFSET:0|1`
original or converted text, `f:KEY:1|-1` feedback. A key the log no longer has (past retention), or a
passage the index no longer has, gets "this result expired, ask again".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.conversation import Reply, reply_to
from bot.format import format_answer, format_paragraph
from bot.language import Script
from bot.services import Services, answer_query, reply_script, services
from bot.store import LoggedQuestion
from bot.texts import texts_for
from retrieval.model import Hit

log = logging.getLogger(__name__)

_NO_LIMIT = 10**6  # a question already accepted once is not measured again


def answer_keyboard(key: str, reply: Reply, *, original_shown: bool = False) -> InlineKeyboardMarkup:
    """More results (when there are more), the full paragraph of each passage (one button a paragraph),
    original/converted text when converted, 👍/👎."""
    texts = texts_for(reply.script)
    hits = reply.answer.hits if reply.answer else ()
    first = reply.offset
    rows = []
    if reply.more:
        rows.append([InlineKeyboardButton(texts.button_more, callback_data=f"m:{key}:{first + len(hits)}")])
    paragraphs = _paragraphs(hits)
    if len(paragraphs) == 1:
        rows.append([InlineKeyboardButton(texts.button_full, callback_data=f"p:{key}:{first + paragraphs[0][0]}")])
    else:
        rows.append([
            InlineKeyboardButton(f"{texts.button_full} {','.join(str(first + i + 1) for i in ranks)}", callback_data=f"p:{key}:{first + ranks[0]}")
            for ranks in paragraphs
        ])
    if reply.converted:
        label = texts.button_converted if original_shown else texts.button_original
        rows.append([InlineKeyboardButton(label, callback_data=f"o:{key}:{first}:{int(not original_shown)}")])
    rows.append(
        [
            InlineKeyboardButton(texts.button_helpful, callback_data=f"f:{key}:1"),
            InlineKeyboardButton(texts.button_unhelpful, callback_data=f"f:{key}:-1"),
        ]
    )
    return InlineKeyboardMarkup(rows)


def _paragraphs(hits: Sequence[Hit]) -> list[list[int]]:
    """The hits' ranks grouped by the paragraph they come from (pieces of one long paragraph share a button)."""
    groups: dict[tuple[str, int], list[int]] = {}
    for rank, hit in enumerate(hits):
        groups.setdefault((hit.passage.doc_id, hit.passage.position), []).append(rank)
    return list(groups.values())


def _parse(data: str) -> tuple[str, str, list[str]]:
    action, _, rest = data.partition(":")
    key, _, tail = rest.partition(":")
    return action, key, tail.split(":") if tail else []


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Act on a button (more, full paragraph, original text, feedback); every query is answered."""
    svc = services(context)
    query = update.callback_query
    if query is None:
        return
    action, key, args = _parse(query.data or "")
    logged = svc.store.question(key) if key else None
    message = query.message if isinstance(query.message, Message) else None  # an old message may be inaccessible
    if logged is None or message is None:
        await answer_query(svc, query, texts_for(reply_script(update)).expired)
        return
    script = Script(logged.script)
    if action == "f" and args in (["1"], ["-1"]):
        svc.store.record_feedback(key, query.from_user.id, int(args[0]))
        await answer_query(svc, query, texts_for(script).feedback_thanks)
    elif action == "m" and len(args) == 1 and args[0].isdigit():
        await _more(query, message, svc, logged, int(args[0]))
    elif action == "p" and len(args) == 1 and args[0].isdigit():
        await _paragraph(query, message, svc, logged, int(args[0]))
    elif action == "o" and len(args) == 2 and args[0].isdigit() and args[1] in ("0", "1"):
        await _toggle_original(query, message, svc, logged, int(args[0]), original=args[1] == "1")
    else:
        await answer_query(svc, query, texts_for(script).expired)


async def _more(query: CallbackQuery, message: Message, svc: Services, logged: LoggedQuestion, offset: int) -> None:
    """The next page of passages, as a new message with its own buttons."""
    script = Script(logged.script)
    reply = await asyncio.to_thread(reply_to, logged.question, svc.searcher, script=script, offset=offset, max_chars=_NO_LIMIT)
    if not reply.answered or reply.answer is None:
        await answer_query(svc, query, texts_for(script).no_more)
        return
    svc.store.add_passages(logged.key, [hit.passage.id for hit in reply.answer.hits])
    await answer_query(svc, query)
    await message.reply_text(reply.html, reply_markup=answer_keyboard(logged.key, reply), do_quote=True)


async def _paragraph(query: CallbackQuery, message: Message, svc: Services, logged: LoggedQuestion, rank: int) -> None:
    """The whole paragraph a passage comes from, as one or more messages."""
    script = Script(logged.script)
    if rank >= len(logged.passages):
        await answer_query(svc, query, texts_for(script).expired)
        return
    passages = await asyncio.to_thread(svc.searcher.paragraph, logged.passages[rank])
    if not passages:
        await answer_query(svc, query, texts_for(script).expired)  # the index was rebuilt without it
        return
    await answer_query(svc, query)
    for text in format_paragraph(passages, script):
        await message.reply_text(text, do_quote=True)


async def _toggle_original(
    query: CallbackQuery, message: Message, svc: Services, logged: LoggedQuestion, offset: int, *, original: bool
) -> None:
    """Edit the answer in place to show the passages as published, or converted again; a no-op when it already does."""
    script = Script(logged.script)
    where = (message.chat_id, message.message_id)
    # A second tap (a double tap, or a tap on a keyboard the edit has not reached yet) would edit to the same text,
    # which Telegram refuses ("message is not modified"). The keyboard Telegram sent with the tap tells what the
    # message shows; claim_view tells what an edit in flight is making it show.
    if _shows_original(message) is original or not svc.claim_view(where, original):
        await answer_query(svc, query)
        return
    try:
        reply = await asyncio.to_thread(reply_to, logged.question, svc.searcher, script=script, offset=offset, max_chars=_NO_LIMIT)
        shown = tuple(hit.passage.id for hit in reply.answer.hits) if reply.answered and reply.answer is not None else ()
        if reply.answer is None or not shown or shown != logged.passages[offset : offset + len(shown)]:
            svc.views.pop(where, None)
            await answer_query(svc, query, texts_for(script).expired)  # the index changed since: not the passages on screen
            return
        html = format_answer(reply.answer, script, first_number=offset + 1, original=original)
        await answer_query(svc, query)
        await query.edit_message_text(html, reply_markup=answer_keyboard(logged.key, reply, original_shown=original))
    except BadRequest as err:
        # "message is not modified": another process's edit won the race; the message shows what was asked
        if "not modified" not in err.message.lower():
            svc.views.pop(where, None)
            raise
    except BaseException:
        svc.views.pop(where, None)
        raise


def _shows_original(message: Message) -> bool | None:
    """Whether an answer message shows the original text, by its toggle button (None: it has none)."""
    keyboard = message.reply_markup.inline_keyboard if message.reply_markup is not None else ()
    for row in keyboard:
        for key in row:
            if isinstance(key.callback_data, str) and key.callback_data.startswith("o:"):
                return key.callback_data.endswith(":0")  # the button offers the converted text back
    return None
