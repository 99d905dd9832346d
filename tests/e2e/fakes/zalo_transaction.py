"""Checks on the body of POST /v3.0/oa/message/transaction (Zalo's transaction message).

Wire format (third-party sources: eSMS "Tin Zalo giao dịch", eTelecom "Send transaction
message", Zalo's .NET SDK `TransactionTemplateType`): `{"recipient": {"user_id"}, "message":
{"attachment": {"type": "template", "payload": {"template_type": "transaction_order" | …,
"language": "VI" | "EN", "elements": [banner?, header, text…, table?], "buttons": [≤ 4]}}}}`.
Element kinds: `banner` (image_url or attachment_id), `header` (content, align), `text`
(content, align), `table` (content: [{key, value, style?}]).

Assumptions (not confirmed by a source): the text limits below; the error codes the server
answers (see zalo_api.py: -224 transaction quota used up, -232 the user does not follow).
"""

from __future__ import annotations

from typing import Any

from tests.e2e.fakes.zalo_messages import MAX_TITLE, ZaloSent, check_buttons, invalid

TEMPLATE_TYPES = frozenset(
    {
        "transaction_billing",
        "transaction_order",
        "transaction_reward",
        "transaction_contract",
        "transaction_booking",
        "transaction_membership",
        "transaction_event",
        "transaction_transaction",
        "transaction_account",
        "transaction_internal",
        "transaction_partnership",
        "transaction_education",
        "transaction_rating",
    }
)
ELEMENT_TYPES = frozenset({"banner", "header", "text", "table"})
MAX_BUTTONS = 4
MAX_TEXT_ELEMENT = 1000  # assumption
MAX_TABLE_ROWS = 5


def parse_transaction(
    user_id: str, message_id: str, message: Any, attachments: set[str]
) -> ZaloSent:
    """Validate `message` of a transaction send; ZaloError when Zalo would refuse it."""
    attachment = message.get("attachment") if isinstance(message, dict) else None
    payload = attachment.get("payload") if isinstance(attachment, dict) else None
    if not isinstance(attachment, dict) or attachment.get("type") != "template":
        raise invalid("a transaction message is a template attachment")
    if not isinstance(payload, dict) or payload.get("template_type") not in TEMPLATE_TYPES:
        raise invalid("template_type must be one of the transaction_* types")
    if payload.get("language", "VI") not in {"VI", "EN"}:
        raise invalid("language must be VI or EN")
    elements = payload.get("elements")
    if not isinstance(elements, list) or not elements:
        raise invalid("elements are required")
    texts: list[str] = []
    for element in elements:
        kind = element.get("type") if isinstance(element, dict) else None
        if kind not in ELEMENT_TYPES:
            raise invalid(f"element type {kind!r} is not supported")
        content = element.get("content")
        if kind == "banner":
            key = element.get("attachment_id")
            if key is None and not element.get("image_url"):
                raise invalid("a banner needs image_url or attachment_id")
            if key is not None and key not in attachments:
                raise invalid("attachment_id is invalid")
        elif kind == "header":
            if not isinstance(content, str) or not 0 < len(content) <= MAX_TITLE:
                raise invalid("header content must be 1-100 characters")
            texts.append(content)
        elif kind == "text":
            if not isinstance(content, str) or not 0 < len(content) <= MAX_TEXT_ELEMENT:
                raise invalid("text content must be 1-1000 characters")
            texts.append(content)
        elif not isinstance(content, list) or not 0 < len(content) <= MAX_TABLE_ROWS:
            raise invalid("a table has 1 to 5 rows")
    buttons = check_buttons(payload.get("buttons"))
    if len(buttons) > MAX_BUTTONS:
        raise invalid("a transaction message has at most 4 buttons")
    return ZaloSent(
        user_id=user_id,
        message_id=message_id,
        kind="transaction",
        text="\n".join(texts),
        elements=elements,
        buttons=buttons,
        body=message,
        billed="transaction",
    )
