"""Which chats can still be reached: a user who blocked the bot is marked inactive."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.tables import ChatStatusRow

STATUS = ChatStatusRow.__table__  # type: ignore[attr-defined]


async def set_active(engine: AsyncEngine, chat_key: str, active: bool, reason: str = "") -> None:
    """Record that a chat can (or can no longer) be reached, and why."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    values = {"active": active, "reason": reason[:60], "updated_at": datetime.now(UTC)}
    statement = dialect.insert(STATUS).values(chat_key=chat_key, **values)
    statement = statement.on_conflict_do_update(index_elements=["chat_key"], set_=values)
    async with engine.begin() as connection:
        await connection.execute(statement)


async def is_active(engine: AsyncEngine, chat_key: str) -> bool:
    """False only for a chat marked inactive."""
    async with engine.connect() as connection:
        row = (
            await connection.execute(select(STATUS.c.active).where(STATUS.c.chat_key == chat_key))
        ).first()
    return row is None or bool(row.active)
