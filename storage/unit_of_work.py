"""The SQL unit of work: one session, one transaction, all repositories bound to it."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.conversations import SqlConversationStore
from storage.drafts import SqlDraftRepository


class SqlUnitOfWork:
    """Commit explicitly; leaving the block without commit rolls everything back."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        await self._session.begin()
        self.conversations = SqlConversationStore(self._session)
        self.drafts = SqlDraftRepository(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            if self._session.in_transaction():
                await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    async def commit(self) -> None:
        """Make the work durable."""
        assert self._session is not None
        await self._session.commit()


class SqlUnitOfWorkFactory:
    """Opens SqlUnitOfWork instances over one session factory."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions)
