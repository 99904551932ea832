"""Telegram's HTML parse mode: text with tags → plain text and message entities, or the error Telegram gives.

A line-by-line port of ``parse_html`` and ``decode_html_entity`` in tdlib (``td/telegram/MessageEntity.cpp``), the code
the Bot API server runs for ``parse_mode=HTML``, so the fake server rejects exactly what Telegram rejects, with the
same reason after ``Bad Request: can't parse entities:``. Offsets in the reasons are UTF-8 byte offsets, entity offsets
and lengths are UTF-16 code units, as in Telegram.

What tdlib accepts and this port accepts too (Telegram is lenient): a bare ``&`` that starts no entity, a bare ``>``,
an unknown attribute on a known tag, ``</>`` closing the innermost tag. ``strict=True`` additionally rejects an
unescaped ``&`` or ``>`` and an attribute that Telegram would ignore: the Bot API documentation requires those to be
escaped, and a bot that leaves them raw has not escaped its text, so a quoted ``&lt;`` would reach the user as ``<``.

Not ported: the final ``fix_entities`` pass (Telegram splits intersecting bold/italic runs; tags parsed here are
properly nested, so nothing intersects) and the link checker's normalisation of URLs (an ``href`` is kept as given,
with ``http://`` added when it has no scheme; an ``href`` that is not a link drops the entity, as in Telegram).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

SUPPORTED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji", "span", "pre", "code",
     "blockquote"}
)
# The attributes each tag reads; anything else is ignored by Telegram (rejected in strict mode).
_TAG_ATTRIBUTES = {
    "a": {"href"}, "code": {"class"}, "span": {"class"}, "tg-emoji": {"emoji-id"}, "blockquote": {"expandable"},
}
_SIMPLE_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "u": "underline", "ins": "underline", "tg-spoiler": "spoiler", "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# tdlib's is_space: the C string's terminating NUL counts as a space, which is how the end of text is detected.
_SPACES = frozenset(" \t\r\n\0\v")
_ASCII_ALPHA = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_HEX = frozenset("0123456789abcdefABCDEF")
_NAME_TOKEN = _ASCII_ALPHA | _DIGITS | {".", "-"}
_LINK_SCHEMES = frozenset({"http", "https", "tg", "ton", "tonsite"})
# tdlib's sort_entities breaks ties between entities of equal span by a type priority.
_PRIORITY = {
    "bold": 90, "italic": 91, "underline": 92, "strikethrough": 93, "spoiler": 94, "custom_emoji": 99, "code": 20,
    "pre": 11, "text_link": 49, "text_mention": 49, "blockquote": 0, "expandable_blockquote": 0,
}


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; ``reason`` is tdlib's wording (after "can't parse entities: ")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram's offsets and length limits."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _lower(text: str) -> str:
    # tdlib's to_lower touches ASCII letters only.
    return "".join(ch.lower() if ch in _ASCII_ALPHA else ch for ch in text)


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """The character an ``&...`` at ``pos`` stands for and the position after it, or None when it is no entity."""
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        code = 0
        hexadecimal = end < n and text[end] == "x"
        digits = _HEX if hexadecimal else _DIGITS
        end += hexadecimal
        while end < n and text[end] in digits:
            code = code * (16 if hexadecimal else 10) + int(text[end], 16)
            end += 1
            if code >= 0x10FFFF:
                return None
        if code == 0 or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while end < n and text[end] in _ASCII_ALPHA:
            end += 1
        named = _NAMED_ENTITIES.get(text[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and text[end] == ";":
        end += 1
    return char, end


def _checked_link(url: str) -> str | None:
    """The link a text_link entity gets, or None where Telegram drops the entity (not a link)."""
    url = url.strip()
    if not url or any(ch in _SPACES or ch in "<>" for ch in url):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
        if not scheme or "://" not in url and scheme not in ("tg", "ton"):
            url, scheme = "http://" + url, "http"
        parts = urlsplit(url)
        _ = parts.port  # "javascript:alert(1)" reads as host "javascript" with a bad port: no link, as in tdlib
    except ValueError:
        return None
    if scheme not in _LINK_SCHEMES or (scheme in ("http", "https") and not parts.hostname):
        return None
    return url


def _user_id_of(url: str) -> int | None:
    """The user id in a ``tg://user?id=N`` link (a text_mention), as tdlib's LinkManager::get_link_user_id reads it."""
    prefix = "tg://user?id="
    if url.lower().startswith(prefix) and url[len(prefix) :].isdigit() and url[len(prefix) :].isascii():
        return int(url[len(prefix) :]) or None
    return None


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the plain text where the tag's content starts
    plain_start: int  # index in the plain-text buffer where the tag's content starts


