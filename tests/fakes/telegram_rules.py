"""The checks the Bot API makes on what a bot sends: message text, inline keyboards, inline results, commands.

Pure functions; each raises ``Rejected(description)`` with the description Telegram answers (the part after
``"description":`` in ``{"ok": false, "error_code": 400, ...}``). The text rules follow tdlib's ``fix_formatted_text``
(``td/telegram/MessageEntity.cpp``): control characters become spaces, ``\\r`` and some invisible marks are removed,
spaces and newlines are trimmed at both ends, and a text with nothing left is empty. The length limit is counted in
UTF-16 code units, Telegram's unit for offsets, which is at least the number of characters: a text that passes here
passes Telegram's character count too.

Also here: ``find_entities``, the bot_command and mention entities Telegram adds to a user's message (tdlib's
``match_bot_commands`` and ``match_mentions``), so a pushed "/start" reaches python-telegram-bot's CommandHandler.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from tests.fakes.telegram_html import EntityParseError, parse_html, utf16_len

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_INLINE_RESULTS = 50
CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
     "choose_sticker", "find_location", "record_video_note", "upload_video_note"}
)
# Exactly one of these makes an inline keyboard button do something.
_BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text", "callback_game",
                   "pay")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
# Removed by tdlib's clean_input_string: \r, U+2028..U+202E (line/paragraph separators, bidi overrides), and three
# combining marks that draw vertical lines.
_REMOVED = frozenset("\r\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u0333\u033f\u030a")
_CONTROL_TO_SPACE = frozenset(chr(c) for c in range(32) if chr(c) not in "\n\r")


class Rejected(ValueError):
    """What Telegram refuses, with its description (e.g. ``Bad Request: message is too long``) and HTTP status."""

    def __init__(self, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.description = description
        self.status = status


def _utf16_offsets(text: str) -> list[int]:
    """UTF-16 offset of each character of ``text``, plus the total at the end."""
    offsets, total = [], 0
    for ch in text:
        offsets.append(total)
        total += 2 if ord(ch) > 0xFFFF else 1
    offsets.append(total)
    return offsets


def _reshape(text: str, entities: list[dict], keep: list[bool]) -> tuple[str, list[dict]]:
    """Drop the characters not kept and move the entities with them; entities left empty disappear."""
    new_at: list[int] = []  # new UTF-16 offset for each old UTF-16 offset
    count = 0
    for ch, kept in zip(text, keep, strict=True):
        width = 2 if ord(ch) > 0xFFFF else 1
        new_at.extend(count + (k if kept else 0) for k in range(width))
        count += width if kept else 0
    new_at.append(count)
    moved = []
    for entity in entities:
        start, end = entity["offset"], entity["offset"] + entity["length"]
        if start >= len(new_at):
            continue
        new_start, new_end = new_at[start], new_at[min(end, len(new_at) - 1)]
        if new_end > new_start:
            moved.append({**entity, "offset": new_start, "length": new_end - new_start})
    return "".join(ch for ch, kept in zip(text, keep, strict=True) if kept), moved


def clean_text(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Apply tdlib's cleaning and trimming; raise Rejected when the text is not UTF-8 or nothing is left."""
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise Rejected("Bad Request: strings must be encoded in UTF-8")
    text = "".join(" " if ch in _CONTROL_TO_SPACE else ch for ch in text)
    text, entities = _reshape(text, entities, [ch not in _REMOVED for ch in text])
    stripped = text.rstrip(" \n")
    if not stripped:
        raise Rejected("Bad Request: message text is empty")
    # Leading spaces are trimmed only up to the first entity, as tdlib does.
    first_entity = min((e["offset"] for e in entities), default=utf16_len(text))
    offsets = _utf16_offsets(text)
    lead = 0
    while lead < len(text) and text[lead] in " \n" and offsets[lead] < first_entity:
        lead += 1
    keep = [lead <= i < len(stripped) for i in range(len(text))]
    return _reshape(text, entities, keep)


def check_entities(entities: object, text: str) -> list[dict]:
    """Validate explicit ``entities`` sent with a text (instead of a parse mode)."""
    if isinstance(entities, str):
        try:
            entities = json.loads(entities)
        except ValueError:
            raise Rejected("Bad Request: can't parse entities JSON object") from None
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise Rejected("Bad Request: can't parse entities JSON object")
    length = utf16_len(text)
    for entity in entities:
        offset, size = entity.get("offset"), entity.get("length")
        if not isinstance(entity.get("type"), str) or not isinstance(offset, int) or not isinstance(size, int):
            raise Rejected('Bad Request: can\'t parse MessageEntity: Field "type", "offset" or "length" is missing')
        if offset < 0 or size < 0 or offset + size > length:
            raise Rejected(f"Bad Request: entity beginning at UTF-16 offset {offset} ends after the end of the text "
                           f"at UTF-16 offset {offset + size}")
    return [dict(e) for e in entities if e["length"] > 0]


def prepare_text(text: object, *, parse_mode: object = None, entities: object = None, strict_html: bool = False,
                 max_length: int = MAX_TEXT_LENGTH) -> tuple[str, list[dict]]:
    """The text and entities Telegram would store for a sent or edited message, or Rejected with Telegram's reason."""
    if not isinstance(text, str) or not text:
        raise Rejected("Bad Request: message text is empty")
    mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
    if mode == "html":
        try:
            plain, found = parse_html(text, strict=strict_html)
        except EntityParseError as exc:
            raise Rejected(f"Bad Request: can't parse entities: {exc.reason}") from None
    elif mode in ("markdown", "markdownv2"):
        raise Rejected(f"Bad Request: the fake Bot API server does not implement parse_mode {parse_mode}")
    elif mode:
        raise Rejected("Bad Request: unsupported parse_mode")
    else:
        plain, found = text, check_entities(entities, text) if entities is not None else []
    plain, found = clean_text(plain, found)
    if utf16_len(plain) > max_length:
        raise Rejected("Bad Request: message is too long")
    return plain, found


