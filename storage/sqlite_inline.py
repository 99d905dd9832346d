"""A faster unit of work for the embedded SQLite database: statements run inline.

aiosqlite runs every statement on a helper thread and wakes the event loop for each result:
about 0.36 ms per statement here, which alone caps a chat step (7 statements) near 400/s.
A local SQLite statement itself takes microseconds, so this unit of work runs them directly
on the event loop through SQLAlchemy's synchronous pysqlite driver, one transaction at a time
(an asyncio lock; SQLite admits one writer anyway). Waiting for another *process's* write lock
is bounded by a short busy timeout. Same tables, same statements, same repositories.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import Dialect, make_url

from storage.unit_of_work import Repositories, StorageKeys
from storage.wake import Signal, WakeTopics

BUSY_TIMEOUT_MS = 2000


class InlineConnection:
    """The async `execute` the repositories call, over a synchronous connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @property
    def dialect(self) -> Dialect:
        """The SQL dialect (sqlite)."""
        return self._connection.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        """Run a statement now; the result is already fully available."""
        return self._connection.execute(statement, parameters)


def inline_engine(url: str) -> Engine:
    """A synchronous engine on the same SQLite file, with the same pragmas."""
    parsed = make_url(url).set(drivername="sqlite+pysqlite")
    engine = create_engine(parsed, pool_reset_on_return=None)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Straight on the driver's connection: SQLAlchemy's statement machinery cost more than
        # the statement on every transaction. A transaction SQLite still holds open (a COMMIT
        # that failed) is rolled back first: it must not block every transaction after it.
        driver = connection.connection.driver_connection
        if driver.in_transaction:
            driver.rollback()
        driver.execute("BEGIN IMMEDIATE")

    return engine


def _driver(connection: Connection) -> Any:
    """The sqlite3 connection under a SQLAlchemy one."""
    return connection.connection.driver_connection


class InlineSqliteUnitOfWork(Repositories):
    """One transaction on the inline engine; commit explicitly, otherwise it rolls back."""

    def __init__(self, factory: InlineSqliteUnitOfWorkFactory) -> None:
        self._factory = factory
        self._connection: Connection | None = None
        self._wakes = WakeTopics(factory.signal)

    def wake(self, topic: str) -> None:
        """Wake `topic`'s listeners once this unit of work commits (see storage.wake)."""
        self._wakes.add(topic)

    async def __aenter__(self) -> Self:
        await self._factory.lock.acquire()
        try:
            self._connection = self._factory.connection()
            self._connection.begin()
        except BaseException:
            self._factory.discard()
            self._factory.lock.release()
            raise
        Repositories.__init__(
            self,
            InlineConnection(self._connection),
            self._factory.keys,
            self.wake,
            self._factory.handover,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._connection is not None
        try:
            # Also a transaction whose COMMIT failed: inactive for SQLAlchemy, maybe still
            # open in SQLite.
            if self._connection.get_transaction() is not None:
                self._connection.rollback()
            if _driver(self._connection).in_transaction:
                self._factory.discard()
        except BaseException:
            self._factory.discard()  # a connection that cannot roll back is not used again
            raise
        finally:
            self._wakes.discard()
            self._connection = None
            self._factory.lock.release()

    async def commit(self) -> None:
        """Write what is pending and make the work durable."""
        assert self._connection is not None
        await self.drafts.flush()
        self._connection.commit()
        self._wakes.committed()


class InlineSqliteUnitOfWorkFactory:
    """Opens inline units of work on one SQLite file, one at a time, all on one connection
    kept open (checking a connection out of the pool for each one cost more than a step's
    statements)."""

    def __init__(
        self, url: str, keys: StorageKeys, signal: Signal | None = None, handover: bool = False
    ) -> None:
        self.engine = inline_engine(url)
        self.keys = keys
        self.signal = signal  # called with each woken topic after a commit
        self.handover = handover  # queue hand-overs to the one-stop system (services.handover)
        self.lock = asyncio.Lock()
        self._connection: Connection | None = None

    def __call__(self) -> InlineSqliteUnitOfWork:
        return InlineSqliteUnitOfWork(self)

    def connection(self) -> Connection:
        """The kept connection (opened on first use, or again after a failure)."""
        if self._connection is None or self._connection.closed:
            self._connection = self.engine.connect()
        return self._connection

    def discard(self) -> None:
        """Close the kept connection; the next unit of work opens a new one."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.invalidate()  # its driver connection is closed, not pooled again
                connection.close()

    def dispose(self) -> None:
        """Close the kept and the pooled connections."""
        self.discard()
        self.engine.dispose()
