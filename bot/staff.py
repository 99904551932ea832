"""Staff handlers: /stats, /unanswered, /reload, and document uploads that grow the corpus.

Staff are the Telegram user ids in `settings.staff_ids`. Anyone else gets a polite refusal, and the
refusal is logged with the user id and the command only (never the message text). Replies to staff
are short HTML reports in English.
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from telegram import Update
from telegram.constants import ChatAction, FileSizeLimit
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.ingest import UploadRefused, add_to_index, check_size, save_upload, upload_suffix
from bot.services import SERVICES, Services, message_of, reply_script, services, show_action, staff_reason
from bot.texts import texts_for

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
UNANSWERED_SHOWN = 20


def staff_only(handler: Handler) -> Handler:
    """Run the handler for staff; refuse (politely, logged) anyone else."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not services(context).is_staff(update):
            log.warning("refused %s to user %s (not staff)", handler.__name__, user.id if user else "unknown")
            await message_of(update).reply_text(texts_for(reply_script(update)).staff_only, parse_mode=None, do_quote=True)
            return
        await handler(update, context)

    return guarded


def add_handlers(app: Application) -> None:  # type: ignore[type-arg]
    """Register the staff handlers (group 0, before the citizens' ones, so a staff document is not a citizen's)."""
    staff_ids = app.bot_data[SERVICES].settings.staff_ids
    app.add_handler(CommandHandler("stats", stats))
    app.add_handler(CommandHandler("unanswered", unanswered))
    app.add_handler(CommandHandler("reload", reload))
    app.add_handler(MessageHandler(filters.Document.ALL & filters.ChatType.PRIVATE & filters.User(user_id=staff_ids), upload))


@staff_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Questions, answered share, declines, feedback, and the last seven days."""
    svc = services(context)
    svc.purge_if_due()
    s = svc.store.stats(days=7)
    declined = ", ".join(f"{reason} {count}" for reason, count in sorted(s.declined.items(), key=lambda kv: -kv[1])) or "none"
    lines = [
        "<b>Questions</b>",
        f"{s.questions} asked, {s.answered} answered ({s.answered_share:.0%})",
        f"Declined: {html.escape(declined)}",
        f"Feedback: 👍 {s.thumbs_up} · 👎 {s.thumbs_down}",
        f"Replies given up on (Telegram unreachable for {svc.settings.retry_for:.0f} s): {s.undelivered}",
        "",
        "<b>Last 7 days</b> (UTC)",
        "<pre>" + "\n".join(f"{d.day}  {d.questions:>5} asked  {d.answered:>5} answered" for d in s.days) + "</pre>",
        f"Log kept {svc.settings.retention_days} days." if svc.settings.retention_days else "Log kept without limit.",
    ]
    await message_of(update).reply_text("\n".join(lines), do_quote=True)


@staff_only
async def unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Recent questions the corpus could not answer, newest first, with how often each was asked."""
    svc = services(context)
    missing = svc.store.unanswered(limit=UNANSWERED_SHOWN)
    if not missing:
        await message_of(update).reply_text("No unanswered questions in the log.", do_quote=True)
        return
    lines = [f"<b>Unanswered questions</b> (newest first, last {len(missing)})"]
    for item in missing:
        when = datetime.fromtimestamp(item.last_asked, UTC).strftime("%Y-%m-%d")
        question = " ".join(item.question.split())
        question = question if len(question) <= 200 else question[:199] + "…"
        lines.append(f"• {html.escape(question)} <i>(×{item.count}, {when})</i>")
    await message_of(update).reply_text("\n".join(lines), do_quote=True)


