"""Chats following dossiers on SQL: the follower half of the dossier repository."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from services.dossier_codes import TERMINAL
from storage.tables import DossierFollowerRow, DossierRow, StatusChangeRow, table_of

DOSSIER = table_of(DossierRow)
CHANGE = table_of(StatusChangeRow)
FOLLOWER = table_of(DossierFollowerRow)


class SqlFollowers:
    """Followers of dossiers, on the connection of the repository that mixes this in."""

    _connection: Any

    def _insert(self) -> Any:
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        return dialect.insert(FOLLOWER)

    async def follow(self, dossier_id: str, chat_key: str, at: datetime) -> None:
        insert = self._insert()
        statement = insert.values(
            dossier_id=dossier_id, chat_key=chat_key, created_at=at, seen_at=at
        ).on_conflict_do_update(
            index_elements=["dossier_id", "chat_key"], set_={"seen_at": insert.excluded.seen_at}
        )
        await self._connection.execute(statement)

    async def seen(self, dossier_id: str, chat_key: str, at: datetime) -> bool:
        result = await self._connection.execute(
            FOLLOWER.update()
            .where(FOLLOWER.c.dossier_id == dossier_id, FOLLOWER.c.chat_key == chat_key)
            .values(seen_at=at)
        )
        return bool(result.rowcount)

    async def unfollow(self, dossier_id: str, chat_key: str) -> bool:
        result = await self._connection.execute(
            delete(FOLLOWER).where(
                FOLLOWER.c.dossier_id == dossier_id, FOLLOWER.c.chat_key == chat_key
            )
        )
        return bool(result.rowcount)

    async def followers(
        self, dossier_id: str, since: datetime | None = None, limit: int | None = None
    ) -> Sequence[str]:
        query = select(FOLLOWER.c.chat_key).where(FOLLOWER.c.dossier_id == dossier_id)
        if since is not None:
            query = query.where(FOLLOWER.c.seen_at >= since)
        query = query.order_by(FOLLOWER.c.created_at, FOLLOWER.c.chat_key).limit(limit)
        return list((await self._connection.execute(query)).scalars())

    async def followed(self, chat_key: str, since: datetime | None = None) -> Sequence[str]:
        query = select(FOLLOWER.c.dossier_id).where(FOLLOWER.c.chat_key == chat_key)
        if since is not None:
            query = query.where(FOLLOWER.c.seen_at >= since)
        query = query.order_by(FOLLOWER.c.created_at, FOLLOWER.c.dossier_id)
        return list((await self._connection.execute(query)).scalars())

    async def expire_followers(self, idle_before: datetime, finished_before: datetime) -> int:
        last_change = (
            select(func.max(CHANGE.c.at))
            .where(CHANGE.c.dossier_id == DOSSIER.c.id)
            .correlate(DOSSIER)
            .scalar_subquery()
        )
        ended = select(DOSSIER.c.id).where(
            DOSSIER.c.status.in_(sorted(int(s) for s in TERMINAL)),
            last_change < finished_before,
        )
        result = await self._connection.execute(
            delete(FOLLOWER).where(
                or_(FOLLOWER.c.seen_at < idle_before, FOLLOWER.c.dossier_id.in_(ended))
            )
        )
        return int(result.rowcount or 0)
