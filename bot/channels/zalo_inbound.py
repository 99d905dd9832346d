"""Zalo OA webhook events (FACTS §7.1, §7.2): verified over the raw body, then made neutral.

`read_event` checks `X-ZEvent-Signature` = "mac=" + SHA-256(app_id + raw body + timestamp +
OA secret key) — a plain hash, not an HMAC — in constant time, refuses events more than five
minutes from now, and turns what is left into a `ZaloEvent`. Anything it cannot trust or read
raises `ZaloRejected` with a short reason, never anything else.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.channels.zalo_render import MORE, QUERY_PREFIX
from conversations import payloads
from conversations.messages import ChatAddress, Incoming, IncomingKind, Platform, Upload
from services.files import MAX_FILE_BYTES

SIGNATURE_HEADER = "x-zevent-signature"
MAX_SKEW = timedelta(minutes=5)
MAX_UPDATE_ID = 80  # processed_update.update_id
_USER_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")
# ASCII digits only: str.isdigit() also takes "²", which int() refuses.
_TIMESTAMP = re.compile(r"[0-9]{1,16}")
_SIZE = re.compile(r"[0-9]{1,30}")
_UPLOAD_EVENTS = {"user_send_image": "image", "user_send_file": "file"}


class ZaloRejected(Exception):
    """An event we refuse: unsigned, forged, stale, for another app, or unreadable."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EventKind(StrEnum):
    """What an event asks of the channel."""

    MESSAGE = "message"  # something for the router
    MORE = "more"  # "#more": the next buttons of the last long menu
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    IGNORED = "ignored"  # receipts, stickers, OA echoes…: answered 200, nothing done


@dataclass(frozen=True, slots=True)
class Fetch:
    """An attachment to download before the router sees it."""

    url: str
    name: str
    mime: str = ""


@dataclass(frozen=True, slots=True)
class ZaloEvent:
    """A verified event: who, the message id (our update id), and what to apply, in order."""

    kind: EventKind
    name: str
    address: ChatAddress | None = None
    msg_id: str = ""
    items: tuple[Incoming | Fetch, ...] = ()

    @property
    def user_id(self) -> str:
        """The Zalo user id (OA-scoped: the one messages are sent to)."""
        return self.address.chat_id if self.address else ""

    def update_id(self, index: int = 0) -> str:
        """The router's update id of item `index` (one event may carry several files)."""
        base = self.msg_id if index == 0 else f"{self.msg_id}:{index}"
        if len(base) <= MAX_UPDATE_ID:
            return base
        return "h:" + hashlib.sha256(base.encode()).hexdigest()


def signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret: str) -> str:
    """The header value Zalo sends for this body."""
    digest = hashlib.sha256(app_id.encode() + raw_body + timestamp.encode() + oa_secret.encode())
    return f"mac={digest.hexdigest()}"


def read_event(
    raw_body: bytes, headers: Mapping[str, str], app_id: str, oa_secret: str, now: datetime
) -> ZaloEvent:
    """Verify and parse one webhook POST; `ZaloRejected` when it cannot be trusted or read."""
    return parse_event(verify(raw_body, headers, app_id, oa_secret, now))


def verify(
    raw_body: bytes, headers: Mapping[str, str], app_id: str, oa_secret: str, now: datetime
) -> dict[str, Any]:
    """The event JSON, once its signature, app and time are checked."""
    given = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER), "")
    if not given:
        raise ZaloRejected("unsigned")
    try:
        event = json.loads(raw_body)
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, or absurd nesting
        raise ZaloRejected("malformed") from None
    if not isinstance(event, dict):
        raise ZaloRejected("malformed")
    timestamp = event.get("timestamp")
    if isinstance(timestamp, int) and not isinstance(timestamp, bool):
        timestamp = str(timestamp)
    if not (isinstance(timestamp, str) and _TIMESTAMP.fullmatch(timestamp)):
        raise ZaloRejected("malformed")
    expected = signature(app_id, raw_body, timestamp, oa_secret)
    presented = given.strip().lower().encode("utf-8", "surrogatepass")
    if not hmac.compare_digest(presented, expected.encode()):
        raise ZaloRejected("bad_signature")
    if str(event.get("app_id", "")) != app_id:  # signed with our secret, yet for another app
        raise ZaloRejected("wrong_app")
    if abs(now.timestamp() * 1000 - int(timestamp)) > MAX_SKEW.total_seconds() * 1000:
        raise ZaloRejected("stale")
    return event


