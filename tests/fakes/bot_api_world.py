"""What the fake Bot API server remembers: users, chats, messages, files and the queue of updates.

Plain state with no locking and no HTTP; ``FakeBotApi`` holds the lock and calls in. Objects are the Bot API's JSON
dicts (User, Chat, Message, Update, File), built the way Telegram builds them, so python-telegram-bot parses them.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.telegram_html import utf16_len
from tests.fakes.telegram_rules import MAX_TEXT_LENGTH, Rejected, clean_text, find_entities

# Update kinds Telegram sends when allowed_updates is empty or never given (it leaves these three out).
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class StoredFile:
    """A file the fake serves through getFile and the file URL."""

    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str


@dataclass
class World:
    """The server's memory. Not thread-safe: the caller holds the lock."""

    bot_user: dict[str, Any]
    clock: Callable[[], float]
    first_update_id: int = 1
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    chats: dict[int | str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    bot_messages: list[tuple[int, int]] = field(default_factory=list)
    next_message_id: dict[int, int] = field(default_factory=dict)
    pushed: dict[int, dict[str, Any]] = field(default_factory=dict)
    pending: list[dict[str, Any]] = field(default_factory=list)
    confirmed_offset: int = 0
    allowed_updates: frozenset[str] = frozenset()
    files: dict[str, StoredFile] = field(default_factory=dict)
    files_by_path: dict[str, StoredFile] = field(default_factory=dict)
    open_queries: dict[str, str] = field(default_factory=dict)  # query id → "callback_query" or "inline_query"
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.next_update_id = self.first_update_id

    def now(self) -> int:
        return int(self.clock())

    # -- users and chats ------------------------------------------------------------------------------------------

    def user(self, user_id: int, *, username: str | None = None, language_code: str | None = None,
             first_name: str | None = None) -> dict[str, Any]:
        """The User dict for ``user_id``, created on first use; later calls may fill in a name or language."""
        user = self.users.setdefault(user_id, {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"})
        if first_name:
            user["first_name"] = first_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def chat(self, chat_id: int, chat_type: str, user: dict[str, Any], title: str | None = None) -> dict[str, Any]:
        """The Chat dict for ``chat_id`` (private chats take the user's names); the bot may now send to it."""
        if chat_type == "private":
            if chat_id != user["id"]:
                raise ValueError(f"a private chat's id is the user's id: chat_id={chat_id}, user_id={user['id']}")
            names = {k: user[k] for k in ("first_name", "username") if k in user}
            chat = {"id": chat_id, "type": "private", **names}
        elif chat_type in ("group", "supergroup", "channel"):
            chat = {"id": chat_id, "type": chat_type, "title": title or f"Group {abs(chat_id)}"}
        else:
            raise ValueError(f"unknown chat type {chat_type!r}: use private, group, supergroup or channel")
        self.chats[chat_id] = chat
        if "username" in chat:
            self.chats["@" + chat["username"]] = chat
        return chat

    def resolve_chat(self, chat_id: Any) -> dict[str, Any]:
        """The chat a bot may send to, or Rejected as Telegram answers for an unknown chat or a user never met."""
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        if chat_id is None or chat_id == "":
            raise Rejected("Bad Request: chat_id is empty")
        chat = self.chats.get(chat_id)
        if chat is None and chat_id in self.users:
            raise Rejected("Forbidden: bot can't initiate conversation with a user", status=403)
        if chat is None:
            raise Rejected("Bad Request: chat not found")
        return chat

    # -- messages -------------------------------------------------------------------------------------------------

    def new_message(self, chat: dict[str, Any], sender: dict[str, Any], **content: Any) -> dict[str, Any]:
        """Store and return a new message in ``chat``; message ids grow by one per chat, shared by both sides."""
        message_id = self.next_message_id.get(chat["id"], 1)
        self.next_message_id[chat["id"]] = message_id + 1
        message = {"message_id": message_id, "from": sender, "chat": chat, "date": self.now(), **content}
        message = {k: v for k, v in message.items() if v is not None}
        self.messages[(chat["id"], message_id)] = message
        if sender["id"] == self.bot_user["id"]:
            self.bot_messages.append((chat["id"], message_id))
        return copy.deepcopy(message)

    def find_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        return self.messages.get((chat_id, message_id))

    def reply_target(self, chat_id: int, reply_to: int | dict[str, Any] | None) -> dict[str, Any] | None:
        """The message a reply quotes (without its own reply, as Telegram nests only one level)."""
        if reply_to is None:
            return None
        message_id = reply_to["message_id"] if isinstance(reply_to, dict) else reply_to
        target = self.find_message(chat_id, message_id)
        if target is None:
            raise ValueError(f"no message {message_id} in chat {chat_id} to reply to")
        return {k: copy.deepcopy(v) for k, v in target.items() if k != "reply_to_message"}

    def user_message(self, *, chat_id: int | None, user_id: int | None, chat_type: str, username: str | None,
                     language_code: str | None, first_name: str | None = None, title: str | None = None,
                     reply_to: int | dict[str, Any] | None = None, **content: Any) -> dict[str, Any]:
        """A message from a user, stored in its chat; ``content`` is text/entities or a media field."""
        if user_id is None and chat_type == "private":
            user_id = chat_id
        if user_id is None:
            raise ValueError("user_id is required for a message in a group")
        if chat_id is None:
            if chat_type != "private":
                raise ValueError("chat_id is required for a message in a group")
            chat_id = user_id
        user = self.user(user_id, username=username, language_code=language_code, first_name=first_name)
        chat = self.chat(chat_id, chat_type, user, title)
        if "text" in content:
            content["text"], content["entities"] = user_text(content["text"], content.get("entities"))
        if content.get("caption") is not None:  # a photo's or a file's caption: its entities detected as a text's
            content["caption"], content["caption_entities"] = user_text(content["caption"], content.get("caption_entities"))
        return self.new_message(chat, user, reply_to_message=self.reply_target(chat_id, reply_to), **content)

    # -- files ----------------------------------------------------------------------------------------------------

    def add_file(self, content: bytes, folder: str, suffix: str = "") -> StoredFile:
        """Register ``content`` so getFile and the file URL serve it."""
        number = next(self._ids)
        digest = hashlib.sha256(content).hexdigest()
        stored = StoredFile(
            file_id=f"FAKE{folder[:3].upper()}{number:06d}{digest[:24]}",
            file_unique_id=f"U{digest[:15]}",
            content=content,
            file_path=f"{folder}/file_{number}{suffix}",
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # -- updates --------------------------------------------------------------------------------------------------

    def add_update(self, update: dict[str, Any]) -> int:
        """Queue ``update`` (one kind key besides update_id) under the next update_id and return that id."""
        kinds = [key for key in update if key != "update_id"]
        if len(kinds) != 1:
            raise ValueError(f"an update holds exactly one kind (message, callback_query, ...), got {kinds}")
        update = {"update_id": self.next_update_id, **copy.deepcopy({kinds[0]: update[kinds[0]]})}
        self.next_update_id += 1
        self.pushed[update["update_id"]] = update
        self.pending.append(update)
        self._remember_people(update[kinds[0]])
        kind = kinds[0]
        if kind in ("callback_query", "inline_query"):
            self.open_queries[update[kind]["id"]] = kind
        return update["update_id"]

    def _remember_people(self, payload: Any) -> None:
        # A pushed update built by hand must still make its chat reachable, as Telegram knows every chat it delivers.
        if not isinstance(payload, dict):
            return
        sender, chat = payload.get("from"), payload.get("chat")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            self.users.setdefault(sender["id"], sender)
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            self.chats.setdefault(chat["id"], chat)
        if isinstance(payload.get("message"), dict):
            self._remember_people(payload["message"])

    def confirm(self, offset: int) -> None:
        """Forget for good every update with an id below ``offset`` (a negative offset keeps the last -offset)."""
        if offset < 0:
            keep = self.pending[offset:]
            offset = keep[0]["update_id"] if keep else self.next_update_id
        if offset > self.confirmed_offset:
            self.confirmed_offset = offset
        self.pending = [u for u in self.pending if u["update_id"] >= self.confirmed_offset]

    def set_allowed_updates(self, allowed: list[str] | None) -> None:
        """Remember the update kinds asked for; None keeps the previous choice, as Telegram does."""
        if allowed is not None:
            self.allowed_updates = frozenset(allowed)

    def deliverable(self, limit: int = 100) -> list[dict[str, Any]]:
        """The first ``limit`` pending updates of an allowed kind; updates of other kinds are dropped."""
        def allowed(update: dict[str, Any]) -> bool:
            kind = next(k for k in update if k != "update_id")
            return kind in self.allowed_updates if self.allowed_updates else kind not in _NOT_BY_DEFAULT

        self.pending = [u for u in self.pending if allowed(u)]
        return copy.deepcopy(self.pending[:limit])


def user_text(text: str, entities: list[dict[str, Any]] | None) -> tuple[str, list[dict[str, Any]] | None]:
    """A user's text as the bot receives it: cleaned by the sender's app as tdlib cleans it, with the entities the
    server detects (or the ones given); a text no Telegram app could send is the test's mistake (ValueError)."""
    try:
        text, given = clean_text(text, entities or [])
    except Rejected as exc:
        raise ValueError(f"a Telegram user cannot send this text ({exc.description}): {text!r:.80}") from None
    if utf16_len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"a Telegram message holds at most {MAX_TEXT_LENGTH} UTF-16 units; apps split longer texts")
    found = find_entities(text) if entities is None else given
    return text, found or None