@staff_only
async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open the newest index on disk and swap it in; searches in flight finish on the old one."""
    svc = services(context)
    async with svc.index_lock:
        try:
            svc.searcher = await asyncio.to_thread(svc.open_searcher)
        except Exception as err:  # any failure keeps the old searcher; staff get the reason
            log.exception("reload failed; still answering from the previous index")
            await message_of(update).reply_text(f"Reload failed, still using the previous index: {html.escape(str(err))}", do_quote=True)
            return
    await message_of(update).reply_text(f"Index reloaded: {_describe(svc)}.", do_quote=True)


async def upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take a staff member's document into the corpus: check, store safely, re-index, swap, report."""
    svc = services(context)
    message = message_of(update)
    document = message.document
    if document is None:
        return
    try:
        upload_suffix(document.file_name)
        check_size(document.file_size, svc.settings.max_upload_bytes)
    except UploadRefused as refused:
        await message.reply_text(f"Not added: {html.escape(str(refused))}.", do_quote=True)
        return
    await show_action(context, message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    try:
        telegram_file = await document.get_file()
        content = bytes(await telegram_file.download_as_bytearray())
    except (BadRequest, NetworkError, InvalidToken) as err:  # refused, failed (5xx, an error page), or gone (404)
        log.warning("downloading an upload failed: %s", err.message)
        shown = html.escape(document.file_name or "the file")
        await message.reply_text(f"Not added: {shown} could not be downloaded from Telegram ({html.escape(_download_failure(err))}).", do_quote=True)
        return
    try:
        saved = await asyncio.to_thread(save_upload, content, document.file_name, svc.settings.docs_dir, svc.settings.max_upload_bytes)
    except UploadRefused as refused:
        await message.reply_text(f"Not added: {html.escape(str(refused))}.", do_quote=True)
        return
    name = html.escape(saved.original_name)
    if saved.already_present:
        await message.reply_text(f"{name} is already in the corpus (same content); nothing to do.", do_quote=True)
        return
    log.info("staff upload stored as %s (%d bytes); indexing it", saved.path.name, saved.size)
    index_dir = svc.index_dir or svc.settings.index_dir
    async with svc.index_lock:
        try:
            report = await asyncio.to_thread(add_to_index, svc.settings.index, index_dir, [saved.path])
            if report.read_passages:
                svc.searcher = await asyncio.to_thread(svc.open_searcher)
        except Exception as err:  # the old index keeps answering; staff get the reason
            log.exception("indexing an upload failed; still answering from the previous index")
            saved.path.unlink(missing_ok=True)
            await message.reply_text(f"Not added: indexing {name} failed ({html.escape(str(err))}). The previous index is still in use.", do_quote=True)
            return
    if not report.read_passages:
        saved.path.unlink(missing_ok=True)  # kept, it would only be skipped again by every full rebuild
        reasons = "; ".join(reason for _path, reason in report.skipped) or "; ".join(report.notes) or "no text found"
        await message.reply_text(f"Not added: {name} could not be read ({html.escape(reasons)}).", do_quote=True)
        return
    repeated = f" ({report.repeated_passages} already in the index, now also cited from it)" if report.repeated_passages else ""
    lines = [
        f"Added {name}: {report.added_passages} passages{repeated}.",
        f"Now answering from {report.documents} documents, {report.passages} passages.",
    ]
    lines += [f"Note: {html.escape(note)}" for note in report.notes[:10]]
    await message.reply_text("\n".join(lines), do_quote=True)


def _download_failure(err: TelegramError) -> str:
    """Why a file could not be had, for staff, in Telegram's words and what to do."""
    if isinstance(err, BadRequest):  # refused for good (BadRequest is a NetworkError in PTB: checked first)
        if "too big" in err.message.lower():
            limit = FileSizeLimit.FILESIZE_DOWNLOAD // 1_000_000
            return f"{err.message}: bots may download files of at most {limit} MB; put a bigger file in the documents folder and run quotebot index"
        return staff_reason(err, None)
    if isinstance(err, InvalidToken):  # PTB's name for a 404 (or 401): the file is no longer there
        return f"{err.message}: Telegram no longer has the file; send it again"
    return f"{staff_reason(err, None)}; send it again in a while"  # a 5xx, an error page, a timeout


def _describe(svc: Services) -> str:
    info = getattr(svc.searcher, "info", None)
    if info is None:
        return "the index"
    newest = f", newest {info.newest_date[:10]}" if getattr(info, "newest_date", None) else ""
    return f"{info.documents} documents, {info.passages} passages{newest}"
