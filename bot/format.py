"""Replies as text: an Answer → Telegram HTML message(s) or terminal text. Pure functions, no I/O.

Decision 6 of DESIGN.md: everything that comes from a user or the corpus is HTML-escaped, a message stays
within Telegram's 4096 characters (counted as Telegram counts: UTF-16 code units of the text after entity
parsing), and a long text is split between tags, never inside one. Only tags and entities Telegram knows are
produced (`b`, `i`, `a href`, `blockquote`; `&lt; &gt; &amp; &quot;`).

A quote is chosen on the original text (which sentence, which terms in bold) and converted to the reader's
script afterwards, run by run, so the bold stays on the right words; `original=True` shows it as published.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote as percent_encode

from bot.language import Script, chinese_script, to_script
from bot.texts import texts_for
from corpus.model import Citation, Passage
from retrieval.model import Answer, Hit
from retrieval.text import fold_script

TELEGRAM_LIMIT = 4096
DEFAULT_PASSAGE_CHARS = 600
_MIN_PASSAGE_CHARS = 60
_QUESTION_CHARS = 300
_TITLE_CHARS = 150
_SOURCE_CHARS = 60
_ALSO_NAMED = 3
_ELLIPSIS = "…"

# Sentence ends in Chinese and English text: the boundary falls after the punctuation and any closing quote.
_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』）)\"']*\s*|\.[”’\"')]*\s+|\n+")
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_URL_SAFE = ":/?#[]@!$&()*+,;=%~-._"  # RFC 3986 reserved and unreserved characters; the rest is percent-encoded
_MAX_URL = 2000
# Telegram's HTML: a tag, one of the entities we emit (or any numeric one), or a run of plain text.
_HTML_ATOM = re.compile(r"<[^>]*>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);|.", re.DOTALL)


@dataclass(frozen=True)
class _Run:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class _Quote:
    """One passage as shown: its numbered excerpt (converted) and where it comes from."""

    number: int | None
    runs: tuple[_Run, ...]
    cite: Citation
    also_cited: tuple[Citation, ...]
    target: Script | None  # the script the quote was converted to; None: as published


# ---------------------------------------------------------------- text helpers


# Unicode's control characters (category Cc: U+0000-001F, U+007F-009F) but newline and tab, and surrogates (Cs).
_UNCARRIABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _clean(text: str) -> str:
    """Drop what Telegram cannot carry: control characters (newline and tab kept) and lone surrogates."""
    return _UNCARRIABLE.sub("", text)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(_clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + _ELLIPSIS


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def html_escape(text: str) -> str:
    """Escape text for Telegram HTML: &, < and > only (quotes need no escaping outside attributes)."""
    # Text content needs only <, > and & escaped; quote=False keeps the output free of entities Telegram lacks.
    return html.escape(text, quote=False)


def _escape_attribute(text: str) -> str:
    return html.escape(text, quote=False).replace('"', "&quot;")


def _safe_url(url: str | None) -> str | None:
    """A url fit for an href: http(s) only, bounded, quotes and other unsafe characters percent-encoded; else None."""
    if not url:
        return None
    url = percent_encode(_clean(url).strip(), safe=_URL_SAFE)
    if len(url) > _MAX_URL or not _URL.fullmatch(url):
        return None
    return url


def visible_text(message_html: str) -> str:
    """The text Telegram shows for an HTML message: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", message_html))


def telegram_length(message_html: str) -> int:
    """A message's length after entity parsing, in UTF-16 code units: what Telegram's 4096 limit counts."""
    return utf16_len(visible_text(message_html))


# ---------------------------------------------------------------- choosing the excerpt


