"""The SQL unit of work: one connection, one transaction, every repository bound to it.

Repositories run SQLAlchemy Core statements on the connection directly: the hot path of a
chat update is a handful of small statements, and the ORM session would only add overhead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    """Every repository bound to one connection (async, or inline for SQLite)."""

    def __init__(
        self,
        connection: Any,
        keys: StorageKeys,
        wake: Callable[[str], None] | None = None,
        handover: bool = False,
    ) -> None:
        self.conversations = SqlConversationStore(connection, keys.cipher)
        self.drafts = SqlDraftRepository(connection, keys.cipher)
        self.citizens = SqlCitizenRepository(connection, keys.cipher, keys.hasher)
        self.consents = SqlConsentRepository(connection)
        self.otp = SqlOtpStore(connection)
        self.dossiers = SqlDossierRepository(connection, keys.cipher, wake)
        self.documents = SqlDocumentRepository(connection, keys.cipher)
        self.payments = SqlPaymentEventRepository(connection, keys.cipher)
        self.ratings = SqlRatingRepository(connection, keys.cipher)
        self.outbox = SqlOutbox(connection, keys.cipher, wake)
        self.inbox = SqlInbox(connection, keys.cipher)
        self.broadcasts = SqlBroadcastRepository(connection, keys.cipher)
        self.chats = SqlChatDirectory(connection)
        self.cursors = SqlJobCursors(connection)
        self.history = SqlChatHistory(connection, keys.cipher)  # the web chat's history
        self.web_sessions = SqlWebSessions(connection)
        self.talks = SqlTalks(connection, keys.cipher)
        self.handovers = SqlHandoverOutbox(connection, keys.cipher, handover)
        self.processed = SqlProcessedRetention(connection)  # pruning (bot.retention)


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
        await self.drafts.flush()
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
