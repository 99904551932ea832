"""The Bot API methods the fake server answers, each a function of the server's World and the call's parameters.

A method returns the ``result`` Telegram would return, or raises ``Rejected`` with Telegram's description. getUpdates
is not here: it waits, so ``FakeBotApi`` runs it under its lock. Method names are case-insensitive, as in Telegram.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from tests.fakes.bot_api_world import World
from tests.fakes.telegram_rules import (
    CHAT_ACTIONS,
    MAX_CALLBACK_ANSWER_LENGTH,
    Rejected,
    check_commands,
    check_inline_results,
    check_reply_markup,
    prepare_text,
)

Params = dict[str, Any]
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _int(params: Params, name: str, missing: str) -> int:
    value = params.get(name)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Rejected(f"Bad Request: {missing}")
    return value


def _json(params: Params, name: str) -> Any:
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise Rejected(f"Bad Request: can't parse {name} JSON object") from None
    return value


def _flag(params: Params, name: str) -> bool:
    value = params.get(name)
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def _message_content(params: Params, world: World, *, strict_html: bool) -> dict[str, Any]:
    text, entities = prepare_text(params.get("text"), parse_mode=params.get("parse_mode"),
                                  entities=_json(params, "entities"), strict_html=strict_html)
    markup = check_reply_markup(_json(params, "reply_markup"))
    inline = markup if markup is not None and "inline_keyboard" in markup else None
    return {"text": text, "entities": entities or None, "reply_markup": inline}


def send_message(world: World, params: Params, *, strict_html: bool) -> dict[str, Any]:
    """sendMessage: check the text and keyboard, store the message, return it."""
    chat = world.resolve_chat(params.get("chat_id"))
    content = _message_content(params, world, strict_html=strict_html)
    reply = _json(params, "reply_parameters") or {}
    if not isinstance(reply, dict):
        raise Rejected("Bad Request: can't parse reply parameters JSON object")
    reply_id = reply.get("message_id", params.get("reply_to_message_id"))
    reply_to = None
    if reply_id is not None:
        reply_id = _int({"id": reply_id}, "id", "message to be replied not found")
        target = world.find_message(chat["id"], reply_id)
        lenient = reply.get("allow_sending_without_reply") or _flag(params, "allow_sending_without_reply")
        if target is None and not lenient:
            raise Rejected("Bad Request: message to be replied not found")
        if target is not None:
            reply_to = world.reply_target(chat["id"], reply_id)
    return world.new_message(chat, world.bot_user, reply_to_message=reply_to, **content)


def _editable(world: World, params: Params) -> dict[str, Any] | None:
    """The stored bot message an edit targets, or None for a message sent via inline mode (inline_message_id)."""
    if params.get("inline_message_id"):
        return None
    chat = world.resolve_chat(params.get("chat_id"))
    message_id = _int(params, "message_id", "message identifier is not specified")
    message = world.find_message(chat["id"], message_id)
    if message is None:
        raise Rejected("Bad Request: message to edit not found")
    if message["from"]["id"] != world.bot_user["id"]:
        raise Rejected("Bad Request: message can't be edited")
    return message


def edit_message_text(world: World, params: Params, *, strict_html: bool) -> dict[str, Any] | bool:
    """editMessageText: the new text replaces the old one and the keyboard (an edit without one removes it)."""
    message = _editable(world, params)
    content = _message_content(params, world, strict_html=strict_html)
    if message is None:
        return True
    if "text" not in message:
        raise Rejected("Bad Request: there is no text in the message to edit")
    before = {k: message.get(k) for k in ("text", "entities", "reply_markup")}
    if before == content:
        raise Rejected(NOT_MODIFIED)
    message.update(content)
    for key in [k for k, v in content.items() if v is None]:
        message.pop(key, None)
    message["edit_date"] = world.now()
    return copy.deepcopy(message)


def edit_message_reply_markup(world: World, params: Params, *, strict_html: bool) -> dict[str, Any] | bool:
    """editMessageReplyMarkup: replace or (without reply_markup) remove the inline keyboard."""
    message = _editable(world, params)
    markup = check_reply_markup(_json(params, "reply_markup"))
    if message is None:
        return True
    if message.get("reply_markup") == markup:
        raise Rejected(NOT_MODIFIED)
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup
    message["edit_date"] = world.now()
    return copy.deepcopy(message)


def _close_query(world: World, params: Params, name: str, kind: str) -> None:
    query_id = params.get(name)
    if world.open_queries.get(str(query_id)) != kind:
        raise Rejected(QUERY_TOO_OLD)
    del world.open_queries[str(query_id)]


def answer_callback_query(world: World, params: Params, *, strict_html: bool) -> bool:
    """answerCallbackQuery: once per query, a notification text of at most 200 characters."""
    text = params.get("text")
    if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
        raise Rejected("Bad Request: MESSAGE_TOO_LONG")
    _close_query(world, params, "callback_query_id", "callback_query")
    return True


def answer_inline_query(world: World, params: Params, *, strict_html: bool) -> bool:
    """answerInlineQuery: once per query; results checked as Telegram checks them."""
    check_inline_results(params.get("results"), strict_html=strict_html)
    next_offset = params.get("next_offset")
    if isinstance(next_offset, str) and len(next_offset.encode("utf-8")) > 64:
        raise Rejected("Bad Request: NEXT_OFFSET_INVALID")
    _close_query(world, params, "inline_query_id", "inline_query")
    return True


def send_chat_action(world: World, params: Params, *, strict_html: bool) -> bool:
    """sendChatAction: a known chat and one of Telegram's action names."""
    world.resolve_chat(params.get("chat_id"))
    if params.get("action") not in CHAT_ACTIONS:
        raise Rejected("Bad Request: wrong parameter action in request")
    return True


