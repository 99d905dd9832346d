"""The SQL unit of work: one connection, one transaction, every repository bound to it.

Repositories run SQLAlchemy Core statements on the connection directly: the hot path of a
chat update is a handful of small statements, and the ORM session would only add overhead.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

from storage.conversations import SqlConversationStore
from storage.drafts import SqlDraftRepository


class SqlUnitOfWork:
    """Commit explicitly; leaving the block without commit rolls everything back."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._transaction: AsyncTransaction | None = None

    async def __aenter__(self) -> Self:
        self._connection = await self._engine.connect()
        try:
            self._transaction = await self._connection.begin()
        except BaseException:
            await self._connection.close()
            raise
        self.conversations = SqlConversationStore(self._connection)
        self.drafts = SqlDraftRepository(self._connection)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._connection is not None and self._transaction is not None
        try:
            if self._transaction.is_active:
                await self._transaction.rollback()
        finally:
            await self._connection.close()
            self._connection = self._transaction = None

    async def commit(self) -> None:
        """Write what is pending and make the work durable."""
        assert self._transaction is not None
        await self.drafts.flush()
        await self._transaction.commit()


class SqlUnitOfWorkFactory:
    """Opens SqlUnitOfWork instances on one engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._engine)
