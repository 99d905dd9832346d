"""Render neutral messages for the web chat (HTML) — other platforms have their own modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conversations.messages import Outgoing
from conversations.texts import TextCatalog


def web_message(
    message: Outgoing,
    lang: str,
    texts: TextCatalog,
    media_url: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """A JSON-ready message: safe HTML (only <b>, <i>, <code> and <br>), buttons, the URL of
    its image or document (signed for this chat), and what a typed answer looks like
    (`expects`: text, number, id_number, phone, code or email; the page fits its keyboard)."""
    html = texts.render(message.text, lang).replace("\n", "<br>")
    return {
        "key": message.text.key,
        "kind": message.kind.value,
        "html": html,
        "buttons": [
            [{"label": texts.plain(b.label, lang), "payload": b.payload} for b in row]
            for row in message.buttons
        ],
        "media": media_url(message.media_ref) if message.media_ref and media_url else None,
        "media_name": message.media_name or None,
        "request_contact": message.request_contact,
        "replaces": message.replaces or None,
        "expects": message.expects.value,
    }
