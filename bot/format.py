"""Replies as text: an Answer → Telegram HTML message(s) or terminal text. Pure functions, no I/O.

What to quote of each passage, and in bold, is `bot.excerpt`'s; Telegram's rules for a message (escaping, length,
splitting) are `bot.telegram_text`'s. This module lays the quotes out: numbered, each with its source, the question
above them, a note when a quote is shown converted to the reader's script.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.excerpt import Quotable, Run, display_target
from bot.language import Script, to_script
from bot.telegram_text import (
    TELEGRAM_LIMIT,
    carriable,
    escape_attribute,
    html_escape,
    safe_url,
    shorten,
    split_message,
    telegram_length,
)
from bot.texts import texts_for
from corpus.model import Citation, Passage
from retrieval.model import Answer, Hit

DEFAULT_PASSAGE_CHARS = 600
_MIN_PASSAGE_CHARS = 60
_QUESTION_CHARS = 300
_TITLE_CHARS = 150
_SOURCE_CHARS = 60
_ALSO_NAMED = 3
_INLINE_TITLE_CHARS = 100
_INLINE_DESCRIPTION_CHARS = 120


@dataclass(frozen=True)
class _Quote:
    """One passage as shown: its numbered excerpt (converted) and where it comes from."""

    number: int | None
    runs: tuple[Run, ...]
    cite: Citation
    also_cited: tuple[Citation, ...]
    target: Script | None  # the script the quote was converted to; None: as published


def _show(text: str, limit: int, target: Script | None) -> str:
    text = shorten(text, limit)
    return to_script(text, target) if target is not None else text


def _quote_html(quote: _Quote, script: Script) -> str:
    cite, target = quote.cite, quote.target
    body = "".join(f"<b>{html_escape(r.text)}</b>" if r.bold else html_escape(r.text) for r in quote.runs)
    title = html_escape(_show(cite.title or cite.doc_id, _TITLE_CHARS, target))
    url = safe_url(cite.url)
    details = [html_escape(p) for p in (carriable(cite.date or "")[:10], _show(cite.source or "", _SOURCE_CHARS, target)) if p]
    cite_line = " · ".join([f'<a href="{escape_attribute(url)}">{title}</a>' if url else title, *details])
    lines = [f"<b>{quote.number}.</b>" if quote.number is not None else "", f"<blockquote>{body}</blockquote>", f"— {cite_line}"]
    if quote.also_cited:
        names = []
        for other in quote.also_cited[:_ALSO_NAMED]:
            name = html_escape(_show(other.source or other.title or other.doc_id, _SOURCE_CHARS, target))
            other_url = safe_url(other.url)
            names.append(f'<a href="{escape_attribute(other_url)}">{name}</a>' if other_url else name)
        lines.append(html_escape(texts_for(script).also_cited).format(count=len(quote.also_cited), sources=", ".join(names)))
    return "\n".join(line for line in lines if line)


def _quote_plain(quote: _Quote, script: Script, bold: tuple[str, str]) -> str:
    cite, target = quote.cite, quote.target
    body = "".join(f"{bold[0]}{r.text}{bold[1]}" if r.bold else r.text for r in quote.runs)
    details = [p for p in (carriable(cite.date or "")[:10], _show(cite.source or "", _SOURCE_CHARS, target)) if p]
    lines = [body if quote.number is None else f"{quote.number}. {body}"]
    lines.append("   — " + " · ".join([_show(cite.title or cite.doc_id, _TITLE_CHARS, target), *details]))
    url = safe_url(cite.url)
    if url:
        lines.append(f"     {url}")
    if quote.also_cited:
        names = ", ".join(_show(o.source or o.title or o.doc_id, _SOURCE_CHARS, target) for o in quote.also_cited[:_ALSO_NAMED])
        lines.append("   " + texts_for(script).also_cited_text(len(quote.also_cited), names))
    return "\n".join(lines)


def _quote(source: Quotable, passage: Passage, number: int | None, limit: int | None) -> _Quote:
    return _Quote(number, source.runs(limit), passage.cite, passage.also_cited, source.target)


def _prepare(hits: Sequence[Hit], script: Script, original: bool) -> list[tuple[Quotable, Passage]]:
    return [(Quotable.of(hit.passage.text, hit.matched_terms, script, original), hit.passage) for hit in hits]


def _note(script: Script, quotes: Sequence[_Quote], text: str | None = None) -> str:
    """Say so when a quote is shown converted, so nobody takes the conversion for the published text.

    ``text``: the note to show (default: the Telegram one, which names the 原文 button).
    """
    note = texts_for(script).converted_note if text is None else text
    return note if any(q.target is not None for q in quotes) else ""


def format_answer(
    answer: Answer,
    script: Script,
    *,
    first_number: int = 1,
    original: bool = False,
    max_passage_chars: int = DEFAULT_PASSAGE_CHARS,
    limit: int = TELEGRAM_LIMIT,
) -> str:
    """One Telegram HTML message: the question, then each hit quoted with its terms in bold and its source.

    A declined answer gives the polite decline text; a hedged one quotes its passages under a line that says
    they may help. The result is at most `limit` UTF-16 units after entity parsing: long passages are
    trimmed further, and hits that still do not fit are left out.
    """
    texts = texts_for(script)
    if not answer.answered:
        return html_escape(texts.decline_text(answer.decline))
    question = f"<i>{html_escape(texts.question_label)}：</i>{html_escape(shorten(answer.question, _QUESTION_CHARS))}"
    if answer.hedged:
        question += f"\n\n{html_escape(texts.hedge)}"
    prepared = _prepare(answer.hits, script, original)
    budget = max(max_passage_chars, _MIN_PASSAGE_CHARS)
    while True:
        quotes = [_quote(src, passage, first_number + i, budget) for i, (src, passage) in enumerate(prepared)]
        note = html_escape(_note(script, quotes))
        blocks = [question, *(_quote_html(q, script) for q in quotes)]
        message = "\n\n".join(blocks + ([note] if note else []))
        if telegram_length(message) <= limit:
            return message
        if budget == _MIN_PASSAGE_CHARS:
            break
        budget = max(_MIN_PASSAGE_CHARS, budget * 3 // 4)
    # Quotes at their shortest still overflow: keep the leading ones that fit (blocks are joined by two newlines).
    used = telegram_length(question) + (telegram_length(note) + 2 if note else 0)
    kept = [question]
    for block in blocks[1:]:
        used += telegram_length(block) + 2
        if used > limit:
            break
        kept.append(block)
    message = "\n\n".join(kept + ([note] if note else []))
    # Only a limit far below Telegram's leaves no room for even one quote; split rather than overflow.
    return message if len(kept) > 1 else split_message(message, limit)[0]


def format_plain(
    answer: Answer,
    script: Script,
    *,
    first_number: int = 1,
    original: bool = False,
    max_passage_chars: int = DEFAULT_PASSAGE_CHARS,
    bold: tuple[str, str] = ("**", "**"),
    converted_note: str | None = None,
) -> str:
    """The same reply as format_answer, as terminal text; bold terms wrapped in `bold` (e.g. ANSI codes).

    `converted_note` is the line under quotes shown converted (default: the terminal chat's, which names /original:
    a terminal has no 原文 button).
    """
    texts = texts_for(script)
    if not answer.answered:
        return texts.decline_text(answer.decline)
    budget = max(max_passage_chars, _MIN_PASSAGE_CHARS)
    prepared = _prepare(answer.hits, script, original)
    quotes = [_quote(src, passage, first_number + i, budget) for i, (src, passage) in enumerate(prepared)]
    note = _note(script, quotes, texts.chat_converted_note if converted_note is None else converted_note)
    question = f"{texts.question_label}：{shorten(answer.question, _QUESTION_CHARS)}"
    hedge = [texts.hedge] if answer.hedged else []
    return "\n\n".join([question, *hedge, *(_quote_plain(q, script, bold) for q in quotes), *([note] if note else [])])


def format_hit(hit: Hit, script: Script, *, original: bool = False, max_passage_chars: int = DEFAULT_PASSAGE_CHARS) -> str:
    """One hit as a message of its own (an inline-mode result a user shares): the quote and its source."""
    ((src, passage),) = _prepare([hit], script, original)
    budget = max(max_passage_chars, _MIN_PASSAGE_CHARS)
    while True:
        message = _quote_html(_quote(src, passage, None, budget), script)
        if telegram_length(message) <= TELEGRAM_LIMIT or budget == _MIN_PASSAGE_CHARS:
            return message
        budget = max(_MIN_PASSAGE_CHARS, budget * 3 // 4)


def inline_title(hit: Hit, number: int, script: Script) -> str:
    """The title of an inline-mode result: its number and document title, in the script its quote is shown in."""
    target = display_target(script, hit.passage.text, False)
    return _show(f"{number}. {hit.passage.cite.title or hit.passage.doc_id}", _INLINE_TITLE_CHARS, target)


def inline_description(hit: Hit, script: Script) -> str:
    """The line under an inline-mode result's title: the passage's beginning, in the script its quote is shown in."""
    return _show(hit.passage.text, _INLINE_DESCRIPTION_CHARS, display_target(script, hit.passage.text, False))


def _paragraph_text(passages: Sequence[Passage]) -> str:
    """The pieces of a paragraph joined back (no space between Chinese pieces); separate paragraphs apart."""
    text = ""
    previous: Passage | None = None
    for passage in sorted(passages, key=lambda p: (p.doc_id, p.position, p.part)):
        piece = passage.text.strip()
        if previous is None:
            text = piece
        elif (previous.doc_id, previous.position) != (passage.doc_id, passage.position):
            text += "\n\n" + piece
        elif text and piece and text[-1].isascii() and piece[0].isascii():
            text += " " + piece
        else:
            text += piece
        previous = passage
    return text


def format_paragraph(passages: Sequence[Passage], script: Script, *, original: bool = False, terms: Sequence[str] = ()) -> list[str]:
    """The whole paragraph a hit comes from, as one or more Telegram HTML messages, its source after it."""
    texts = texts_for(script)
    if not passages:
        return [html_escape(texts.no_more)]
    quote = _quote(Quotable.of(_paragraph_text(passages), terms, script, original), passages[0], None, None)
    message = f"<b>{html_escape(texts.full_paragraph_title)}</b>\n" + _quote_html(quote, script)
    note = _note(script, [quote])
    return split_message(message + (f"\n\n{html_escape(note)}" if note else ""))


def format_paragraph_plain(passages: Sequence[Passage], script: Script, *, original: bool = False) -> str:
    """The whole paragraph as terminal text."""
    texts = texts_for(script)
    if not passages:
        return texts.no_more
    quote = _quote(Quotable.of(_paragraph_text(passages), (), script, original), passages[0], None, None)
    note = _note(script, [quote], texts.chat_converted_note)
    return f"{texts.full_paragraph_title}\n" + _quote_plain(quote, script, ("", "")) + (f"\n\n{note}" if note else "")
