"""A chat's history on SQL, read from what is already recorded: each applied update's replies
and what the citizen's message showed (processed_update), and the messages pushed to the chat
outside a reply (outbox rows that are not replies). Newest first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.outbox import OutboxStatus
from storage.crypto import JsonCipher
from storage.tables import OutboxRow, ProcessedUpdateRow, table_of

PROCESSED = table_of(ProcessedUpdateRow)
OUTBOX = table_of(OutboxRow)
REPLY_EVENT = "reply:"  # conversations.router.REPLY_EVENT: replies queued for a paced sender
MAX_PUSHES = 500  # pushed messages read with one page (a broadcast storm is cut, not served)
_NOT_SHOWN = (OutboxStatus.CANCELLED.value,)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One moment of a chat: the citizen's message (None when nothing was shown) and the
    bot's messages (Outgoing JSON); `event_id` is set for a pushed message (its outbox id)."""

    at: datetime
    said: Any
    messages: list[Any]
    event_id: int | None = None


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """Entries oldest first; `before` is where the next (older) page ends, None at the start."""

    entries: list[HistoryEntry]
    before: datetime | None


class SqlChatHistory:
    """Reads one chat's history, bound to one connection."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher) -> None:
        self._connection, self._cipher = connection, cipher

    async def page(self, key: str, before: datetime | None, limit: int) -> HistoryPage:
        """The `limit` newest updates before `before` and the pushes among them."""
        query = select(PROCESSED.c.created_at, PROCESSED.c.replies, PROCESSED.c.said).where(
            PROCESSED.c.chat_key == key
        )
        if before is not None:
            query = query.where(PROCESSED.c.created_at < before)
        order = (PROCESSED.c.created_at.desc(), PROCESSED.c.update_id.desc())
        query = query.order_by(*order).limit(limit + 1)
        rows = (await self._connection.execute(query)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        oldest = rows[-1].created_at if rows and more else None
        entries = [
            HistoryEntry(
                row.created_at,
                None if row.said is None else self._cipher.open(row.said, "processed_update.said"),
                list(self._cipher.open(row.replies, "processed_update.replies") or []),
            )
            for row in rows
        ]
        entries.extend(await self._pushes(key, oldest, before))
        entries.sort(key=lambda entry: (entry.at, entry.event_id or 0))
        return HistoryPage(entries, oldest)

    async def _pushes(
        self, key: str, since: datetime | None, before: datetime | None
    ) -> list[HistoryEntry]:
        conditions = [
            OUTBOX.c.recipient == key,
            OUTBOX.c.event.not_like(f"{REPLY_EVENT}%"),
            OUTBOX.c.status.not_in(_NOT_SHOWN),
        ]
        if since is not None:
            conditions.append(OUTBOX.c.created_at >= since)
        if before is not None:
            conditions.append(OUTBOX.c.created_at < before)
        query = (
            select(OUTBOX.c.id, OUTBOX.c.created_at, OUTBOX.c.message)
            .where(and_(*conditions))
            .order_by(OUTBOX.c.id.desc())
            .limit(MAX_PUSHES)
        )
        rows = (await self._connection.execute(query)).all()
        return [
            HistoryEntry(
                row.created_at, None, [self._cipher.open(row.message, "outbox.message")], row.id
            )
            for row in rows
        ]