class _Parser:
    """One parse of one text; mirrors tdlib's single loop over the bytes, with positions in code points."""

    def __init__(self, text: str, strict: bool) -> None:
        self.text = text
        self.strict = strict
        self.plain: list[str] = []
        self.utf16 = 0
        self.entities: list[dict] = []
        self.stack: list[_OpenTag] = []

    def at(self, i: int) -> str:
        return self.text[i] if i < len(self.text) else "\0"

    def byte_offset(self, i: int) -> int:
        return len(self.text[:i].encode("utf-8", "surrogatepass"))

    def fail(self, reason: str) -> EntityParseError:
        return EntityParseError(reason)

    def emit(self, char: str) -> None:
        self.plain.append(char)
        self.utf16 += 2 if ord(char) > 0xFFFF else 1

    def run(self) -> tuple[str, list[dict]]:
        text, i = self.text, 0
        while i < len(text):
            ch = text[i]
            if ch == "&":
                decoded = _decode_entity(text, i)
                if decoded is not None:
                    char, i = decoded
                    if 0xD800 <= ord(char) <= 0xDFFF:
                        raise self.fail(
                            "Text contains invalid Unicode characters after decoding HTML entities, check for "
                            "unmatched surrogate code units"
                        )
                    self.emit(char)
                    continue
                if self.strict:
                    raise self.fail(f'Unescaped "&" at byte offset {self.byte_offset(i)} (strict check of the fake '
                                    "server: Telegram's documentation requires &amp;)")
            elif ch == ">" and self.strict:
                raise self.fail(f'Unescaped ">" at byte offset {self.byte_offset(i)} (strict check of the fake '
                                "server: Telegram's documentation requires &gt;)")
            if ch != "<":
                self.emit(ch)
                i += 1
                continue
            i = self.start_tag(i) if self.at(i + 1) != "/" else self.end_tag(i)
        if self.stack:
            raise self.fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"], _PRIORITY[e["type"]]))
        return "".join(self.plain), self.entities

    def start_tag(self, begin: int) -> int:
        """Parse ``<name attr=value ...>`` at ``begin``; return the position after ``>``."""
        at, where = self.at, self.byte_offset(begin)
        i = begin + 1
        while at(i) not in _SPACES and at(i) != ">":
            i += 1
        if i >= len(self.text) or at(i) == "\0":
            raise self.fail(f"Unclosed start tag at byte offset {where}")
        name = _lower(self.text[begin + 1 : i])
        if name not in SUPPORTED_TAGS:
            raise self.fail(f'Unsupported start tag "{name}" at byte offset {where}')
        argument = ""
        while at(i) != ">":
            while at(i) != "\0" and at(i) in _SPACES:
                i += 1
            if at(i) == ">":
                break
            attr_begin = i
            while at(i) not in _SPACES and at(i) not in "=>/\"'":
                i += 1
            attribute = self.text[attr_begin:i]
            if not attribute:
                raise self.fail(f'Empty attribute name in the tag "{name}" at byte offset {where}')
            self.check_attribute(name, attribute, where)
            while at(i) != "\0" and at(i) in _SPACES:
                i += 1
            if at(i) != "=":
                if at(i) == "\0":
                    raise self.fail(f'Unclosed start tag "{name}" at byte offset {where}')
                if name == "blockquote" and attribute == "expandable":
                    argument = "1"
                continue
            i += 1
            while at(i) != "\0" and at(i) in _SPACES:
                i += 1
            if at(i) == "\0":
                raise self.fail(f'Unclosed start tag "{name}" at byte offset {where}')
            value, i = self.attribute_value(i)
            if at(i) == "\0":
                raise self.fail(f"Unclosed start tag at byte offset {where}")
            if name == "a" and attribute == "href":
                argument = value
            elif name == "code" and attribute == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif name == "span" and attribute == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif name == "tg-emoji" and attribute == "emoji-id":
                argument = value
            elif name == "blockquote" and attribute == "expandable":
                argument = "1"
        if name == "span" and argument != "spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {where}')
        self.stack.append(_OpenTag(name, argument, self.utf16, len(self.plain)))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        """Parse an unquoted name token or a quoted string at ``i``; return it and the position after it."""
        at = self.at
        if at(i) not in "'\"":
            # A name token (letters, digits, periods, hyphens), not case sensitive.
            begin = i
            while at(i) in _NAME_TOKEN:
                i += 1
            if at(i) not in _SPACES and at(i) != ">":
                raise self.fail(f"Unexpected end of name token at byte offset {self.byte_offset(begin)}")
            return _lower(self.text[begin:i]), i
        quote = at(i)
        i += 1
        value: list[str] = []
        while at(i) != quote and at(i) != "\0":
            if at(i) == "&":
                decoded = _decode_entity(self.text, i)
                if decoded is not None:
                    value.append(decoded[0])
                    i = decoded[1]
                    continue
            value.append(at(i))
            i += 1
        if at(i) == quote:
            i += 1
        return "".join(value), i

    def check_attribute(self, tag: str, attribute: str, where: int) -> None:
        if self.strict and attribute not in _TAG_ATTRIBUTES.get(tag, set()):
            raise self.fail(f'Unsupported attribute "{attribute}" in the tag "{tag}" at byte offset {where} (strict '
                            "check of the fake server: Telegram ignores it)")

    def end_tag(self, begin: int) -> int:
        """Parse ``</name>`` at ``begin`` and close the innermost open tag; return the position after ``>``."""
        at, where = self.at, self.byte_offset(begin)
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {where}")
        i = begin + 1
        while at(i) not in _SPACES and at(i) != ">":
            i += 1
        end_name = _lower(self.text[begin + 2 : i])
        while at(i) in _SPACES and at(i) != "\0":
            i += 1
        if at(i) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {where}")
        tag = self.stack[-1]
        if end_name and end_name != tag.name:
            raise self.fail(f'Unmatched end tag at byte offset {where}, expected "</{tag.name}>", '
                            f'found "</{end_name}>"')
        if self.utf16 > tag.offset:
            self.close(tag)
        self.stack.pop()
        return i + 1

    def close(self, tag: _OpenTag) -> None:
        """Turn a closed, non-empty tag into its entity, with tdlib's pre/code merging."""
        span = {"offset": tag.offset, "length": self.utf16 - tag.offset}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and last["offset"] == span["offset"] and last["length"] == span["length"]
        if tag.name in _SIMPLE_TYPES:
            self.entities.append({"type": _SIMPLE_TYPES[tag.name], **span})
        elif tag.name == "tg-emoji":
            if not (tag.argument.isascii() and tag.argument.lstrip("-").isdigit()) or int(tag.argument) == 0 \
                    or not -(2**63) <= int(tag.argument) < 2**63:
                raise self.fail("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})
        elif tag.name == "a":
            url = tag.argument or "".join(self.plain[tag.plain_start :])
            user_id = _user_id_of(url)
            checked = _checked_link(url)
            if user_id is not None:
                self.entities.append({"type": "text_mention", **span, "user": {"id": user_id, "is_bot": False,
                                                                               "first_name": ""}})
            elif checked is not None:
                self.entities.append({"type": "text_link", **span, "url": checked})
        elif tag.name == "pre":
            if last is not None and same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                self.entities.append({"type": "pre", **span})
        elif tag.name == "code":
            if last is not None and same_span and last["type"] == "pre" and tag.argument:
                last["language"] = tag.argument
            else:
                self.entities.append({"type": "code", **span, "language": tag.argument})
        elif tag.name == "blockquote":
            self.entities.append({"type": "expandable_blockquote" if tag.argument else "blockquote", **span})


def parse_html(text: str, *, strict: bool = False) -> tuple[str, list[dict]]:
    """Parse ``text`` as Telegram HTML: the plain text and its entities (Bot API MessageEntity dicts).

    Raises EntityParseError with Telegram's reason where Telegram answers ``400 Bad Request: can't parse entities``.
    ``strict`` also rejects what Telegram tolerates but its documentation forbids (see the module docstring).
    """
    return _Parser(text, strict).run()
