"""What users do, as the Bot API reports it: Message and CallbackQuery objects."""

from __future__ import annotations

from typing import Any

from tests.e2e.fakes.telegram_methods import document_object, photo_sizes
from tests.e2e.fakes.telegram_state import TelegramState


def make_user(chat_id: int, user: dict[str, Any] | None = None) -> dict[str, Any]:
    """A User object; in a private chat the user id is the chat id."""
    base: dict[str, Any] = {
        "id": chat_id if chat_id > 0 else 1_000_001,
        "is_bot": False,
        "first_name": f"User{abs(chat_id)}",
        "language_code": "vi",
    }
    return {**base, **(user or {})}


def _utf16_len(text: str) -> int:
    """Entity offsets and lengths are in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def text_message(
    state: TelegramState, chat_id: int, text: str, user: dict[str, Any]
) -> dict[str, Any]:
    """A text message; a leading /command gets its bot_command entity, as clients send it."""
    entities = None
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        entities = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
    state.chat(chat_id, user)
    return state.new_message(chat_id, user, text=text, entities=entities)


def photo_message(
    state: TelegramState,
    chat_id: int,
    data: bytes,
    user: dict[str, Any],
    caption: str | None,
    file_size: int | None,
) -> dict[str, Any]:
    """A photo message; the bytes are kept for getFile and the download URL."""
    stored = state.store_file("photo", data, size=file_size, mime_type="image/jpeg")
    state.chat(chat_id, user)
    return state.new_message(chat_id, user, photo=photo_sizes(stored), caption=caption)


def document_message(
    state: TelegramState,
    chat_id: int,
    data: bytes,
    user: dict[str, Any],
    *,
    file_name: str,
    mime_type: str,
    caption: str | None,
    file_size: int | None,
) -> dict[str, Any]:
    """A document message; `file_size` may declare a size larger than the bytes given."""
    stored = state.store_file(
        "document", data, size=file_size, file_name=file_name, mime_type=mime_type
    )
    state.chat(chat_id, user)
    return state.new_message(chat_id, user, document=document_object(stored), caption=caption)


def contact_message(
    state: TelegramState,
    chat_id: int,
    user: dict[str, Any],
    phone_number: str,
    contact_user_id: int | None,
) -> dict[str, Any]:
    """A shared contact; user_id equals the sender's id when they share their own number."""
    contact: dict[str, Any] = {"phone_number": phone_number, "first_name": user["first_name"]}
    if contact_user_id is not None:
        contact["user_id"] = contact_user_id
    state.chat(chat_id, user)
    return state.new_message(chat_id, user, contact=contact)


def callback_query(
    state: TelegramState,
    chat_id: int,
    message_id: int,
    data: str,
    user: dict[str, Any],
    strict: bool,
) -> dict[str, Any]:
    """A press on an inline button of a message the bot sent.

    With `strict`, the button must be on the message now: a real client cannot press a button
    that is not there. Pass strict=False to forge stale or tampered callback data.
    """
    message = state.messages.get((chat_id, message_id))
    if message is None or (chat_id, message_id) not in state.bot_messages:
        raise ValueError(f"no bot message {message_id} in chat {chat_id}")
    if strict:
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        offered = [b.get("callback_data") for row in rows for b in row]
        if data not in offered:
            raise ValueError(f"message {message_id} has no button {data!r}; it has {offered}")
    query_id = state.new_query_id()
    state.open_callbacks[query_id] = chat_id
    return {
        "id": query_id,
        "from": user,
        "message": dict(message),
        "chat_instance": str(-abs(chat_id) * 7919),
        "data": data,
    }


def group_text(
    state: TelegramState,
    group_id: int,
    user: dict[str, Any],
    text: str,
    reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A text message in a group (group ids are negative), maybe answering another message."""
    message = text_message(state, group_id, text, user)
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return message


def edited(message: dict[str, Any], text: str, edit_date: int = 1764000100) -> dict[str, Any]:
    """The same message after its sender changed its text (an edited_message's payload)."""
    return {**message, "text": text, "edit_date": edit_date}


def inline_query(state: TelegramState, user: dict[str, Any], query: str) -> dict[str, Any]:
    """An inline query: the user typed "@bot <query>" in some chat."""
    query_id = state.new_query_id()
    state.open_inline_queries.add(query_id)
    return {"id": query_id, "from": user, "query": query, "offset": ""}


def bot_membership(
    state: TelegramState, chat_id: int, by: dict[str, Any], old: str, new: str
) -> dict[str, Any]:
    """my_chat_member: the bot's status in a chat changed from `old` to `new`."""
    chat = state.chat(chat_id, by)
    bot = {**state.bot, "is_bot": True}
    return {
        "chat": chat,
        "from": by,
        "date": 1764000000,
        "old_chat_member": {"user": bot, "status": old},
        "new_chat_member": {"user": bot, "status": new},
    }
