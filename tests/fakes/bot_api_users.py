"""What users do, scripted by a test: the updates the fake Bot API server queues for the bot.

A mixin of ``FakeBotApi`` (tests/fakes/bot_api.py), kept apart so each file reads as one concern. Every method is
thread-safe and returns the update_id it queued; the update is built as Telegram builds it (a private chat's id is the
user's id, message ids grow per chat, entities for /commands and @mentions are detected).
"""

from __future__ import annotations

import copy
import itertools
import mimetypes
import threading
from pathlib import PurePosixPath
from typing import Any

from tests.fakes.bot_api_world import World, user_text
from tests.fakes.telegram_rules import callback_data_in


class UserActions:
    """push_* methods: a user writes, edits, presses a button, queries inline, sends a file, photo, sticker..."""

    _changed: threading.Condition
    _world: World
    _query_ids: itertools.count

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a hand-built update (its update_id is assigned here) and return its update_id."""
        with self._changed:
            update_id = self._world.add_update(update)
            self._changed.notify_all()
            return update_id

    def _push_user_message(self, kind: str, *, chat_id: int | None, user_id: int | None, chat_type: str,
                           username: str | None, language_code: str | None, **content: Any) -> int:
        with self._changed:
            message = self._world.user_message(chat_id=chat_id, user_id=user_id, chat_type=chat_type,
                                               username=username, language_code=language_code, **content)
            update_id = self._world.add_update({kind: message})
            self._changed.notify_all()
            return update_id

    def push_message(self, text: str, *, chat_id: int | None = None, user_id: int | None = None,
                     chat_type: str = "private", language_code: str | None = None, username: str | None = None,
                     first_name: str | None = None, title: str | None = None,
                     reply_to: int | dict[str, Any] | None = None, entities: list[dict[str, Any]] | None = None) -> int:
        """A user writes ``text``. In a private chat chat_id is the user_id (give either); a group needs both.

        ``entities=None`` lets the server detect bot_command and mention entities as Telegram does; ``[]`` gives none.
        ``reply_to`` is a message_id or a message dict of that chat (e.g. one the bot sent)."""
        return self._push_user_message("message", chat_id=chat_id, user_id=user_id, chat_type=chat_type,
                                       username=username, language_code=language_code, first_name=first_name,
                                       title=title, reply_to=reply_to, text=text, entities=entities)

    def push_edited_message(self, text: str, *, chat_id: int, message_id: int,
                            entities: list[dict[str, Any]] | None = None) -> int:
        """The user edits their earlier message ``message_id`` in ``chat_id`` to ``text``."""
        with self._changed:
            message = self._world.find_message(chat_id, message_id)
            if message is None or message["from"]["id"] == self._world.bot_user["id"]:
                raise ValueError(f"no message {message_id} from a user in chat {chat_id} to edit")
            message["text"], found = user_text(text, entities)
            message.pop("entities", None)
            if found:
                message["entities"] = found
            message["edit_date"] = self._world.now()
            update_id = self._world.add_update({"edited_message": message})
            self._changed.notify_all()
            return update_id

    def push_callback_query(self, data: str, *, message: dict[str, Any], user_id: int,
                            check_button: bool = True) -> int:
        """The user presses the button with ``data`` under ``message`` (a message the bot sent, as a dict).

        The button must be on the message as it is now (after edits) unless ``check_button=False``."""
        with self._changed:
            chat_id, message_id = message["chat"]["id"], message["message_id"]
            stored = self._world.find_message(chat_id, message_id)
            if stored is None or stored["from"]["id"] != self._world.bot_user["id"]:
                raise ValueError(f"no bot message {message_id} in chat {chat_id}")
            buttons = callback_data_in(stored.get("reply_markup"))
            if check_button and data not in buttons:
                raise ValueError(f"message {message_id} has no button with callback_data {data!r}; it has "
                                 f"{sorted(buttons)}")
            query = {"id": f"{next(self._query_ids)}{user_id}", "from": self._world.user(user_id),
                     "message": copy.deepcopy(stored), "chat_instance": str(abs(chat_id) * 1_000_003 % 2**63),
                     "data": data}
            update_id = self._world.add_update({"callback_query": query})
            self._changed.notify_all()
            return update_id

    def push_inline_query(self, query: str, *, user_id: int, offset: str = "", chat_type: str | None = "sender",
                          language_code: str | None = None, username: str | None = None) -> int:
        """The user types ``@bot query`` in some chat."""
        with self._changed:
            inline = {"id": f"{next(self._query_ids)}{user_id}",
                      "from": self._world.user(user_id, username=username, language_code=language_code),
                      "query": query, "offset": offset, "chat_type": chat_type}
            update_id = self._world.add_update({"inline_query": {k: v for k, v in inline.items() if v is not None}})
            self._changed.notify_all()
            return update_id

    def push_document(self, file_bytes: bytes, file_name: str, *, chat_id: int | None = None,
                      user_id: int | None = None, chat_type: str = "private", mime_type: str | None = None,
                      caption: str | None = None, username: str | None = None,
                      language_code: str | None = None) -> int:
        """The user sends a file; getFile and the file URL then serve ``file_bytes``."""
        with self._changed:
            stored = self._world.add_file(file_bytes, "documents", PurePosixPath(file_name).suffix[:10])
        document = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_name": file_name,
                    "mime_type": mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream",
                    "file_size": len(file_bytes)}
        return self._push_user_message("message", chat_id=chat_id, user_id=user_id, chat_type=chat_type,
                                       username=username, language_code=language_code, document=document,
                                       caption=caption)

    def push_photo(self, *, chat_id: int | None = None, user_id: int | None = None, chat_type: str = "private",
                   file_bytes: bytes = b"\xff\xd8\xff\xe0fake-jpeg", caption: str | None = None) -> int:
        """The user sends a photo (two sizes, as Telegram sends)."""
        with self._changed:
            small = self._world.add_file(file_bytes, "photos", ".jpg")
            large = self._world.add_file(file_bytes, "photos", ".jpg")
        photo = [{"file_id": f.file_id, "file_unique_id": f.file_unique_id + str(side), "width": side,
                  "height": side * 3 // 4, "file_size": len(file_bytes)} for f, side in ((small, 90), (large, 800))]
        return self._push_user_message("message", chat_id=chat_id, user_id=user_id, chat_type=chat_type,
                                       username=None, language_code=None, photo=photo, caption=caption)

    def push_sticker(self, *, chat_id: int | None = None, user_id: int | None = None, chat_type: str = "private",
                     emoji: str = "👍") -> int:
        """The user sends a sticker."""
        with self._changed:
            stored = self._world.add_file(b"RIFF\x00\x00\x00\x00WEBPfake", "stickers", ".webp")
        sticker = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": emoji}
        return self._push_user_message("message", chat_id=chat_id, user_id=user_id, chat_type=chat_type,
                                       username=None, language_code=None, sticker=sticker)

    def push_voice(self, *, chat_id: int | None = None, user_id: int | None = None, chat_type: str = "private",
                   duration: int = 2, file_bytes: bytes = b"OggS\x00fake-opus") -> int:
        """The user sends a voice note."""
        with self._changed:
            stored = self._world.add_file(file_bytes, "voice", ".oga")
        voice = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "duration": duration,
                 "mime_type": "audio/ogg", "file_size": len(file_bytes)}
        return self._push_user_message("message", chat_id=chat_id, user_id=user_id, chat_type=chat_type,
                                       username=None, language_code=None, voice=voice)

    def push_location(self, latitude: float, longitude: float, *, chat_id: int | None = None,
                      user_id: int | None = None, chat_type: str = "private") -> int:
        """The user shares a location."""
        return self._push_user_message("message", chat_id=chat_id, user_id=user_id, chat_type=chat_type,
                                       username=None, language_code=None,
                                       location={"latitude": latitude, "longitude": longitude})

    def update(self, update_id: int) -> dict[str, Any]:
        """The update pushed under ``update_id`` (as queued, before the bot saw it)."""
        with self._changed:
            return copy.deepcopy(self._world.pushed[update_id])

    def pushed_message(self, update_id: int) -> dict[str, Any]:
        """The message (or edited message) of the update pushed under ``update_id``."""
        update = self.update(update_id)
        return update.get("message") or update["edited_message"]
