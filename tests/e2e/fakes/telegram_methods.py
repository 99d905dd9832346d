"""The Bot API methods that need no waiting: sending, editing, files, callbacks, commands."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.e2e.fakes.request_params import Params, Upload
from tests.e2e.fakes.telegram_html import HtmlError, check_html
from tests.e2e.fakes.telegram_markup import MarkupError, check_markup
from tests.e2e.fakes.telegram_state import (
    DOWNLOAD_LIMIT,
    CallbackAnswer,
    SentMessage,
    StoredFile,
    TelegramState,
    bad_request,
)

MAX_TEXT = 4096
MAX_CAPTION = 1024
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")

Method = Callable[[TelegramState, Params], Any]


def _formatted(params: Params, key: str, limit: int, too_long: str) -> str | None:
    """The text or caption, checked for its parse mode and length (after entity parsing)."""
    text = params.text(key)
    if text is None:
        return None
    shown = text
    if (params.text("parse_mode") or "").lower() == "html":
        try:
            shown = check_html(text)
        except HtmlError as exc:
            raise bad_request(str(exc)) from exc
    if len(shown) > limit:
        raise bad_request(too_long)
    return text


def _markup(params: Params) -> dict[str, Any] | None:
    try:
        return check_markup(params.parsed("reply_markup"))
    except MarkupError as exc:
        raise bad_request(str(exc)) from exc


def _inline_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Sent messages carry only inline keyboards in their reply_markup field."""
    return markup if markup and "inline_keyboard" in markup else None


def _record(
    state: TelegramState, method: str, message: dict[str, Any], params: Params, **kw: Any
) -> None:
    state.outbox.append(
        SentMessage(
            method=method,
            chat_id=message["chat"]["id"],
            message_id=message["message_id"],
            text=message.get("text"),
            caption=message.get("caption"),
            parse_mode=params.text("parse_mode"),
            reply_markup=_markup(params),
            params=params.as_dict(),
            **kw,
        )
    )


def send_message(state: TelegramState, params: Params) -> dict[str, Any]:
    """sendMessage."""
    chat_id = state.known_chat(params.chat_id())
    text = _formatted(params, "text", MAX_TEXT, "message is too long")
    if not text or not text.strip():
        raise bad_request("message text is empty")
    markup = _markup(params)
    message = state.new_message(
        chat_id,
        state.bot,
        text=text,
        reply_markup=_inline_only(markup),
    )
    _record(state, "sendMessage", message, params)
    return message


def _input_file(state: TelegramState, params: Params, kind: str) -> tuple[StoredFile, bool]:
    """The file a send method got: (stored file, whether bytes were uploaded)."""
    ref = params.file(kind)
    if isinstance(ref, Upload):
        stored = state.store_file(
            kind, ref.data, file_name=ref.filename, mime_type=ref.content_type
        )
        return stored, True
    if not ref:
        raise bad_request(f"there is no {kind} in the request")
    if ref in state.files:
        return state.files[ref], False
    if ref.startswith(("http://", "https://")):
        # The real server fetches the URL; the fake only remembers it.
        return state.store_file(kind, None, url=ref), False
    raise bad_request("wrong file identifier/HTTP URL specified")


def _send_file(state: TelegramState, params: Params, kind: str) -> dict[str, Any]:
    chat_id = state.known_chat(params.chat_id())
    caption = _formatted(params, "caption", MAX_CAPTION, "message caption is too long")
    markup = _markup(params)
    stored, uploaded = _input_file(state, params, kind)
    if kind == "photo":
        content: Any = photo_sizes(stored)
    else:
        content = document_object(stored)
    message = state.new_message(
        chat_id,
        state.bot,
        caption=caption,
        reply_markup=_inline_only(markup),
        **{kind: content},
    )
    method = "sendPhoto" if kind == "photo" else "sendDocument"
    _record(
        state,
        method,
        message,
        params,
        **{kind: stored.data if uploaded else None},
        file_name=stored.file_name,
        mime_type=stored.mime_type,
        file_ref=None if uploaded else stored.url or stored.file_id,
    )
    return message


def photo_sizes(stored: StoredFile, width: int = 1280, height: int = 960) -> list[dict[str, Any]]:
    """A photo as the Bot API lists it: several sizes, the largest last (the fake keeps one)."""
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "width": width,
            "height": height,
        }
    ]


def document_object(stored: StoredFile) -> dict[str, Any]:
    """A Document object."""
    doc: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    if stored.file_name:
        doc["file_name"] = stored.file_name
    if stored.mime_type:
        doc["mime_type"] = stored.mime_type
    return doc


