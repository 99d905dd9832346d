"""The web chat's sessions on SQL: a digest of each cookie's token, the chat it opens,
whether an admin signed in, and when it was last used (idle sessions end)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tables import WebSessionRow, table_of

SESSION = table_of(WebSessionRow)


@dataclass(frozen=True, slots=True)
class WebSession:
    """A session as stored (never the token itself: `token_hash` is its digest)."""

    token_hash: str
    chat_id: str
    admin: bool
    seen_at: datetime


class SqlWebSessions:
    """Web chat sessions bound to one connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def find(self, token_hash: str) -> WebSession | None:
        """The session with this token digest, expired or not."""
        query = select(SESSION).where(SESSION.c.token_hash == token_hash)
        row = (await self._connection.execute(query)).first()
        if row is None:
            return None
        return WebSession(row.token_hash, row.chat_id, row.admin, row.seen_at)

    async def add(self, token_hash: str, chat_id: str, admin: bool, at: datetime) -> None:
        """Store a new session."""
        values = {"token_hash": token_hash, "chat_id": chat_id, "admin": admin}
        await self._connection.execute(SESSION.insert().values(**values, created_at=at, seen_at=at))

    async def touch(self, token_hash: str, at: datetime) -> None:
        """Mark the session used now."""
        await self._connection.execute(
            SESSION.update().where(SESSION.c.token_hash == token_hash).values(seen_at=at)
        )

    async def remove(self, token_hash: str) -> None:
        """End one session (its token opens nothing any more)."""
        await self._connection.execute(SESSION.delete().where(SESSION.c.token_hash == token_hash))

    async def remove_idle(self, seen_before: datetime) -> int:
        """End every session last used before `seen_before`; how many ended."""
        result = await self._connection.execute(
            SESSION.delete().where(SESSION.c.seen_at < seen_before)
        )
        return int(result.rowcount or 0)
