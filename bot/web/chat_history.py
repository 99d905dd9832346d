"""The web chat's history as the page shows it: the citizen's own messages and the bot's
(replies and pushed messages, with their signed media links), each with its time `at`.

Items of the bot have the shape the message endpoint returns (bot.rendering.web_message) plus
`from: "bot"` (and `event_id` for a pushed message); the citizen's are
`{"from": "citizen", "kind": "text", "text"}` or `{"from": "citizen", "kind": "upload",
"name", "size", "mime"}`. The first page also gives `events_after`: the newest pushed message
it holds, which the page's event poll need not show again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from bot.bootstrap import Application
from bot.rendering import web_message
from bot.web.chat_media import media_signer
from conversations.messages import ChatAddress, Outgoing
from services.codec import CodecError, from_json
from storage.chat_history import HistoryEntry

log = logging.getLogger(__name__)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def history_page(
    app: Application, address: ChatAddress, before: datetime | None, limit: int
) -> dict[str, Any]:
    """One page (oldest item first) and the cursor of the next, older one (None: no more).
    The cursor is microseconds since 1970, as an integer."""
    async with app.uow_factory() as uow:
        page = await uow.history.page(address.key, before, limit)
    lang = await app.router.lang_of(address)
    sign = media_signer(app, address)
    items: list[dict[str, Any]] = []
    for entry in page.entries:
        items.extend(_items(app, entry, lang, sign))
    events = [e.event_id for e in page.entries if e.event_id is not None]
    cursor = None
    if page.before is not None:
        delta = page.before - EPOCH
        cursor = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return {
        "items": items,
        "before": cursor,
        "lang": lang,
        "events_after": max(events) if events and before is None else 0,
    }


def _items(app: Application, entry: HistoryEntry, lang: str, sign: Any) -> list[dict[str, Any]]:
    at = entry.at.isoformat()
    items: list[dict[str, Any]] = []
    said = entry.said
    if isinstance(said, dict) and isinstance(said.get("text"), str):
        items.append({"from": "citizen", "kind": "text", "text": said["text"], "at": at})
    elif isinstance(said, dict) and isinstance(said.get("upload"), str):
        items.append(
            {
                "from": "citizen",
                "kind": "upload",
                "name": said["upload"],
                "size": int(said.get("size") or 0),
                "mime": str(said.get("mime") or ""),
                "at": at,
            }
        )
    for stored in entry.messages:
        try:
            message = from_json(Outgoing, stored)
        except CodecError:  # a message of an older shape: left out rather than failing the page
            log.warning("a history message could not be read")
            continue
        item = {**web_message(message, lang, app.texts, sign), "from": "bot", "at": at}
        if entry.event_id is not None:
            item["event_id"] = entry.event_id
        items.append(item)
    return items
