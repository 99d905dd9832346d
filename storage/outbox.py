"""The outbox on SQL: queued once per (recipient, event), sealed, drained in order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.outbox import OutboxItem, OutboxStatus
from storage.crypto import JsonCipher
from storage.tables import OutboxRow

OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
_MESSAGE = "outbox.message"


class SqlOutbox:
    """Outbox bound to one connection."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher) -> None:
        self._connection, self._cipher = connection, cipher
        self._dialect: Any = postgresql if connection.dialect.name == "postgresql" else sqlite

    async def enqueue(
        self, recipient: str, event: str, message: Mapping[str, Any], at: datetime
    ) -> bool:
        statement = (
            self._dialect.insert(OUTBOX)
            .values(
                recipient=recipient,
                event=event,
                message=self._cipher.seal(dict(message), _MESSAGE),
                status=OutboxStatus.PENDING.value,
                attempts=0,
                created_at=at,
            )
            .on_conflict_do_nothing(index_elements=["recipient", "event"])
        )
        result = await self._connection.execute(statement)
        return bool(result.rowcount)

    async def pending(self, recipient: str, after: int, limit: int = 50) -> Sequence[OutboxItem]:
        query = (
            select(OUTBOX)
            .where(
                OUTBOX.c.recipient == recipient,
                OUTBOX.c.status == OutboxStatus.PENDING.value,
                OUTBOX.c.id > after,
            )
            .order_by(OUTBOX.c.id)
            .limit(limit)
        )
        return [
            OutboxItem(
                id=row.id,
                recipient=row.recipient,
                event=row.event,
                message=self._cipher.open(row.message, _MESSAGE),
                created_at=row.created_at,
                status=OutboxStatus(row.status),
                attempts=row.attempts,
            )
            for row in (await self._connection.execute(query)).all()
        ]

    async def mark(self, item_id: int, status: OutboxStatus, at: datetime) -> None:
        await self._connection.execute(
            OUTBOX.update()
            .where(OUTBOX.c.id == item_id)
            .values(status=status.value, sent_at=at, attempts=OUTBOX.c.attempts + 1)
        )
