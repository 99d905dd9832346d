"""What the fake Telegram server remembers: chats, messages, files and what the bot did."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.fakes.telegram_markup import inline_buttons

DOWNLOAD_LIMIT = 20 * 1024 * 1024  # Bot API: "bots can download files of up to 20MB in size"


class ApiError(Exception):
    """A Bot API error answer: {"ok": false, "error_code", "description", "parameters"?}."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """The JSON body the Bot API sends with this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """400 with the Bot API's "Bad Request: ..." description."""
    return ApiError(400, reason if reason.startswith("Bad Request") else f"Bad Request: {reason}")


@dataclass
class StoredFile:
    """A file Telegram holds: sent by a user or uploaded by the bot (data None: URL or declared)."""

    file_id: str
    file_unique_id: str
    file_path: str
    size: int
    data: bytes | None
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None

    def as_file(self) -> dict[str, Any]:
        """The Bot API File object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


@dataclass
class SentMessage:
    """One bot call that changed a chat, as the test sees it."""

    method: str
    chat_id: int
    message_id: int
    text: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    photo: bytes | None = None
    document: bytes | None = None
    file_name: str | None = None
    mime_type: str | None = None
    file_ref: str | None = None  # the file_id or URL the bot passed instead of bytes
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline buttons, flattened row by row."""
        return inline_buttons(self.reply_markup)

    @property
    def callback_data(self) -> list[str]:
        """callback_data of each inline button that has one."""
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]


@dataclass
class CallbackAnswer:
    """An answerCallbackQuery call."""

    callback_query_id: str
    chat_id: int | None
    text: str | None
    show_alert: bool
    url: str | None


class TelegramState:
    """Chats, messages and files of one fake bot; no I/O."""

    def __init__(self, bot: dict[str, Any]) -> None:
        self.bot = bot
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.bot_messages: set[tuple[int, int]] = set()
        self.files: dict[str, StoredFile] = {}
        self.outbox: list[SentMessage] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.open_callbacks: dict[str, int] = {}
        self.open_inline_queries: set[str] = set()
        self.inline_answers: list[dict[str, Any]] = []  # answerInlineQuery parameters
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_001)

    def chat(self, chat_id: int, user: dict[str, Any]) -> dict[str, Any]:
        """The Chat object, created on first contact (private when chat id is the user id)."""
        if chat_id not in self.chats:
            if chat_id > 0:
                chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
                if "username" in user:
                    chat["username"] = user["username"]
            else:
                chat = {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}
            self.chats[chat_id] = chat
        return self.chats[chat_id]

    def known_chat(self, chat_id: int | str | None) -> int:
        """A chat the bot may write to; the Bot API refuses chats it has never seen."""
        if not isinstance(chat_id, int) or chat_id not in self.chats:
            raise bad_request("chat not found")
        return chat_id

    def new_query_id(self) -> str:
        """A fresh callback query id (the Bot API sends them as strings)."""
        return str(next(self._query_ids))

    def next_message_id(self, chat_id: int) -> int:
        """Message ids count per chat, as in private chats."""
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def new_message(self, chat_id: int, sender: dict[str, Any], **content: Any) -> dict[str, Any]:
        """Store and return a Message object."""
        message = {
            "message_id": self.next_message_id(chat_id),
            "from": sender,
            "chat": self.chats[chat_id],
            "date": int(time.time()),
            **{k: v for k, v in content.items() if v is not None},
        }
        self.messages[(chat_id, message["message_id"])] = message
        if sender is self.bot:
            self.bot_messages.add((chat_id, message["message_id"]))
        return message

    def bot_message(
        self, chat_id: int | str | None, message_id: int | None, verb: str
    ) -> dict[str, Any]:
        """A message the bot sent, for editing (or any message, for deleting)."""
        if not isinstance(chat_id, int) or message_id is None:
            raise bad_request(f"message to {verb} not found")
        key = (chat_id, message_id)
        if key not in self.messages:
            raise bad_request(f"message to {verb} not found")
        if key not in self.bot_messages and verb == "edit":
            raise bad_request("message can't be edited")
        return self.messages[key]

    def store_file(
        self,
        kind: str,
        data: bytes | None,
        *,
        size: int | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
    ) -> StoredFile:
        """Keep a file so that getFile and the download URL find it."""
        n = next(self._file_ids)
        prefix, folder, ext = {
            "photo": ("AgAC", "photos", "jpg"),
            "document": ("BQAC", "documents", "bin"),
        }[kind]
        if file_name and "." in file_name:
            ext = file_name.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=f"{prefix}{n:08d}",
            file_unique_id=f"AQAD{n:06d}",
            file_path=f"{folder}/file_{n}.{ext}",
            size=len(data or b"") if size is None else size,
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            url=url,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        """The file behind a download URL."""
        return next((f for f in self.files.values() if f.file_path == path), None)
