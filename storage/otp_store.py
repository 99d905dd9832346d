"""One-time-code challenges, sends and lockouts on SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.otp import Challenge, Lockout
from storage.tables import LoginLockoutRow, OtpChallengeRow, OtpSendRow, table_of

CHALLENGE = table_of(OtpChallengeRow)
SEND = table_of(OtpSendRow)
LOCKOUT = table_of(LoginLockoutRow)
_FIELDS = ("id", "chat_key", "account", "phone_hash", "code_hash", "created_at", "expires_at",
           "attempts", "matched", "closed")  # fmt: skip


class SqlOtpStore:
    """OtpStore bound to one connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._dialect: Any = postgresql if connection.dialect.name == "postgresql" else sqlite

    async def open_challenge(self, chat_key: str) -> Challenge | None:
        query = (
            select(CHALLENGE)
            .where(CHALLENGE.c.chat_key == chat_key, CHALLENGE.c.closed.is_(False))
            .order_by(CHALLENGE.c.created_at.desc(), CHALLENGE.c.id.desc())
            .limit(1)
        )
        row = (await self._connection.execute(query)).first()
        return Challenge(**{name: getattr(row, name) for name in _FIELDS}) if row else None

    async def save_challenge(self, challenge: Challenge) -> None:
        values = {name: getattr(challenge, name) for name in _FIELDS}
        statement = self._dialect.insert(CHALLENGE).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["id"],
            set_={"attempts": challenge.attempts, "closed": challenge.closed},
        )
        await self._connection.execute(statement)

    async def record_send(self, account: str, chat_key: str, source: str, at: datetime) -> None:
        await self._connection.execute(
            SEND.insert().values(account=account, chat_key=chat_key, source=source, sent_at=at)
        )

    async def sends(
        self,
        since: datetime,
        *,
        account: str | None = None,
        chat_key: str | None = None,
        source: str | None = None,
    ) -> list[datetime]:
        query = select(SEND.c.sent_at).where(SEND.c.sent_at > since)
        if account is not None:
            query = query.where(SEND.c.account == account)
        if chat_key is not None:
            query = query.where(SEND.c.chat_key == chat_key)
        if source is not None:
            query = query.where(SEND.c.source == source)
        return list((await self._connection.execute(query)).scalars())

    async def lockout(self, account: str) -> Lockout | None:
        query = select(LOCKOUT).where(LOCKOUT.c.account == account)
        row = (await self._connection.execute(query)).first()
        return Lockout(row.account, row.failures, row.locked_until) if row else None

    async def save_lockout(self, lockout: Lockout) -> None:
        values = {"failures": lockout.failures, "locked_until": lockout.locked_until}
        statement = self._dialect.insert(LOCKOUT).values(account=lockout.account, **values)
        statement = statement.on_conflict_do_update(index_elements=["account"], set_=values)
        await self._connection.execute(statement)

    async def erase(self, chat_keys: Sequence[str]) -> None:
        """Forget the codes and sends of these chats."""
        if chat_keys:
            await self._connection.execute(
                CHALLENGE.delete().where(CHALLENGE.c.chat_key.in_(chat_keys))
            )
            await self._connection.execute(SEND.delete().where(SEND.c.chat_key.in_(chat_keys)))
