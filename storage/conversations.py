"""The conversation store on SQL: chat state and processed updates, within one session."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.ports import StoredConversation
from storage.tables import ConversationRow, ProcessedUpdateRow


def upsert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that can take ON CONFLICT, in the session's dialect."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


class SqlConversationStore:
    """ConversationStore bound to one session (one transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._is_pg = session.bind is not None and session.bind.dialect.name == "postgresql"

    async def load(self, key: str) -> StoredConversation | None:
        table = ConversationRow.__table__  # type: ignore[attr-defined]
        if self._is_pg:
            # Create the row if needed, then lock it: concurrent workers handling the same
            # chat queue here, so its updates are applied one at a time.
            stmt = upsert(self._session, table).values(
                key=key, state={}, updated_at=datetime.now(UTC)
            )
            await self._session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
            query = select(table.c.state).where(table.c.key == key).with_for_update()
        else:
            query = select(table.c.state).where(table.c.key == key)
        state = (await self._session.execute(query)).scalar_one_or_none()
        if not state:
            return None
        return StoredConversation(key, state)

    async def save(self, key: str, state: Mapping[str, Any]) -> None:
        table = ConversationRow.__table__  # type: ignore[attr-defined]
        now = datetime.now(UTC)
        stmt = upsert(self._session, table).values(key=key, state=dict(state), updated_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"], set_={"state": stmt.excluded.state, "updated_at": now}
        )
        await self._session.execute(stmt)

    async def replies_for(self, key: str, update_id: str) -> Sequence[Any] | None:
        table = ProcessedUpdateRow.__table__  # type: ignore[attr-defined]
        query = select(table.c.replies).where(
            table.c.chat_key == key, table.c.update_id == update_id
        )
        replies = (await self._session.execute(query)).scalar_one_or_none()
        return None if replies is None else list(replies)

    async def record(self, key: str, update_id: str, replies: Sequence[Any]) -> None:
        table = ProcessedUpdateRow.__table__  # type: ignore[attr-defined]
        await self._session.execute(
            table.insert().values(
                chat_key=key,
                update_id=update_id,
                replies=list(replies),
                created_at=datetime.now(UTC),
            )
        )
