"""Pruning processed updates on SQL (services.processed_retention): a batch at a time, never a
record whose chat has an update pending in the inbox, nor a web chat a live session shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select, tuple_

from services.processed_retention import RetentionStats
from storage.inbox import PENDING_ONLY
from storage.tables import InboxRow, ProcessedUpdateRow, WebSessionRow, table_of

PROCESSED = table_of(ProcessedUpdateRow)
INBOX = table_of(InboxRow)
SESSION = table_of(WebSessionRow)
WEB_PREFIX = "web:"  # conversations.messages.ChatAddress.key of a web chat


def _prunable(before: datetime, live_since: datetime) -> list[ColumnElement[bool]]:
    # Uncorrelated subqueries: each is read once per statement, whatever the table's size.
    pending = select(INBOX.c.chat_key).where(PENDING_ONLY)
    live = select(literal(WEB_PREFIX) + SESSION.c.chat_id).where(SESSION.c.seen_at >= live_since)
    return [
        PROCESSED.c.created_at < before,
        PROCESSED.c.chat_key.not_in(pending),
        PROCESSED.c.chat_key.not_in(live),
    ]


class SqlProcessedRetention:
    """Prunes the processed_update table, bound to one connection (one transaction)."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def prune(self, before: datetime, live_since: datetime, limit: int) -> int:
        """Delete up to `limit` of the oldest prunable records; how many went."""
        oldest = (
            select(PROCESSED.c.chat_key, PROCESSED.c.update_id)
            .where(*_prunable(before, live_since))
            .order_by(PROCESSED.c.created_at)
            .limit(limit)
        )
        keys = tuple_(PROCESSED.c.chat_key, PROCESSED.c.update_id)
        result = await self._connection.execute(PROCESSED.delete().where(keys.in_(oldest)))
        return int(result.rowcount or 0)

    async def stats(self, before: datetime) -> RetentionStats:
        """The rows, those older than `before` (kept: see services.processed_retention), and
        the oldest record's time."""
        query = select(
            func.count(),
            func.count().filter(PROCESSED.c.created_at < before),
            func.min(PROCESSED.c.created_at),
        )
        rows, held, oldest = (await self._connection.execute(query)).one()
        return RetentionStats(int(rows), int(held or 0), oldest)