def send_photo(state: TelegramState, params: Params) -> dict[str, Any]:
    """sendPhoto (multipart upload, file_id or URL)."""
    return _send_file(state, params, "photo")


def send_document(state: TelegramState, params: Params) -> dict[str, Any]:
    """sendDocument (multipart upload, file_id or URL)."""
    return _send_file(state, params, "document")


def edit_message_text(state: TelegramState, params: Params) -> dict[str, Any]:
    """editMessageText on a message the bot sent."""
    message = state.bot_message(params.chat_id(), params.integer("message_id"), "edit")
    text = _formatted(params, "text", MAX_TEXT, "message is too long")
    if not text:
        raise bad_request("message text is empty")
    markup = _inline_only(_markup(params))
    if text == message.get("text") and markup == message.get("reply_markup"):
        raise bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    message["text"] = text
    message.pop("reply_markup", None)
    if markup:
        message["reply_markup"] = markup
    _record(state, "editMessageText", message, params)
    return message


def edit_message_reply_markup(state: TelegramState, params: Params) -> dict[str, Any]:
    """editMessageReplyMarkup on a message the bot sent."""
    message = state.bot_message(params.chat_id(), params.integer("message_id"), "edit")
    markup = _inline_only(_markup(params))
    if markup == message.get("reply_markup"):
        raise bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    message.pop("reply_markup", None)
    if markup:
        message["reply_markup"] = markup
    _record(state, "editMessageReplyMarkup", message, params)
    return message


def delete_message(state: TelegramState, params: Params) -> bool:
    """deleteMessage."""
    message = state.bot_message(params.chat_id(), params.integer("message_id"), "delete")
    del state.messages[(message["chat"]["id"], message["message_id"])]
    _record(state, "deleteMessage", message, params)
    return True


def send_chat_action(state: TelegramState, params: Params) -> bool:
    """sendChatAction."""
    chat_id = state.known_chat(params.chat_id())
    state.chat_actions.append((chat_id, params.text("action") or ""))
    return True


def answer_callback_query(state: TelegramState, params: Params) -> bool:
    """answerCallbackQuery; a query can be answered once."""
    query_id = params.text("callback_query_id") or ""
    if query_id not in state.open_callbacks:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    state.callback_answers.append(
        CallbackAnswer(
            callback_query_id=query_id,
            chat_id=state.open_callbacks.pop(query_id),
            text=params.text("text"),
            show_alert=params.flag("show_alert"),
            url=params.text("url"),
        )
    )
    return True


def answer_inline_query(state: TelegramState, params: Params) -> bool:
    """answerInlineQuery; a query can be answered once, with a list of results."""
    query_id = params.text("inline_query_id") or ""
    if query_id not in state.open_inline_queries:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    if not isinstance(params.parsed("results"), list):
        raise bad_request("can't parse inline query results JSON object")
    state.open_inline_queries.discard(query_id)
    state.inline_answers.append(params.as_dict())
    return True


def get_file(state: TelegramState, params: Params) -> dict[str, Any]:
    """getFile; files over 20 MB are refused, as for every bot on the public Bot API."""
    stored = state.files.get(params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return stored.as_file()


def _commands_key(params: Params) -> tuple[str, str]:
    scope = params.parsed("scope") or {"type": "default"}
    return (str(scope.get("type", "default")), params.text("language_code") or "")


def set_my_commands(state: TelegramState, params: Params) -> bool:
    """setMyCommands, per scope type and language."""
    commands = params.parsed("commands") or []
    for command in commands:
        if not _COMMAND.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("command description is empty")
    state.commands[_commands_key(params)] = commands
    return True


def get_my_commands(state: TelegramState, params: Params) -> list[dict[str, Any]]:
    """getMyCommands."""
    return state.commands.get(_commands_key(params), [])


def delete_my_commands(state: TelegramState, params: Params) -> bool:
    """deleteMyCommands."""
    state.commands.pop(_commands_key(params), None)
    return True


METHODS: dict[str, Method] = {
    "sendmessage": send_message,
    "sendphoto": send_photo,
    "senddocument": send_document,
    "editmessagetext": edit_message_text,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "sendchataction": send_chat_action,
    "answercallbackquery": answer_callback_query,
    "answerinlinequery": answer_inline_query,
    "getfile": get_file,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
}
# Methods that post to a chat: blocked chats and the rate limits apply to them.
CHAT_METHODS = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "editmessagetext", "editmessagereplymarkup"}
)
BLOCKABLE_METHODS = CHAT_METHODS | {"sendchataction"}