def _term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the matched terms occur in text, merged; case-insensitive, and also through script folding."""
    terms = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return []
    spans = _occurrences(text, terms)
    # Retrieval compares folded text; should it report folded terms for a traditional passage, find them in the
    # folded passage, whose positions are the original's when folding kept the length.
    folded = fold_script(text)
    if len(folded) == len(text) and folded != text:
        spans += _occurrences(folded, _fold_each(terms))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:  # overlapping; adjacent terms stay separate spans
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _occurrences(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """The spans a case-insensitive regular expression of the terms, longest first, finds in text: the leftmost
    occurrence first, the longest term at a place, none overlapping.

    Found with str.find instead: compiled for every quoted passage, that expression made an answer at 100k passages
    take 1.4-2.1 ms to format instead of 0.9-1.5 (benchmarks/RESULTS.md, run 5).
    """
    lowered = text.lower()
    lowered_terms = {t.lower() for t in terms if t}
    if len(lowered) != len(text) or any(len(t.lower()) != len(t) for t in terms):
        # a letter whose lower case is longer ("İ") would shift the positions: let the regular expression match
        pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
        return [m.span() for m in pattern.finditer(text)]
    longest: dict[int, int] = {}  # start -> the end of the longest term there
    for term in lowered_terms:
        start = lowered.find(term)
        while start >= 0:
            longest[start] = max(longest.get(start, 0), start + len(term))
            start = lowered.find(term, start + 1)
    spans: list[tuple[int, int]] = []
    for start in sorted(longest):
        if not spans or start >= spans[-1][1]:
            spans.append((start, longest[start]))
    return spans


def _fold_each(terms: Sequence[str]) -> list[str]:
    """fold_script of each term, in one call of the converter (a line break ends every phrase it converts)."""
    if not any("\n" in t for t in terms):
        folded = fold_script("\n".join(terms)).split("\n")
        if len(folded) == len(terms):
            return folded
    return [fold_script(t) for t in terms]


def _sentences(text: str) -> list[tuple[int, int]]:
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _excerpt_bounds(text: str, spans: list[tuple[int, int]], limit: int) -> tuple[int, int]:
    """The stretch of text to quote: all of it when short, else its best sentence and neighbours up to limit."""
    if len(text) <= limit:
        return 0, len(text)
    sentences = _sentences(text)
    # Score each sentence by the distinct terms inside it, then by the bold characters (one pass over the spans).
    starts = [a for a, _ in sentences]
    found: list[set[str]] = [set() for _ in sentences]
    weight = [0] * len(sentences)
    for a, b in spans:
        i = bisect_right(starts, a) - 1
        if b <= sentences[i][1]:
            found[i].add(text[a:b].lower())
            weight[i] += b - a
    best = max(range(len(sentences)), key=lambda i: (len(found[i]), weight[i], -i))
    start, end = sentences[best]
    if end - start > limit:
        return _window(text, spans, start, end, limit)
    before, after = best - 1, best + 1
    while True:  # grow by whole sentences, after first (the sentence that follows usually completes the thought)
        grew = False
        if after < len(sentences) and sentences[after][1] - start <= limit:
            end, after, grew = sentences[after][1], after + 1, True
        if before >= 0 and end - sentences[before][0] <= limit:
            start, before, grew = sentences[before][0], before - 1, True
        if not grew:
            return start, end


def _window(text: str, spans: list[tuple[int, int]], start: int, end: int, limit: int) -> tuple[int, int]:
    """A window of one over-long sentence, around its first matched term; never cutting a term or a word."""
    first = next((a for a, b in spans if a >= start and b <= end), start)
    lo = max(start, min(first - limit // 3, end - limit))
    hi = min(end, lo + limit)
    for a, b in spans:  # a bold term is kept whole or left out (unless it is itself too long to quote)
        if b - a > limit // 2:
            continue
        if a < hi < b:
            hi = a if a > lo else min(b, end)
        if a < lo < b:
            lo = a
    lo, hi = _word_edge(text, lo, forward=True), _word_edge(text, hi, forward=False)
    return (lo, hi) if hi > lo else (start, min(end, start + limit))


def _word_edge(text: str, pos: int, *, forward: bool) -> int:
    """Move a cut off the middle of a Latin word (a few characters at most)."""
    if 0 < pos < len(text) and text[pos - 1].isascii() and text[pos - 1].isalnum() and text[pos].isascii() and text[pos].isalnum():
        step = 1 if forward else -1
        for moved in range(1, 20):
            p = pos + step * moved
            if not 0 < p < len(text):
                break
            if text[p - 1].isspace() or text[p].isspace():
                return p
    return pos


@dataclass(frozen=True)
class _Quotable:
    """A passage text made ready once: cleaned, its bold spans found, the script to show it in decided."""

    text: str
    spans: tuple[tuple[int, int], ...]
    target: Script | None  # None: shown as published

    @classmethod
    def of(cls, text: str, terms: Sequence[str], script: Script, original: bool) -> _Quotable:
        text = _clean(text).strip()
        return cls(text, tuple(_term_spans(text, terms)), _target(script, text, original))

    def runs(self, limit: int | None) -> tuple[_Run, ...]:
        """The excerpt as bold/plain runs, trimmed with … and converted to the target script run by run."""
        text, spans = self.text, list(self.spans)
        start, end = _excerpt_bounds(text, spans, limit) if limit else (0, len(text))
        runs: list[_Run] = []
        pos = start
        for a, b in spans:
            a, b = max(a, start), min(b, end)
            if b <= a:
                continue
            if a > pos:
                runs.append(_Run(text[pos:a]))
            if runs and runs[-1].bold and a == pos:  # neighbouring terms read as one bold stretch
                runs[-1] = _Run(runs[-1].text + text[a:b], bold=True)
            else:
                runs.append(_Run(text[a:b], bold=True))
            pos = b
        if pos < end:
            runs.append(_Run(text[pos:end]))
        if self.target is not None:
            runs = [_Run(to_script(run.text, self.target), run.bold) for run in runs]
        if start > 0:
            runs.insert(0, _Run(_ELLIPSIS))
        if end < len(text):
            runs.append(_Run(_ELLIPSIS))
        return tuple(runs) or (_Run(_ELLIPSIS),)


def _target(script: Script, text: str, original: bool) -> Script | None:
    """The script to convert a passage to, or None when it is shown as published (already so, or English)."""
    if original or script is Script.ENGLISH:
        return None
    found = chinese_script(text)
    return script if found is not None and found is not script else None


def is_converted(answer: Answer, script: Script) -> bool:
    """Whether a reply in this script shows some passage converted (so an "original text" button is worth offering)."""
    return answer.answered and any(_target(script, hit.passage.text, False) is not None for hit in answer.hits)


# ---------------------------------------------------------------- rendering


def _show(text: str, limit: int, target: Script | None) -> str:
    text = _shorten(text, limit)
    return to_script(text, target) if target is not None else text


def _quote_html(quote: _Quote, script: Script) -> str:
    cite, target = quote.cite, quote.target
    body = "".join(f"<b>{html_escape(r.text)}</b>" if r.bold else html_escape(r.text) for r in quote.runs)
    title = html_escape(_show(cite.title or cite.doc_id, _TITLE_CHARS, target))
    url = _safe_url(cite.url)
    details = [html_escape(p) for p in (_clean(cite.date or "")[:10], _show(cite.source or "", _SOURCE_CHARS, target)) if p]
    cite_line = " · ".join([f'<a href="{_escape_attribute(url)}">{title}</a>' if url else title, *details])
    lines = [f"<b>{quote.number}.</b>" if quote.number is not None else "", f"<blockquote>{body}</blockquote>", f"— {cite_line}"]
    if quote.also_cited:
        names = []
        for other in quote.also_cited[:_ALSO_NAMED]:
            name = html_escape(_show(other.source or other.title or other.doc_id, _SOURCE_CHARS, target))
            other_url = _safe_url(other.url)
            names.append(f'<a href="{_escape_attribute(other_url)}">{name}</a>' if other_url else name)
        lines.append(html_escape(texts_for(script).also_cited).format(count=len(quote.also_cited), sources=", ".join(names)))
    return "\n".join(line for line in lines if line)


def _quote_plain(quote: _Quote, script: Script, bold: tuple[str, str]) -> str:
    cite, target = quote.cite, quote.target
    body = "".join(f"{bold[0]}{r.text}{bold[1]}" if r.bold else r.text for r in quote.runs)
    details = [p for p in (_clean(cite.date or "")[:10], _show(cite.source or "", _SOURCE_CHARS, target)) if p]
    lines = [body if quote.number is None else f"{quote.number}. {body}"]
    lines.append("   — " + " · ".join([_show(cite.title or cite.doc_id, _TITLE_CHARS, target), *details]))
    url = _safe_url(cite.url)
    if url:
        lines.append(f"     {url}")
    if quote.also_cited:
        names = ", ".join(_show(o.source or o.title or o.doc_id, _SOURCE_CHARS, target) for o in quote.also_cited[:_ALSO_NAMED])
        lines.append("   " + texts_for(script).also_cited_text(len(quote.also_cited), names))
    return "\n".join(lines)


def _quote(source: _Quotable, passage: Passage, number: int | None, limit: int | None) -> _Quote:
    return _Quote(number, source.runs(limit), passage.cite, passage.also_cited, source.target)


def _prepare(hits: Sequence[Hit], script: Script, original: bool) -> list[tuple[_Quotable, Passage]]:
    return [(_Quotable.of(hit.passage.text, hit.matched_terms, script, original), hit.passage) for hit in hits]


def _note(script: Script, quotes: Sequence[_Quote]) -> str:
    """Say so when a quote is shown converted, so nobody takes the conversion for the published text."""
    return texts_for(script).converted_note if any(q.target is not None for q in quotes) else ""


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

    A declined answer gives the polite decline text. The result is at most `limit` UTF-16 units after
    entity parsing: long passages are trimmed further, and hits that still do not fit are left out.
    """
    texts = texts_for(script)
    if not answer.answered:
        return html_escape(texts.decline_text(answer.decline))
    question = f"<i>{html_escape(texts.question_label)}：</i>{html_escape(_shorten(answer.question, _QUESTION_CHARS))}"
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
) -> str:
    """The same reply as format_answer, as terminal text; bold terms wrapped in `bold` (e.g. ANSI codes)."""
    texts = texts_for(script)
    if not answer.answered:
        return texts.decline_text(answer.decline)
    budget = max(max_passage_chars, _MIN_PASSAGE_CHARS)
    prepared = _prepare(answer.hits, script, original)
    quotes = [_quote(src, passage, first_number + i, budget) for i, (src, passage) in enumerate(prepared)]
    note = _note(script, quotes)
    question = f"{texts.question_label}：{_shorten(answer.question, _QUESTION_CHARS)}"
    return "\n\n".join([question, *(_quote_plain(q, script, bold) for q in quotes), *([note] if note else [])])


