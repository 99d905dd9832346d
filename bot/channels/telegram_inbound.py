"""Turn a Telegram update (the Bot API's JSON) into a neutral one. Pure: no library, no I/O.

Both transports hand over the same dict: PTB's `update.to_dict()` and aiogram's
`update.model_dump(mode="json", exclude_none=True, by_alias=True)`.

Citizens are served in private chats only: a citizen's data has no place in a group. In a
private chat, content the bot cannot use (a sticker, a voice note, a video…) is flagged
`unsupported`: the channel answers it with "common.not_understood".

| update             | private chat                        | group, supergroup, channel      |
|--------------------|-------------------------------------|---------------------------------|
| message            | applied by the router               | a command, mention or reply to  |
|                    |                                     | the bot: "message me privately" |
|                    |                                     | (telegram_groups); else ignored |
| edited_message     | "edits are not applied; send anew"  | ignored                         |
|                    | (IncomingKind.EDIT, via the router) |                                 |
| callback_query     | applied (a button press)            | answered, nothing else          |
| my_chat_member     | blocked / restarted: chat marked    | added to a group: one short     |
|                    |                                     | introduction; else ignored      |
| inline_query       | answered with no results, so the client stops waiting (anywhere)      |
| anything else      | not asked for (ALLOWED_UPDATES), and ignored if it comes anyway:      |
|                    | channel_post, edited_channel_post, chosen_inline_result,              |
|                    | shipping_query and pre_checkout_query (the bot sends no invoice),     |
|                    | poll, poll_answer, chat_member, chat_join_request, message_reaction,  |
|                    | message_reaction_count, chat_boost, removed_chat_boost, business_*,   |
|                    | purchased_paid_media                                                  |

Why an edit is not applied as the new answer: by the time it comes, the original message has
been answered, and the bot has usually moved on: applied to the next question, an edited ID
number would land in the wrong field, and an edited one-time code would spend an attempt
without the citizen knowing. So the citizen is told, and asked the current question again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from bot.channels.telegram_groups import GroupEvent
from conversations.messages import (
    ChatAddress,
    Contact,
    Incoming,
    IncomingKind,
    Platform,
    Upload,
)

# What the bot asks Telegram for (getUpdates and setWebhook): exactly what it handles.
ALLOWED_UPDATES = (
    "message",
    "edited_message",
    "callback_query",
    "my_chat_member",
    "inline_query",
)
GROUPS = frozenset({"group", "supergroup"})
# A member status that means the bot is in the chat.
PRESENT = frozenset({"member", "administrator", "creator", "restricted"})
PHOTO_NAME = "anh.jpg"  # Telegram photos have no file name
PHOTO_MIME = "image/jpeg"  # Telegram re-encodes photos as JPEG
DOCUMENT_NAME = "tep"
# Message content a citizen sends on purpose that the bot has no use for.
UNSUPPORTED_CONTENT = frozenset(
    {
        "sticker",
        "animation",
        "audio",
        "voice",
        "video",
        "video_note",
        "dice",
        "poll",
        "game",
        "story",
        "paid_media",
    }
)


@dataclass(frozen=True, slots=True)
class FileToFetch:
    """A file to download with getFile before the update can be applied."""

    file_id: str
    name: str
    size: int  # as Telegram declared it (0 when it did not)
    mime: str


@dataclass(frozen=True, slots=True)
class Extras:
    """What the channel does besides applying the update."""

    callback_id: str = ""  # a callback query to answer
    file: FileToFetch | None = None  # an upload to fetch first
    unsupported: bool = False  # private-chat content the bot cannot use
    member: bool | None = None  # my_chat_member: False blocked the bot, True (re)started it
    group: GroupEvent | None = None  # a group message or membership that may concern the bot
    inline_query_id: str = ""  # an inline query to answer (with no results)


class Inbound(NamedTuple):
    """One Telegram update, neutral: where, which update, what the user did, and extras."""

    address: ChatAddress
    update_id: str
    incoming: Incoming | None
    extras: Extras


def parse_update(update: Mapping[str, Any]) -> Inbound | None:
    """The neutral update, or None for one that concerns no private chat of ours."""
    update_id = str(update.get("update_id", ""))
    if isinstance(update.get("callback_query"), Mapping):
        return _callback(update_id, update["callback_query"])
    if isinstance(update.get("message"), Mapping):
        return _message(update_id, update["message"])
    if isinstance(update.get("edited_message"), Mapping):
        return _edited(update_id, update["edited_message"])
    if isinstance(update.get("my_chat_member"), Mapping):
        return _membership(update_id, update["my_chat_member"])
    if isinstance(update.get("inline_query"), Mapping):
        return _inline(update_id, update["inline_query"])
    return None


def _sender(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    sender = obj.get("from", obj.get("from_user"))  # from_user: a dump without by_alias
    return sender if isinstance(sender, Mapping) else {}


def _private_chat(message: Mapping[str, Any]) -> ChatAddress | None:
    chat = message.get("chat")
    if not isinstance(chat, Mapping) or chat.get("type") != "private":
        return None
    return _address(chat.get("id"))


def _address(chat_id: Any) -> ChatAddress | None:
    """A chat's address; Telegram's ids are integers (replies go to `int(chat_id)`)."""
    return ChatAddress(Platform.TELEGRAM, str(chat_id)) if type(chat_id) is int else None


def _callback(update_id: str, query: Mapping[str, Any]) -> Inbound | None:
    extras = Extras(callback_id=str(query.get("id", "")))
    message = query.get("message")
    if isinstance(message, Mapping):
        address = _private_chat(message)
    elif "id" in _sender(query):  # a button of an inline-mode message: no chat given
        address = _address(_sender(query)["id"])
    else:
        address = None
    if address is None:
        group = message.get("chat", {}) if isinstance(message, Mapping) else {}
        chat_id = str(group.get("id", "")) if isinstance(group, Mapping) else ""
        return Inbound(ChatAddress(Platform.TELEGRAM, chat_id), update_id, None, extras)
    data = query.get("data")
    incoming = Incoming.button(_text(data)) if isinstance(data, str) and data else None
    return Inbound(address, update_id, incoming, extras)


def _message(update_id: str, message: Mapping[str, Any]) -> Inbound | None:
    address = _private_chat(message)
    if address is None:
        return _group_message(update_id, message)
    incoming, file = _content(message)
    unsupported = incoming is None and not UNSUPPORTED_CONTENT.isdisjoint(message)
    return Inbound(address, update_id, incoming, Extras(file=file, unsupported=unsupported))


def _edited(update_id: str, message: Mapping[str, Any]) -> Inbound | None:
    """An edit of a message sent earlier, in a private chat: not applied, but answered."""
    address = _private_chat(message)
    if address is None:
        return None
    return Inbound(address, update_id, Incoming(IncomingKind.EDIT), Extras())


def _one_of(value: object, names: frozenset[str]) -> bool:
    """Whether a JSON value is one of `names` (a list or an object in its place is not)."""
    return isinstance(value, str) and value in names


def _group_chat(obj: Mapping[str, Any]) -> ChatAddress | None:
    chat = obj.get("chat")
    if not isinstance(chat, Mapping):
        return None
    if not _one_of(chat.get("type"), GROUPS):
        return None
    return _address(chat.get("id"))


def _group_message(update_id: str, message: Mapping[str, Any]) -> Inbound | None:
    """A group message, with what the channel needs to tell whether it concerns the bot."""
    address = _group_chat(message)
    if address is None or _sender(message).get("is_bot"):
        return None
    event = GroupEvent.of_message(message)
    return Inbound(address, update_id, None, Extras(group=event)) if event else None


def _inline(update_id: str, query: Mapping[str, Any]) -> Inbound | None:
    """An inline query ("@bot …" typed in any chat): answered with nothing to offer."""
    sender = _address(_sender(query).get("id"))
    if sender is None or not query.get("id"):
        return None
    return Inbound(sender, update_id, None, Extras(inline_query_id=str(query["id"])))


def _content(message: Mapping[str, Any]) -> tuple[Incoming | None, FileToFetch | None]:
    text = message.get("text")
    if isinstance(text, str):
        return Incoming.from_text(_text(text)), None
    contact = message.get("contact")
    if isinstance(contact, Mapping) and contact.get("phone_number"):
        sender_id = _sender(message).get("id")
        own = sender_id is not None and contact.get("user_id") == sender_id
        shared = Contact(_text(str(contact["phone_number"])), own=own)
        return Incoming(IncomingKind.CONTACT, contact=shared), None
    file = _photo(message.get("photo")) or _document(message.get("document"))
    if file is not None:
        upload = Upload(ref="", name=file.name, size=file.size, mime=file.mime)
        return Incoming(IncomingKind.UPLOAD, upload=upload), file
    if isinstance(message.get("location"), Mapping):  # also sent with a venue
        return Incoming(IncomingKind.LOCATION), None
    return None, None


def _photo(sizes: Any) -> FileToFetch | None:
    if not isinstance(sizes, list):
        return None
    usable = [s for s in sizes if isinstance(s, Mapping) and s.get("file_id")]
    if not usable:
        return None
    largest = max(usable, key=lambda s: (_count(s, "width") * _count(s, "height"), _size(s)))
    return FileToFetch(str(largest["file_id"]), PHOTO_NAME, _size(largest), PHOTO_MIME)


def _document(document: Any) -> FileToFetch | None:
    if not isinstance(document, Mapping) or not document.get("file_id"):
        return None
    name = _text(str(document.get("file_name") or DOCUMENT_NAME))
    mime = str(document.get("mime_type") or "")
    return FileToFetch(str(document["file_id"]), name, _size(document), mime)


def _text(value: str) -> str:
    """Text that can be stored and sent on: JSON may carry a lone surrogate ("\\ud800"),
    which no database or UTF-8 encoder takes; it becomes U+FFFD."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _size(obj: Mapping[str, Any]) -> int:
    return _count(obj, "file_size")


def _count(obj: Mapping[str, Any], key: str) -> int:
    """A positive integer field (a size in pixels or bytes), 0 when missing or not one."""
    value = obj.get(key)
    return value if type(value) is int and value > 0 else 0


def _membership(update_id: str, change: Mapping[str, Any]) -> Inbound | None:
    """The user blocked (status "kicked") or restarted ("member") the bot in a private chat;
    or the bot was added to a group."""
    address = _private_chat(change)
    new, old = change.get("new_chat_member"), change.get("old_chat_member")
    if not isinstance(new, Mapping):
        return None
    status = new.get("status")
    if address is None:
        group = _group_chat(change)
        was = old.get("status") if isinstance(old, Mapping) else None
        if group is None or not _one_of(status, PRESENT) or _one_of(was, PRESENT):
            return None
        return Inbound(group, update_id, None, Extras(group=GroupEvent(added=True)))
    member = True if status == "member" else False if status == "kicked" else None
    return Inbound(address, update_id, None, Extras(member=member))