def parse_event(event: Mapping[str, Any]) -> ZaloEvent:
    """A verified event's meaning; unknown kinds are IGNORED."""
    name = event.get("event_name")
    if not isinstance(name, str):
        raise ZaloRejected("malformed")
    if name in ("follow", "unfollow"):
        user_id = _user_id(_dict(event.get("follower")).get("id"))
        kind = EventKind.FOLLOW if name == "follow" else EventKind.UNFOLLOW
        return ZaloEvent(kind, name, _address(user_id), f"{name}:{event.get('timestamp')}")
    if name != "user_send_text" and name not in _UPLOAD_EVENTS:
        return ZaloEvent(EventKind.IGNORED, name)
    address = _address(_user_id(_dict(event.get("sender")).get("id")))
    message = _dict(event.get("message"))
    msg_id = message.get("msg_id")
    if not (isinstance(msg_id, str) and 0 < len(msg_id) <= 200 and msg_id.isprintable()):
        raise ZaloRejected("malformed")
    if name == "user_send_text":
        return _text_event(name, address, msg_id, message.get("text"))
    items = tuple(
        _attachment(_UPLOAD_EVENTS[name], item) for item in _list(message.get("attachments"))
    )
    usable = tuple(item for item in items if item is not None)
    if not usable:
        return ZaloEvent(EventKind.IGNORED, name, address, msg_id)
    return ZaloEvent(EventKind.MESSAGE, name, address, msg_id, usable)


def _text_event(name: str, address: ChatAddress, msg_id: str, text: Any) -> ZaloEvent:
    if not isinstance(text, str) or not text.strip():
        return ZaloEvent(EventKind.IGNORED, name, address, msg_id)
    text = _storable(text)
    stripped = text.strip()
    if stripped.startswith(QUERY_PREFIX):
        body = stripped[len(QUERY_PREFIX) :]
        if body == MORE:
            return ZaloEvent(EventKind.MORE, name, address, msg_id)
        if payloads.parse(body) is not None:  # a button of ours, pressed
            return ZaloEvent(EventKind.MESSAGE, name, address, msg_id, (Incoming.button(body),))
    return ZaloEvent(EventKind.MESSAGE, name, address, msg_id, (Incoming.from_text(text),))


def _attachment(kind: str, item: Any) -> Incoming | Fetch | None:
    """A file to fetch, or — declared over the size limit — an upload refused unread."""
    payload = _dict(_dict(item).get("payload"))
    url = payload.get("url")
    if not (isinstance(url, str) and _storable(url) == url and _web_url(url)):
        return None
    name = _file_name(payload.get("name"), url, kind)
    mime = "image/jpeg" if kind == "image" else ""
    size = _size(payload.get("size"))
    if size is not None and size > MAX_FILE_BYTES:
        return Incoming(IncomingKind.UPLOAD, upload=Upload(ref="", name=name, size=size, mime=mime))
    return Fetch(url, name, mime)


def _file_name(given: Any, url: str, kind: str) -> str:
    if isinstance(given, str) and given.strip():
        name = _storable(given.strip())
    else:
        name = unquote(PurePosixPath(urlsplit(url).path).name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1][:200]
    if not name or name in (".", ".."):
        return "image.jpg" if kind == "image" else "file"
    if kind == "image" and "." not in name:
        return name + ".jpg"
    return name


def _storable(text: str) -> str:
    """Text that can be stored and sent on: JSON may carry a lone surrogate ("\\ud800"),
    which no database or UTF-8 encoder takes; it becomes U+FFFD."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _web_url(url: str) -> bool:
    """An http(s) URL that urllib can take apart ("http://[::1" cannot)."""
    try:
        return urlsplit(url).scheme in ("http", "https")
    except ValueError:
        return False


def _size(value: Any) -> int | None:
    """Zalo sends the size as a string of digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _SIZE.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _user_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not (isinstance(value, str) and _USER_ID.match(value)):
        raise ZaloRejected("malformed")
    return value


def _address(user_id: str) -> ChatAddress:
    return ChatAddress(Platform.ZALO, user_id)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
