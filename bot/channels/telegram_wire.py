"""sendMessage and getUpdates on the wire, without the library's objects: JSON, answers read.

Both libraries build a request object, a markup of button objects and, from Telegram's answer,
a whole Message object (its chat, sender, entities and keyboard), for the one field the channel
reads (the message's id). The paced sender sends every reply this way, so the adapters post the
JSON below through the library's own HTTP client (its pool, keep-alive and timeouts) and read
the answer here, with the same errors as the libraries' (telegram_api). Polling likewise: each
update was parsed into the library's Update object only to be turned back into a dict.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from pydantic_core import from_json, to_json

from bot.channels.telegram_api import ApiFailure, ChatUnreachable, RetryLater, unreachable_reason
from bot.channels.telegram_render import (
    ContactKeyboard,
    InlineKeyboard,
    LinkKeyboard,
    RemoveKeyboard,
    ReplyMarkup,
)


@functools.lru_cache(maxsize=1024)
def markup_json(markup: ReplyMarkup | None) -> str | None:
    """The Bot API's reply_markup for a neutral one, serialised (the same keyboards go to
    many chats: a form question's options, yes/no, back)."""
    value: dict[str, Any] | None = None
    if isinstance(markup, InlineKeyboard):
        rows = [
            [{"text": b.text, "callback_data": b.callback_data} for b in row] for row in markup.rows
        ]
        value = {"inline_keyboard": rows}
    elif isinstance(markup, ContactKeyboard):
        button = {"text": markup.label, "request_contact": True}
        value = {"keyboard": [[button]], "one_time_keyboard": True, "resize_keyboard": True}
    elif isinstance(markup, RemoveKeyboard):
        value = {"remove_keyboard": True}
    elif isinstance(markup, LinkKeyboard):
        value = {"inline_keyboard": [[{"text": markup.label, "url": markup.url}]]}
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def request_body(params: Mapping[str, Any]) -> bytes:
    """A Bot API call's parameters as its JSON body: pydantic-core's compiled encoder (a reply
    and a button answer each make one); text UTF-8 cannot hold (a lone surrogate) goes
    escaped by the standard library's, as aiohttp's own JSON body would."""
    try:
        return to_json(params)
    except ValueError:
        return json.dumps(params).encode()


def read_json(body: bytes) -> Any:
    """An answer's JSON (getUpdates' batches are the largest): pydantic-core's compiled
    parser; what it refuses (a lone surrogate escape, which Telegram's JSON may carry, or
    what is not JSON at all) is read, or refused, by the standard library's."""
    try:
        return from_json(body)
    except ValueError:
        return json.loads(body)


def send_text_params(chat_id: int, html: str, reply_markup: ReplyMarkup | None) -> dict[str, Any]:
    """sendMessage's parameters, HTML parse mode."""
    params: dict[str, Any] = {"chat_id": chat_id, "text": html, "parse_mode": "HTML"}
    markup = markup_json(reply_markup)
    if markup is not None:
        params["reply_markup"] = markup
    return params


def sent_id(answer: Mapping[str, Any], status: int, kinds: Mapping[int, str]) -> int:
    """The id of the message Telegram's answer reports sent; its refusal raised as the
    channel's error (`kinds`: the library's error name per HTTP status, as its own client
    would have raised it)."""
    result = result_of(answer, status, kinds)
    if not isinstance(result, Mapping):
        raise ApiFailure(kinds.get(0, "TelegramError"))
    return int(result["message_id"])


def result_of(answer: Mapping[str, Any], status: int, kinds: Mapping[int, str]) -> Any:
    """The result of a Bot API answer as it came (getUpdates: the updates as Telegram sent
    them); its refusal raised as the channel's error, as in `sent_id`."""
    if answer.get("ok") is True and "result" in answer:
        return answer["result"]
    description = str(answer.get("description", ""))
    parameters = answer.get("parameters") or {}
    if status == 429 or "retry_after" in parameters:
        raise RetryLater(float(parameters.get("retry_after", 1)))
    if status in (400, 403):
        reason = unreachable_reason(description)
        if reason is not None or status == 403:
            raise ChatUnreachable(reason or "forbidden")
    kind = kinds.get(status) or kinds.get(500 if status >= 500 else 0, "TelegramError")
    raise ApiFailure(kind, 400 if status == 400 else None)
