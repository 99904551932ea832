"""Telegram's rules for message text: what it may carry, how it is escaped, how its length is counted, how a long
message is split. Pure functions, no I/O.

Decision 6 of DESIGN.md: everything that comes from a user or the corpus is HTML-escaped, a message stays within
Telegram's 4096 characters (counted as Telegram counts: UTF-16 code units of the text after entity parsing), and a
long text is split between tags, never inside one. Only tags and entities Telegram knows are produced (`b`, `i`,
`a href`, `blockquote`; `&lt; &gt; &amp; &quot;`).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote as percent_encode

TELEGRAM_LIMIT = 4096
ELLIPSIS = "…"

_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_URL_SAFE = ":/?#[]@!$&()*+,;=%~-._"  # RFC 3986 reserved and unreserved characters; the rest is percent-encoded
_MAX_URL = 2000
# Telegram's HTML: a tag, one of the entities we emit (or any numeric one), or a run of plain text.
_HTML_ATOM = re.compile(r"<[^>]*>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);|.", re.DOTALL)


# Unicode's control characters (category Cc: U+0000-001F, U+007F-009F) but newline and tab, and surrogates (Cs).
_UNCARRIABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def carriable(text: str) -> str:
    """Drop what Telegram cannot carry: control characters (newline and tab kept) and lone surrogates."""
    return _UNCARRIABLE.sub("", text)


def shorten(text: str, limit: int) -> str:
    """Text on one line (whitespace collapsed), cut to `limit` characters with … where it was longer."""
    text = " ".join(carriable(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def html_escape(text: str) -> str:
    """Escape text for Telegram HTML: &, < and > only (quotes need no escaping outside attributes)."""
    # Text content needs only <, > and & escaped; quote=False keeps the output free of entities Telegram lacks.
    return html.escape(text, quote=False)


def escape_attribute(text: str) -> str:
    """Escape text for a double-quoted attribute value (an href)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def safe_url(url: str | None) -> str | None:
    """A url fit for an href: http(s) only, bounded, quotes and other unsafe characters percent-encoded; else None."""
    if not url:
        return None
    url = percent_encode(carriable(url).strip(), safe=_URL_SAFE)
    if len(url) > _MAX_URL or not _URL.fullmatch(url):
        return None
    return url


def visible_text(message_html: str) -> str:
    """The text Telegram shows for an HTML message: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", message_html))


def telegram_length(message_html: str) -> int:
    """A message's length after entity parsing, in UTF-16 code units: what Telegram's 4096 limit counts."""
    return utf16_len(visible_text(message_html))


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
