"""The SQL unit of work: one connection, one transaction, every repository bound to it.

Repositories run SQLAlchemy Core statements on the connection directly: the hot path of a
chat update is a handful of small statements, and the ORM session would only add overhead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

from services.keyed_hash import KeyedHasher
from storage.broadcasts import SqlBroadcastRepository, SqlChatDirectory, SqlJobCursors
from storage.chat_history import SqlChatHistory
from storage.citizens import SqlCitizenRepository, SqlConsentRepository
from storage.conversations import SqlConversationStore
from storage.crypto import JsonCipher
from storage.documents import SqlDocumentRepository
from storage.dossiers import SqlDossierRepository, SqlPaymentEventRepository
from storage.drafts import SqlDraftRepository
from storage.handovers import SqlHandoverOutbox
from storage.inbox import SqlInbox
from storage.otp_store import SqlOtpStore
from storage.outbox import SqlOutbox
from storage.processed_retention import SqlProcessedRetention
from storage.ratings import SqlRatingRepository
from storage.talks import SqlTalks
from storage.wake import Signal, WakeTopics
from storage.web_sessions import SqlWebSessions


@dataclass(frozen=True)
class StorageKeys:
    """What protects personal data at rest: the cipher and the keyed hasher."""

    cipher: JsonCipher
    hasher: KeyedHasher


class Repositories:
    """Every repository bound to one connection (async, or inline for SQLite).

    Each is built on first use: a unit of work uses a few of them, and building all of them
    for each one cost more than some of its statements."""

    def __init__(
        self,
        connection: Any,
        keys: StorageKeys,
        wake: Callable[[str], None] | None = None,
        handover: bool = False,
    ) -> None:
        if "_bound" in self.__dict__:  # bound again: none left on the earlier connection
            for name in _REPOSITORIES:
                self.__dict__.pop(name, None)
        self._bound = connection
        self._cipher = keys.cipher
        self._hasher = keys.hasher
        self._wake_on_commit = wake
        self._queue_handovers = handover

    async def _flush_drafts(self) -> None:
        """Write the drafts' pending updates, if any were read (before commit)."""
        if "drafts" in self.__dict__:
            await self.drafts.flush()

    @cached_property
    def conversations(self) -> SqlConversationStore:
        return SqlConversationStore(self._bound, self._cipher)

    @cached_property
    def drafts(self) -> SqlDraftRepository:
        return SqlDraftRepository(self._bound, self._cipher)

    @cached_property
    def citizens(self) -> SqlCitizenRepository:
        return SqlCitizenRepository(self._bound, self._cipher, self._hasher)

    @cached_property
    def consents(self) -> SqlConsentRepository:
        return SqlConsentRepository(self._bound)

    @cached_property
    def otp(self) -> SqlOtpStore:
        return SqlOtpStore(self._bound)

    @cached_property
    def dossiers(self) -> SqlDossierRepository:
        return SqlDossierRepository(self._bound, self._cipher, self._wake_on_commit)

    @cached_property
    def documents(self) -> SqlDocumentRepository:
        return SqlDocumentRepository(self._bound, self._cipher)

    @cached_property
    def payments(self) -> SqlPaymentEventRepository:
        return SqlPaymentEventRepository(self._bound, self._cipher)

    @cached_property
    def ratings(self) -> SqlRatingRepository:
        return SqlRatingRepository(self._bound, self._cipher)

    @cached_property
    def outbox(self) -> SqlOutbox:
        return SqlOutbox(self._bound, self._cipher, self._wake_on_commit)

    @cached_property
    def inbox(self) -> SqlInbox:
        return SqlInbox(self._bound, self._cipher)

    @cached_property
    def broadcasts(self) -> SqlBroadcastRepository:
        return SqlBroadcastRepository(self._bound, self._cipher)

    @cached_property
    def chats(self) -> SqlChatDirectory:
        return SqlChatDirectory(self._bound)

    @cached_property
    def cursors(self) -> SqlJobCursors:
        return SqlJobCursors(self._bound)

    @cached_property
    def history(self) -> SqlChatHistory:  # the web chat's history
        return SqlChatHistory(self._bound, self._cipher)

    @cached_property
    def web_sessions(self) -> SqlWebSessions:
        return SqlWebSessions(self._bound)

    @cached_property
    def talks(self) -> SqlTalks:
        return SqlTalks(self._bound, self._cipher)

    @cached_property
    def handovers(self) -> SqlHandoverOutbox:
        return SqlHandoverOutbox(self._bound, self._cipher, self._queue_handovers)

    @cached_property
    def processed(self) -> SqlProcessedRetention:  # pruning (bot.retention)
        return SqlProcessedRetention(self._bound)


_REPOSITORIES = tuple(
    name for name, value in vars(Repositories).items() if isinstance(value, cached_property)
)


class SqlUnitOfWork(Repositories):
    """Commit explicitly; leaving the block without commit rolls everything back."""

    def __init__(
        self,
        engine: AsyncEngine,
        keys: StorageKeys,
        signal: Signal | None = None,
        handover: bool = False,
    ):
        self._engine = engine
        self._keys = keys
        self._handover = handover
        self._connection: AsyncConnection | None = None
        self._transaction: AsyncTransaction | None = None
        self._wakes = WakeTopics(signal)

    def wake(self, topic: str) -> None:
        """Wake `topic`'s listeners once this unit of work commits (see storage.wake)."""
        self._wakes.add(topic)

    async def __aenter__(self) -> Self:
        self._connection = await self._engine.connect()
        try:
            self._transaction = await self._connection.begin()
        except BaseException:
            await self._connection.close()
            raise
        Repositories.__init__(self, self._connection, self._keys, self.wake, self._handover)
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
            self._wakes.discard()
            await self._connection.close()
            self._connection = self._transaction = None

    async def commit(self) -> None:
        """Write what is pending and make the work durable."""
        assert self._transaction is not None
        await self._flush_drafts()
        assert self._connection is not None
        await self._wakes.notify(self._connection)
        await self._transaction.commit()
        self._wakes.committed()


class SqlUnitOfWorkFactory:
    """Opens SqlUnitOfWork instances on one engine."""

    def __init__(
        self,
        engine: AsyncEngine,
        keys: StorageKeys,
        signal: Signal | None = None,
        handover: bool = False,
    ):
        self._engine = engine
        self.keys = keys
        self.signal = signal  # called with each woken topic after a commit
        self.handover = handover  # queue hand-overs to the one-stop system (services.handover)

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._engine, self.keys, self.signal, self.handover)
