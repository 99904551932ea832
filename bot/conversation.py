"""The reply to one text message, independent of the channel: Telegram and the terminal chat both use it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Protocol

from bot.excerpt import is_converted
from bot.format import format_answer, format_plain
from bot.language import Script, detect_script
from bot.telegram_text import html_escape
from bot.texts import texts_for
from retrieval.model import Answer, DeclineReason

DEFAULT_K = 3
MAX_RESULTS = 30  # the deepest "more results" goes: ten pages of three


class Searcher(Protocol):
    """Anything that answers a question with ranked hits or a decline (retrieval.search.Searcher)."""

    def search(self, question: str, k: int = DEFAULT_K, offset: int = 0) -> Answer: ...


class ReplyKind(str, Enum):
    """What kind of reply a message gets."""

    ANSWER = "answer"  # passages quoted
    DECLINED = "declined"  # the documents do not answer it (or it could not be read)
    GREETING = "greeting"
    TOO_LONG = "too_long"
    EMPTY = "empty"  # nothing to search for
    NO_MORE = "no_more"  # "more results" asked past the last hit


@dataclass(frozen=True)
class Reply:
    """One reply, ready for either channel: Telegram HTML and terminal text of the same content."""

    kind: ReplyKind
    question: str
    script: Script
    html: str
    plain: str
    answer: Answer | None = None  # None when the searcher was not asked (empty, too long); the hits shown
    offset: int = 0  # the rank of the first hit shown, from 0
    converted: bool = False  # some passage is shown converted to the reader's script (offer the original)
    more: bool = False  # further passages answer: "more results" has something to show

    @property
    def answered(self) -> bool:
        return self.kind is ReplyKind.ANSWER


# Declines of other reasons (the corpus does not cover it, gibberish, small talk of other kinds) are DECLINED.
_KIND_OF_DECLINE = {
    DeclineReason.GREETING: ReplyKind.GREETING,
    DeclineReason.THANKS: ReplyKind.GREETING,  # small talk, answered in kind: not a question the corpus misses
    DeclineReason.FAREWELL: ReplyKind.GREETING,
    DeclineReason.SMALL_TALK: ReplyKind.GREETING,
    DeclineReason.VAGUE: ReplyKind.DECLINED,
    DeclineReason.EMPTY: ReplyKind.EMPTY,
    DeclineReason.TOO_LONG: ReplyKind.TOO_LONG,
}


def _text_reply(kind: ReplyKind, question: str, script: Script, text: str, answer: Answer | None = None, offset: int = 0) -> Reply:
    return Reply(kind, question, script, html_escape(text), text, answer, offset)


def reply_to(
    text: str,
    searcher: Searcher,
    *,
    script: Script | None = None,
    language_code: str | None = None,
    max_chars: int = 500,
    k: int = DEFAULT_K,
    offset: int = 0,
    bold: tuple[str, str] = ("**", "**"),
) -> Reply:
    """Answer one message: quote the passages that answer it, or say kindly why not.

    `script` forces the reply's script; otherwise it follows the text, then `language_code` (Telegram's).
    `offset` asks for the hits after the first `offset` ones ("more results"), at most MAX_RESULTS deep. `bold`
    marks matched terms in the plain text (the terminal may pass ANSI codes).
    """
    question = text.strip()
    script = script or detect_script(question, language_code)
    texts = texts_for(script)
    if not question:
        return _text_reply(ReplyKind.EMPTY, question, script, texts.decline_text(DeclineReason.EMPTY))
    if len(question) > max_chars:
        return _text_reply(ReplyKind.TOO_LONG, question, script, texts.too_long_text(max_chars, len(question)))
    # Pages are cut from one ranking, asked one passage deeper than the page: that passage says whether there is
    # more. (A search from an offset would filter its own window, and could show a passage of the page before.)
    found = searcher.search(question, k=min(offset + k + 1, MAX_RESULTS)) if offset < MAX_RESULTS else Answer(question)
    quoted = found.hits
    page = quoted[offset : offset + k]
    if found.answered and page:
        answer = replace(found, hits=page)
        return Reply(
            ReplyKind.ANSWER,
            question,
            script,
            format_answer(answer, script, first_number=offset + 1),
            format_plain(answer, script, first_number=offset + 1, bold=bold),
            answer,
            offset,
            converted=is_converted(answer, script),
            more=len(quoted) > offset + k,
        )
    answer = found
    if offset > 0:
        return _text_reply(ReplyKind.NO_MORE, question, script, texts.no_more, answer, offset)
    kind = _KIND_OF_DECLINE.get(answer.decline, ReplyKind.DECLINED) if answer.decline else ReplyKind.DECLINED
    return _text_reply(kind, question, script, texts.decline_text(answer.decline), answer, offset)
