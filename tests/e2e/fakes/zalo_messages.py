"""Checks on the body of POST /v3.0/oa/message/cs (FACTS §7.3) and what the fake records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Error codes. -216 is documented (chatwoot); the others are assumptions, see zalo_api.py.
ERR_TOKEN = -216
ERR_PARAMS = -201
ERR_WINDOW = -213

MAX_TEXT = 2000  # assumption: Zalo's documented limit for consultation text
MAX_LIST_ELEMENTS = 5
MAX_TITLE = 100
MAX_QUERY_PAYLOAD = 1000
BUTTON_TYPES = frozenset(
    {"oa.open.url", "oa.query.show", "oa.query.hide", "oa.open.sms", "oa.open.phone"}
)


class ZaloError(Exception):
    """An error answer: {"error": code, "message": text} (HTTP 200, as Zalo does)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        """The JSON body."""
        return {"error": self.code, "message": self.message}


def invalid(reason: str) -> ZaloError:
    """A parameter error."""
    return ZaloError(ERR_PARAMS, f"Parameters are invalid: {reason}")


@dataclass
class ZaloSent:
    """One message the OA sent, as the test sees it."""

    user_id: str
    message_id: str
    kind: str  # text | list | media | file | request_user_info | transaction
    text: str | None = None
    elements: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[dict[str, Any]] = field(default_factory=list)
    attachment_id: str | None = None
    file_token: str | None = None
    body: dict[str, Any] = field(default_factory=dict)
    billed: str = "reply"  # which quota Zalo counts it against: reply | transaction

    @property
    def payloads(self) -> list[str]:
        """Payload strings of the query buttons (what the user sends back when pressing)."""
        return [
            str(b.get("payload"))
            for b in self.buttons
            if b.get("type") in {"oa.query.show", "oa.query.hide"}
        ]


def check_buttons(buttons: Any) -> list[dict[str, Any]]:
    if buttons is None:
        return []
    if not isinstance(buttons, list):
        raise invalid("buttons must be an array")
    for button in buttons:
        kind = button.get("type") if isinstance(button, dict) else None
        if kind not in BUTTON_TYPES:
            raise invalid(f"button type {kind!r} is not supported")
        payload = button.get("payload")
        if kind == "oa.open.url" and not (isinstance(payload, dict) and payload.get("url")):
            raise invalid("oa.open.url needs payload.url")
        if kind in {"oa.query.show", "oa.query.hide"} and not (
            isinstance(payload, str) and 0 < len(payload) <= MAX_QUERY_PAYLOAD
        ):
            raise invalid("query button payload must be a string of 1-1000 characters")
    return buttons


def _check_list(payload: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    elements = payload.get("elements")
    if not isinstance(elements, list) or not 1 <= len(elements) <= MAX_LIST_ELEMENTS:
        raise invalid("a list template has 1 to 5 elements")
    for element in elements:
        title = element.get("title") if isinstance(element, dict) else None
        if not isinstance(title, str) or not 0 < len(title) <= MAX_TITLE:
            raise invalid("element title must be 1-100 characters")
    if not elements[0].get("subtitle"):
        raise invalid("the first element needs a subtitle")
    return elements, check_buttons(payload.get("buttons"))


def parse_message(
    user_id: str, message_id: str, message: Any, attachments: set[str], files: set[str]
) -> ZaloSent:
    """Validate `message` of a cs send and describe it; ZaloError when Zalo would refuse."""
    if not isinstance(message, dict):
        raise invalid("message is required")
    sent = ZaloSent(user_id=user_id, message_id=message_id, kind="text", body=message)
    text = message.get("text")
    if text is not None and (not isinstance(text, str) or not 0 < len(text) <= MAX_TEXT):
        raise invalid("text must be 1-2000 characters")
    sent.text = text
    attachment = message.get("attachment")
    if attachment is None:
        if text is None:
            raise invalid("message needs text or attachment")
        return sent
    payload = attachment.get("payload") if isinstance(attachment, dict) else None
    if not isinstance(payload, dict):
        raise invalid("attachment.payload is required")
    if attachment.get("type") == "file":
        if payload.get("token") not in files:
            raise invalid("file token is invalid")
        sent.kind, sent.file_token = "file", payload["token"]
        return sent
    template = payload.get("template_type")
    if attachment.get("type") != "template" or template not in {
        "list",
        "media",
        "request_user_info",
    }:
        raise invalid(f"attachment {attachment.get('type')}/{template} is not supported")
    if template == "media":
        element = (payload.get("elements") or [{}])[0]
        if element.get("attachment_id") is None and element.get("url") is None:
            raise invalid("media element needs attachment_id or url")
        if element.get("attachment_id") is not None and element["attachment_id"] not in attachments:
            raise invalid("attachment_id is invalid")
        sent.kind, sent.attachment_id = "media", element.get("attachment_id")
        sent.elements = payload["elements"]
        return sent
    sent.kind = template
    sent.elements, sent.buttons = _check_list(payload)
    return sent
