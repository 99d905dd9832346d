"""The hand-over outbox on SQL (services.handover): one row per event, `detail` sealed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.handover import HandoverEvent, HandoverKind, HandoverStatus
from storage.crypto import JsonCipher
from storage.tables import HandoverRow, table_of

HANDOVER = table_of(HandoverRow)
_DETAIL = "handover.detail"
WAITING = (HandoverStatus.PENDING.value, HandoverStatus.DEAD.value)


class SqlHandoverOutbox:
    """HandoverOutbox bound to one connection; `enabled` False writes nothing (embedded)."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher, enabled: bool) -> None:
        self._connection, self._cipher, self._enabled = connection, cipher, enabled
        self._dialect: Any = postgresql if connection.dialect.name == "postgresql" else sqlite

    @property
    def enabled(self) -> bool:
        """Whether hand-over is on (DOSSIER_SYSTEM=http)."""
        return self._enabled

    def _event(self, row: Any) -> HandoverEvent:
        return HandoverEvent(
            key=row.key,
            dossier_id=row.dossier_id,
            kind=HandoverKind(row.kind),
            created_at=row.created_at,
            detail=self._cipher.open(row.detail, _DETAIL),
            status=HandoverStatus(row.status),
            attempts=row.attempts,
            not_before=row.not_before,
            error=row.error,
            remote_code=row.remote_code,
            received_at=row.received_at,
            settled_at=row.settled_at,
        )

    async def enqueue(self, event: HandoverEvent) -> bool:
        if not self._enabled:
            return False
        values = {
            "key": event.key,
            "dossier_id": event.dossier_id,
            "kind": event.kind.value,
            "detail": self._cipher.seal(dict(event.detail), _DETAIL),
            "status": event.status.value,
            "attempts": event.attempts,
            "not_before": event.not_before or event.created_at,
            "error": event.error,
            "created_at": event.created_at,
        }
        statement = (
            self._dialect.insert(HANDOVER)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        result = await self._connection.execute(statement)
        return bool(result.rowcount)

    async def count(self, dossier_id: str, kind: HandoverKind) -> int:
        query = select(func.count()).where(
            HANDOVER.c.dossier_id == dossier_id, HANDOVER.c.kind == kind.value
        )
        return int((await self._connection.execute(query)).scalar_one())

    async def get(self, key: str) -> HandoverEvent | None:
        row = (
            await self._connection.execute(select(HANDOVER).where(HANDOVER.c.key == key))
        ).first()
        return self._event(row) if row else None

    async def due(self, now: datetime, limit: int) -> Sequence[HandoverEvent]:
        earlier = HANDOVER.alias("earlier")
        blocked = exists().where(
            earlier.c.dossier_id == HANDOVER.c.dossier_id,
            earlier.c.id < HANDOVER.c.id,
            earlier.c.status.in_(WAITING),
        )
        query = (
            select(HANDOVER)
            .where(
                HANDOVER.c.status == HandoverStatus.PENDING.value,
                or_(HANDOVER.c.not_before.is_(None), HANDOVER.c.not_before <= now),
                ~blocked,
            )
            .order_by(HANDOVER.c.id)
            .limit(limit)
        )
        return [self._event(row) for row in (await self._connection.execute(query)).all()]

    async def save(self, event: HandoverEvent) -> None:
        values = {
            "status": event.status.value,
            "attempts": event.attempts,
            "not_before": event.not_before,
            "error": event.error[:200],
            "remote_code": event.remote_code[:80],
            "received_at": event.received_at,
            "settled_at": event.settled_at,
        }
        await self._connection.execute(
            HANDOVER.update().where(HANDOVER.c.key == event.key).values(**values)
        )

    async def dead(self, limit: int = 50) -> Sequence[HandoverEvent]:
        query = (
            select(HANDOVER)
            .where(HANDOVER.c.status == HandoverStatus.DEAD.value)
            .order_by(HANDOVER.c.id)
            .limit(limit)
        )
        return [self._event(row) for row in (await self._connection.execute(query)).all()]

    async def for_dossier(self, dossier_id: str) -> Sequence[HandoverEvent]:
        query = select(HANDOVER).where(HANDOVER.c.dossier_id == dossier_id).order_by(HANDOVER.c.id)
        return [self._event(row) for row in (await self._connection.execute(query)).all()]

    async def depth(self) -> int:
        query = select(func.count()).where(and_(HANDOVER.c.status == HandoverStatus.PENDING.value))
        return int((await self._connection.execute(query)).scalar_one())