def check_reply_markup(markup: object) -> dict | None:
    """Validate an inline keyboard (the only markup the fake knows) and return it as a dict."""
    if markup is None:
        return None
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError:
            raise Rejected("Bad Request: can't parse reply keyboard markup JSON object") from None
    if not isinstance(markup, dict):
        raise Rejected("Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if any(key in markup for key in ("keyboard", "remove_keyboard", "force_reply")):
            return markup  # a reply keyboard: accepted, not checked further
        raise Rejected("Bad Request: can't parse reply keyboard markup JSON object")
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise Rejected("Bad Request: field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
    for row in rows:
        for button in row:
            _check_button(button)
    return markup


def _check_button(button: object) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise Rejected("Bad Request: can't parse inline keyboard button: Field \"text\" must be of type String")
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise Rejected("Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline "
                       "keyboard")
    if not button["text"].strip():
        raise Rejected("Bad Request: BUTTON_TEXT_INVALID")
    data = button.get("callback_data")
    if "callback_data" in button and (not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64):
        raise Rejected("Bad Request: BUTTON_DATA_INVALID")
    url = button.get("url")
    if "url" in button and (not isinstance(url, str) or not re.match(r"(https?|tg)://\S+$", url)):
        raise Rejected("Bad Request: BUTTON_URL_INVALID")


def callback_data_in(markup: dict | None) -> set[str]:
    """Every callback_data on the buttons of ``markup``."""
    rows = (markup or {}).get("inline_keyboard") or []
    return {b["callback_data"] for row in rows for b in row if isinstance(b, dict) and "callback_data" in b}


def check_inline_results(results: object, *, strict_html: bool = False) -> list[dict]:
    """Validate answerInlineQuery's ``results``: at most 50, unique ids, each message text as sendMessage checks it."""
    if isinstance(results, str):
        try:
            results = json.loads(results)
        except ValueError:
            raise Rejected("Bad Request: can't parse JSON encoded inline query results") from None
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise Rejected("Bad Request: field \"results\" must be an Array")
    if len(results) > MAX_INLINE_RESULTS:
        raise Rejected("Bad Request: RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise Rejected("Bad Request: RESULT_ID_INVALID")
        if result_id in seen:
            raise Rejected("Bad Request: RESULT_ID_DUPLICATE")
        seen.add(result_id)
        if result.get("type") == "article" and not result.get("title"):
            raise Rejected("Bad Request: can't parse inline query result: Field \"title\" must be of type String")
        content = result.get("input_message_content")
        if result.get("type") == "article" and not isinstance(content, dict):
            raise Rejected("Bad Request: can't parse inline query result: Field \"input_message_content\" must be of "
                           "type Object")
        if isinstance(content, dict) and "message_text" in content:
            prepare_text(content.get("message_text"), parse_mode=content.get("parse_mode"),
                         entities=content.get("entities"), strict_html=strict_html)
        check_reply_markup(result.get("reply_markup"))
    return results


def check_commands(commands: object) -> list[dict]:
    """Validate setMyCommands' ``commands`` (1-32 of a-z, 0-9, _; a description of 1-256 characters; at most 100)."""
    if isinstance(commands, str):
        try:
            commands = json.loads(commands)
        except ValueError:
            raise Rejected("Bad Request: can't parse commands JSON object") from None
    if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
        raise Rejected("Bad Request: field \"commands\" must be an Array")
    if len(commands) > 100:
        raise Rejected("Bad Request: BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        name, description = command.get("command"), command.get("description")
        if not isinstance(name, str) or not _COMMAND.fullmatch(name.lower()):
            raise Rejected("Bad Request: BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise Rejected("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
    return [{"command": c["command"].lower(), "description": c["description"]} for c in commands]


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def find_entities(text: str) -> list[dict]:
    """The bot_command and mention entities Telegram detects in a user's message text."""
    offsets = _utf16_offsets(text)
    found: list[dict] = []
    for match in re.finditer(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?", text, flags=re.ASCII):
        start, end = match.span()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if (before and (_is_word(before) or before in "/<>")) or (after and (_is_word(after) or after in "/<>@")):
            continue
        found.append({"type": "bot_command", "offset": offsets[start], "length": offsets[end] - offsets[start]})
    for match in re.finditer(r"@[A-Za-z0-9_]{2,32}", text, flags=re.ASCII):
        start, end = match.span()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if (before and _is_word(before)) or (after and _is_word(after)):
            continue
        if any(e["offset"] <= offsets[start] < e["offset"] + e["length"] for e in found):
            continue  # the @botname of a /command@botname
        found.append({"type": "mention", "offset": offsets[start], "length": offsets[end] - offsets[start]})
    return sorted(found, key=lambda e: e["offset"])


def plain_texts(entities: Iterable[dict], text: str) -> list[str]:
    """The text each entity covers (offsets in UTF-16), for tests that read entities back."""
    encoded = text.encode("utf-16-le")
    return [encoded[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le") for e in entities]