def format_hit(hit: Hit, script: Script, *, original: bool = False, max_passage_chars: int = DEFAULT_PASSAGE_CHARS) -> str:
    """One hit as a message of its own (an inline-mode result a user shares): the quote and its source."""
    ((src, passage),) = _prepare([hit], script, original)
    budget = max(max_passage_chars, _MIN_PASSAGE_CHARS)
    while True:
        message = _quote_html(_quote(src, passage, None, budget), script)
        if telegram_length(message) <= TELEGRAM_LIMIT or budget == _MIN_PASSAGE_CHARS:
            return message
        budget = max(_MIN_PASSAGE_CHARS, budget * 3 // 4)


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
    quote = _quote(_Quotable.of(_paragraph_text(passages), terms, script, original), passages[0], None, None)
    message = f"<b>{html_escape(texts.full_paragraph_title)}</b>\n" + _quote_html(quote, script)
    note = _note(script, [quote])
    return split_message(message + (f"\n\n{html_escape(note)}" if note else ""))


def format_paragraph_plain(passages: Sequence[Passage], script: Script, *, original: bool = False) -> str:
    """The whole paragraph as terminal text."""
    texts = texts_for(script)
    if not passages:
        return texts.no_more
    quote = _quote(_Quotable.of(_paragraph_text(passages), (), script, original), passages[0], None, None)
    note = _note(script, [quote])
    return f"{texts.full_paragraph_title}\n" + _quote_plain(quote, script, ("", "")) + (f"\n\n{note}" if note else "")


# ---------------------------------------------------------------- splitting


_OpenTags = tuple[tuple[str, str], ...]  # (name, opening tag) of each tag open at a point, outermost first
_NO_TAGS: _OpenTags = ()


def split_message(message_html: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split HTML into messages of at most `limit` UTF-16 units of visible text, between tags and entities.

    A cut falls at a line break, else after a sentence end, else at a space (the last such in the second half
    of a piece), else between two characters. Tags open at a cut are closed before it and opened again after
    it, so every piece is well-formed.
    """
    if telegram_length(message_html) <= limit:
        return [message_html]
    atoms = _HTML_ATOM.findall(message_html)
    pieces: list[str] = []
    start, stack = 0, _NO_TAGS
    while start < len(atoms):
        cut, stack_at_cut = _next_cut(atoms, start, stack, limit)
        piece = "".join(opening for _, opening in stack) + "".join(atoms[start:cut])
        piece += "".join(f"</{name}>" for name, _ in reversed(stack_at_cut))
        if visible_text(piece).strip():
            pieces.append(piece)
        start, stack = cut, stack_at_cut
    return pieces


def _next_cut(atoms: list[str], start: int, stack: _OpenTags, limit: int) -> tuple[int, _OpenTags]:
    """Where the piece starting at atoms[start] ends, and the tags open there."""
    length = 0
    best: tuple[int, int, int, _OpenTags] | None = None  # (priority, index, length, stack)
    i = start
    while i < len(atoms):
        atom = atoms[i]
        if atom.startswith("<"):
            tag = re.match(r"</?\s*([a-zA-Z0-9-]*)", atom)
            name = tag.group(1).lower() if tag else ""
            if atom.startswith("</"):
                if stack and stack[-1][0] == name:
                    stack = stack[:-1]
            elif not atom.endswith("/>"):
                stack = (*stack, (name, atom))
            i += 1
            continue
        char = html.unescape(atom)
        width = utf16_len(char)
        if length + width > limit and i > start:
            if best is not None:
                return best[1], best[3]
            return i, stack
        length += width
        i += 1
        priority = 3 if char == "\n" else 2 if char in "。！？!?；;." else 1 if char.isspace() else 0
        # Prefer the strongest break in the second half of the piece; before that, the latest of any kind.
        if priority and (best is None or length * 2 < limit or best[2] * 2 < limit or priority >= best[0]):
            best = (priority, i, length, stack)
    return len(atoms), stack
