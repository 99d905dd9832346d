"""Broadcasts, the chat directory (audiences, reachability) and job cursors on SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, select, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.broadcasts import Audience, AudienceKind, Broadcast, BroadcastState
from services.codec import from_json, to_json
from storage.crypto import JsonCipher
from storage.prepared import prepared
from storage.tables import (
    BroadcastRow,
    ChatStatusRow,
    CitizenChatRow,
    CitizenRow,
    ConversationRow,
    DossierFollowerRow,
    DossierRow,
    JobCursorRow,
    table_of,
)

BROADCAST = table_of(BroadcastRow)
STATUS = table_of(ChatStatusRow)
# Asked before every message sent: built once.
_IS_ACTIVE = prepared(select(STATUS.c.active).where(STATUS.c.chat_key == bindparam("chat_key")))
CONVERSATION = table_of(ConversationRow)
LINK = table_of(CitizenChatRow)
CITIZEN = table_of(CitizenRow)
DOSSIER = table_of(DossierRow)
FOLLOWER = table_of(DossierFollowerRow)
CURSOR = table_of(JobCursorRow)
_MESSAGE = "broadcast.message"


def _dialect(connection: AsyncConnection) -> Any:
    return postgresql if connection.dialect.name == "postgresql" else sqlite


class SqlBroadcastRepository:
    """BroadcastRepository bound to one connection; the message is sealed."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher) -> None:
        self._connection, self._cipher = connection, cipher

    def _values(self, broadcast: Broadcast) -> dict[str, Any]:
        body = to_json(broadcast)
        return {
            "created_by": broadcast.created_by,
            "audience": body["audience"],
            "message": self._cipher.seal(dict(broadcast.message), _MESSAGE),
            "state": broadcast.state.value,
            "total": broadcast.total,
            "progress": {
                "cursor": broadcast.cursor,
                "progress_chat": broadcast.progress_chat,
                "progress_seq": broadcast.progress_seq,
                "progress_shown": broadcast.progress_shown,
            },
            "created_at": broadcast.created_at,
            "updated_at": broadcast.updated_at,
        }

    def _broadcast(self, row: Any) -> Broadcast:
        return from_json(
            Broadcast,
            {
                "id": row.id,
                "created_by": row.created_by,
                "audience": row.audience,
                "message": self._cipher.open(row.message, _MESSAGE),
                "state": row.state,
                "created_at": row.created_at.isoformat(),
                "updated_at": row.updated_at.isoformat(),
                "total": row.total,
                **row.progress,
            },
        )

    async def add(self, broadcast: Broadcast) -> None:
        await self._connection.execute(
            BROADCAST.insert().values(id=broadcast.id, **self._values(broadcast))
        )

    async def get(self, broadcast_id: str) -> Broadcast | None:
        query = select(BROADCAST).where(BROADCAST.c.id == broadcast_id)
        row = (await self._connection.execute(query)).first()
        return self._broadcast(row) if row else None

    async def update(self, broadcast: Broadcast) -> None:
        await self._connection.execute(
            BROADCAST.update()
            .where(BROADCAST.c.id == broadcast.id)
            .values(**self._values(broadcast))
        )

    async def active(self) -> Sequence[Broadcast]:
        query = (
            select(BROADCAST)
            .where(
                BROADCAST.c.state.in_([BroadcastState.QUEUING.value, BroadcastState.SENDING.value])
            )
            .order_by(BROADCAST.c.created_at, BROADCAST.c.id)
        )
        return [self._broadcast(row) for row in (await self._connection.execute(query)).all()]


class SqlChatDirectory:
    """ChatDirectory bound to one connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    def _keys(self, audience: Audience) -> Any:
        """A SELECT of one column `chat_key`: the audience's chats, reachable or not."""
        kind, value = audience.kind, audience.value
        if kind is AudienceKind.ALL:
            return select(CONVERSATION.c.key.label("chat_key"))
        if kind is AudienceKind.PLATFORM:
            return select(CONVERSATION.c.key.label("chat_key")).where(
                CONVERSATION.c.key.like(value + ":%")
            )
        if kind is AudienceKind.WARD:
            return (
                select(LINK.c.chat_key.label("chat_key"))
                .join(CITIZEN, CITIZEN.c.id == LINK.c.citizen_id)
                .where(CITIZEN.c.ward_code == value, LINK.c.active.is_(True))
            )
        of_procedure = DOSSIER.c.procedure_id == value
        owners = select(DOSSIER.c.owner.label("chat_key")).where(of_procedure)
        linked = (
            select(LINK.c.chat_key.label("chat_key"))
            .join(DOSSIER, DOSSIER.c.citizen_id == LINK.c.citizen_id)
            .where(of_procedure, LINK.c.active.is_(True))
        )
        followers = (
            select(FOLLOWER.c.chat_key.label("chat_key"))
            .join(DOSSIER, DOSSIER.c.id == FOLLOWER.c.dossier_id)
            .where(of_procedure)
        )
        return union(owners, linked, followers)

    def _reachable(self, audience: Audience) -> Any:
        keys = self._keys(audience).subquery()
        blocked = exists().where(
            and_(STATUS.c.chat_key == keys.c.chat_key, STATUS.c.active.is_(False))
        )
        return keys, select(keys.c.chat_key).where(~blocked).distinct()

    async def audience(self, audience: Audience, after: str, limit: int) -> Sequence[str]:
        keys, query = self._reachable(audience)
        query = query.where(keys.c.chat_key > after).order_by(keys.c.chat_key).limit(limit)
        return list((await self._connection.execute(query)).scalars())

    async def count(self, audience: Audience) -> int:
        _, query = self._reachable(audience)
        counted = select(func.count()).select_from(query.subquery())
        return int((await self._connection.execute(counted)).scalar_one())

    async def set_active(self, chat_key: str, active: bool, reason: str, at: datetime) -> None:
        values = {"active": active, "reason": reason[:60], "updated_at": at}
        statement = _dialect(self._connection).insert(STATUS).values(chat_key=chat_key, **values)
        statement = statement.on_conflict_do_update(index_elements=["chat_key"], set_=values)
        await self._connection.execute(statement)

    async def is_active(self, chat_key: str) -> bool:
        row = (await self._connection.execute(_IS_ACTIVE, {"chat_key": chat_key})).first()
        return row is None or bool(row.active)


class SqlJobCursors:
    """JobCursors bound to one connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, name: str) -> int:
        query = select(CURSOR.c.position).where(CURSOR.c.name == name)
        return int((await self._connection.execute(query)).scalar() or 0)

    async def set(self, name: str, position: int, at: datetime) -> None:
        values = {"position": position, "updated_at": at}
        statement = _dialect(self._connection).insert(CURSOR).values(name=name, **values)
        statement = statement.on_conflict_do_update(index_elements=["name"], set_=values)
        await self._connection.execute(statement)


__all__ = ["SqlBroadcastRepository", "SqlChatDirectory", "SqlJobCursors"]