def _commands_key(params: Params) -> tuple[str, str]:
    scope = _json(params, "scope") or {"type": "default"}
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise Rejected("Bad Request: can't parse BotCommandScope JSON object")
    language = params.get("language_code") or ""
    if not isinstance(language, str) or not re.fullmatch(r"([a-z]{2})?", language):
        raise Rejected("Bad Request: invalid language code specified")
    return json.dumps(scope, sort_keys=True), language


def set_my_commands(world: World, params: Params, *, strict_html: bool) -> bool:
    """setMyCommands: store the list for its scope and language."""
    world.commands[_commands_key(params)] = check_commands(params.get("commands"))
    return True


def get_my_commands(world: World, params: Params, *, strict_html: bool) -> list[dict[str, Any]]:
    """getMyCommands: the list stored for that scope and language (empty when none)."""
    return copy.deepcopy(world.commands.get(_commands_key(params), []))


def delete_my_commands(world: World, params: Params, *, strict_html: bool) -> bool:
    """deleteMyCommands: forget the list for that scope and language."""
    world.commands.pop(_commands_key(params), None)
    return True


def get_me(world: World, params: Params, *, strict_html: bool) -> dict[str, Any]:
    """getMe: the bot's own User, with the bot-only flags."""
    # The fake delivers every group message a test pushes, as Telegram does for a bot with privacy mode off.
    return {**world.bot_user, "can_join_groups": True, "can_read_all_group_messages": True,
            "supports_inline_queries": True, "can_connect_to_business": False, "has_main_web_app": False}


def get_file(world: World, params: Params, *, strict_html: bool) -> dict[str, Any]:
    """getFile: a File whose file_path the client appends to the file URL."""
    stored = world.files.get(str(params.get("file_id")))
    if stored is None:
        raise Rejected("Bad Request: invalid file_id")
    if len(stored.content) > MAX_DOWNLOAD_BYTES:
        raise Rejected("Bad Request: file is too big")
    return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": len(stored.content),
            "file_path": stored.file_path}


def close(world: World, params: Params, *, strict_html: bool) -> bool:
    """close: accepted (Telegram closes the bot instance before moving it)."""
    return True


def log_out(world: World, params: Params, *, strict_html: bool) -> bool:
    """logOut: accepted."""
    return True


def check_webhook(params: Params) -> tuple[str, str | None]:
    """The URL and secret of a setWebhook call, or Rejected. Unlike Telegram, plain http is accepted (no TLS here)."""
    url = params.get("url") or ""
    if not isinstance(url, str) or (url and not re.match(r"https?://[^/\s]+(/\S*)?$", url)):
        raise Rejected("Bad Request: bad webhook: Wrong HTTP URL specified")
    secret = params.get("secret_token")
    if secret is not None and (not isinstance(secret, str) or not _SECRET_TOKEN.fullmatch(secret)):
        raise Rejected("Bad Request: secret token contains unallowed characters")
    return url, secret


Method = Callable[..., Any]
METHODS: dict[str, tuple[str, Method]] = {
    name.lower(): (name, fn)
    for name, fn in {
        "getMe": get_me, "sendMessage": send_message, "editMessageText": edit_message_text,
        "editMessageReplyMarkup": edit_message_reply_markup, "answerCallbackQuery": answer_callback_query,
        "answerInlineQuery": answer_inline_query, "sendChatAction": send_chat_action,
        "setMyCommands": set_my_commands, "getMyCommands": get_my_commands, "deleteMyCommands": delete_my_commands,
        "getFile": get_file, "close": close, "logOut": log_out,
    }.items()
}
# Handled by FakeBotApi itself: they wait, or touch the update queue and webhook delivery.
SERVER_METHODS = {name.lower(): name for name in ("getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo")}
# Calls that sent or changed something a user sees, counted by FakeBotApi.accepted().
MESSAGE_METHODS = ("sendMessage", "editMessageText", "editMessageReplyMarkup")
# Calls that address one chat, refused with 403 when the user blocked the bot.
CHAT_METHODS = frozenset({"sendmessage", "editmessagetext", "editmessagereplymarkup", "sendchataction"})
