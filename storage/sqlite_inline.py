"""A faster unit of work for the embedded SQLite database: statements run inline.

aiosqlite runs every statement on a helper thread and wakes the event loop for each result:
about 0.36 ms per statement here, which alone caps a chat step (7 statements) near 400/s.
A local SQLite statement itself takes microseconds, so this unit of work runs them directly
on the event loop through SQLAlchemy's synchronous pysqlite driver, one transaction at a time
(an asyncio lock; SQLite admits one writer anyway). Waiting for another *process's* write lock
is bounded by a short busy timeout. Same tables, same statements, same repositories.

The statements of a chat update's hot path (marked with storage.prepared) skip SQLAlchemy's
execution machinery as well (about 0.1 ms of Python per statement, against the statement's own
0.015 ms): each is compiled once per set of parameter names, its SQL, parameter order and
bind/result processors kept, and it runs straight on the sqlite3 cursor (see _Plan). Anything
else (a statement built per call, executemany, expanding or defaulted parameters, RETURNING)
still goes through SQLAlchemy.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import sqlite3
from collections import namedtuple
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, cast

from sqlalchemy import JSON, Connection, Engine, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound
from sqlalchemy.sql.compiler import SQLCompiler

from storage.crypto import MARK
from storage.prepared import PREPARED
from storage.sqlite_checkpoint import SAFETY_PAGES, Checkpointer
from storage.types import UtcDateTime
from storage.unit_of_work import Repositories, StorageKeys
from storage.wake import Signal, WakeTopics

BUSY_TIMEOUT_MS = 2000
# In a connection's `info` while a unit of work has begun its transaction on the driver itself:
# a statement SQLAlchemy runs meanwhile joins it instead of beginning one.
OWN_TRANSACTION = "dvc_own_transaction"


_Slot = tuple[str | None, Callable[[Any], Any] | None, Any]  # (parameter name, processor, value)
_NOT_PREPARED: Any = object()  # in the plan cache: SQLAlchemy runs this one


class _Plan:
    """A marked statement compiled once for one set of parameter names: what it takes to run it
    on the sqlite3 cursor exactly as SQLAlchemy's execution would."""

    __slots__ = ("processors", "row", "slots", "sql")

    def __init__(
        self,
        sql: str,
        slots: Sequence[_Slot],
        row: type[tuple[Any, ...]] | None,
        processors: Sequence[tuple[int, Callable[[Any], Any]]],
    ) -> None:
        self.sql = sql
        self.slots = slots  # one per "?" in order
        self.row = row  # None: no rows (INSERT, UPDATE, DELETE)
        self.processors = processors  # (column index, result processor)

    @classmethod
    def of(cls, statement: Any, names: tuple[str, ...], dialect: Dialect) -> _Plan | None:
        """The plan, or None where the statement needs more than this fast path offers."""
        compiled = statement.compile(dialect=dialect, column_keys=sorted(names))
        if (
            not isinstance(compiled, SQLCompiler)
            or not compiled.positional
            or compiled.positiontup is None
            or compiled.literal_execute_params
            or compiled.post_compile_params
            or compiled.insert_prefetch
            or compiled.update_prefetch
            or compiled.escaped_bind_names
            or compiled.effective_returning
            or statement._execution_options
        ):
            return None
        given = set(names)
        slots: list[_Slot] = []
        processors = compiled._bind_processors
        for name in compiled.positiontup:
            bind = compiled.binds[name]
            processor = processors.get(name)
            if bind.callable is not None or not (processor is None or callable(processor)):
                return None  # a value computed at execution, or a tuple's processors
            process = _faster(bind.type, cast("Callable[[Any], Any] | None", processor))
            if bind.key in given:
                slots.append((bind.key, process, None))
            elif name in given:
                slots.append((name, process, None))
            elif bind.required:
                return None  # SQLAlchemy raises its own error
            else:  # a value built into the statement
                slots.append((None, None, process(bind.value) if process else bind.value))
        columns = compiled._result_columns
        if compiled.isinsert or compiled.isupdate or compiled.isdelete:
            return cls(compiled.string, slots, None, ()) if not columns else None
        if (
            not statement.is_select
            or not compiled._ordered_columns
            or compiled._textual_ordered_columns
        ):
            return None
        keys = [column.keyname for column in columns]
        try:
            row: type[tuple[Any, ...]] = namedtuple("Row", keys)  # type: ignore[misc]
        except ValueError:  # a name that is no attribute
            return None
        result_processors = []
        for index, column in enumerate(columns):
            process = column.type._cached_result_processor(dialect, None)
            if process is not None:
                result_processors.append((index, process))
        return cls(compiled.string, slots, row, result_processors)


def _faster(kind: Any, process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """The bind processor of a type, or one that gives the same text for the values the hot
    path binds most and leaves any other to it: a UTC time, a sealed JSON value."""
    if process is None:
        return None
    if isinstance(kind, UtcDateTime):
        return functools.partial(_utc_text, process)
    if isinstance(kind, JSON):
        return functools.partial(_sealed_text, process)
    return process


def _utc_text(process: Callable[[Any], Any], value: Any) -> Any:
    # UtcDateTime then SQLite's DATETIME: the UTC wall time as "YYYY-MM-DD HH:MM:SS.ffffff".
    if type(value) is datetime and value.tzinfo is not None:
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None).isoformat(" ", "microseconds")
    return process(value)


_TOKEN = re.compile(r"[A-Za-z0-9+/=.]*")  # what storage.crypto's sealed text is made of


def _sealed_text(process: Callable[[Any], Any], value: Any) -> Any:
    # JSON: a value sealed by storage.crypto, {"$enc": "v1.<base64>"}, as json.dumps writes it.
    if type(value) is dict and len(value) == 1:
        token = value.get(MARK)
        if type(token) is str and _TOKEN.fullmatch(token):
            return '{"' + MARK + '": "' + token + '"}'
    return process(value)


class InlineResult:
    """What the repositories use of a result, for a statement run on the fast path."""

    __slots__ = ("_rows", "lastrowid", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int, lastrowid: int | None = None) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid  # an INSERT's new row id (as the driver's cursor gives it)

    def __iter__(self) -> Any:
        return iter(self._rows)

    def all(self) -> list[Any]:
        return self._rows

    def fetchall(self) -> list[Any]:
        return self._rows

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def one_or_none(self) -> Any:
        if len(self._rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return self.first()

    def one(self) -> Any:
        row = self.one_or_none()
        if row is None:
            raise NoResultFound("No row was found when one was required")
        return row

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalar_one_or_none(self) -> Any:
        row = self.one_or_none()
        return None if row is None else row[0]

    def scalar_one(self) -> Any:
        return self.one()[0]


class InlineConnection:
    """The async `execute` the repositories call, over a synchronous connection."""

    def __init__(self, connection: Connection, plans: dict[tuple[Any, ...], Any]) -> None:
        self._connection = connection
        self._plans = plans  # the factory's: (id(statement), parameter names) -> _Plan
        self._cursor: Any = None
        self.open = True  # the unit of work's transaction is open (see InlineSqliteUnitOfWork)

    @property
    def dialect(self) -> Dialect:
        """The SQL dialect (sqlite)."""
        return self._connection.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        """Run a statement now; the result is already fully available."""
        if id(statement) in PREPARED and type(parameters) is dict:
            key = (id(statement), *parameters)
            plan = self._plans.get(key)
            if plan is None:
                plan = self._plans[key] = (
                    _Plan.of(statement, tuple(parameters), self.dialect) or _NOT_PREPARED
                )
            # Only inside the unit of work's transaction (after it, SQLAlchemy begins another).
            if plan is not _NOT_PREPARED and self.open:
                try:
                    values = [
                        value
                        if name is None
                        else process(parameters[name])
                        if process
                        else parameters[name]
                        for name, process, value in plan.slots
                    ]
                except Exception:  # noqa: BLE001  # a value refused: SQLAlchemy raises its StatementError
                    return self._connection.execute(statement, parameters)
                return self._run(plan, values)
        return self._connection.execute(statement, parameters)

    def _run(self, plan: _Plan, values: list[Any]) -> InlineResult:
        cursor = self._cursor
        if cursor is None:
            cursor = self._cursor = _driver(self._connection).cursor()
        try:
            cursor.execute(plan.sql, values)
            rows = cursor.fetchall() if plan.row is not None else []
        except Exception as error:  # noqa: BLE001  # wrapped (a lost connection invalidated) as usual
            self._cursor = None  # SQLAlchemy closes it
            self._connection._handle_dbapi_exception(error, plan.sql, values, cursor, None)
        if plan.row is not None:
            make = tuple.__new__
            if plan.processors:
                processed = []
                for raw in rows:
                    row = list(raw)
                    for index, process in plan.processors:
                        row[index] = process(row[index])
                    processed.append(make(plan.row, row))
                rows = processed
            else:
                rows = [make(plan.row, raw) for raw in rows]
        return InlineResult(rows, cursor.rowcount, cursor.lastrowid)


def inline_engine(url: str, autocheckpoint: int | None = None) -> Engine:
    """A synchronous engine on the same SQLite file, with the same pragmas (`autocheckpoint`:
    the connection's own WAL checkpoint threshold in pages, when not SQLite's default)."""
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
        if autocheckpoint is not None:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Straight on the driver's connection: SQLAlchemy's statement machinery cost more than
        # the statement on every transaction. A transaction SQLite still holds open (a COMMIT
        # that failed) is rolled back first: it must not block every transaction after it.
        if connection.info.get(OWN_TRANSACTION):  # already begun by the unit of work
            return
        _begin(_driver(connection))

    return engine


def _begin(driver: Any) -> None:
    """BEGIN IMMEDIATE on a sqlite3 connection; a transaction it still holds open (a COMMIT
    that failed) is rolled back first: it must not block every transaction after it."""
    if driver.in_transaction:
        driver.rollback()
    driver.execute("BEGIN IMMEDIATE")


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
            self._connection = connection = self._factory.connection()
            # BEGIN IMMEDIATE straight on the driver (SQLAlchemy's transaction machinery cost
            # more than the statement, at each begin and commit); a statement SQLAlchemy runs
            # inside joins it (OWN_TRANSACTION). A transaction SQLite still holds open (a
            # COMMIT that failed) is rolled back first.
            _begin(_driver(connection))
            connection.info[OWN_TRANSACTION] = True
        except BaseException:
            self._factory.discard()
            self._factory.lock.release()
            raise
        self._inline = InlineConnection(connection, self._factory.plans)
        Repositories.__init__(
            self, self._inline, self._factory.keys, self.wake, self._factory.handover
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
            self._inline.open = False
            self._connection.info.pop(OWN_TRANSACTION, None)
            # SQLAlchemy's view of it first (a statement it ran), then SQLite's: not committed,
            # or a COMMIT that failed.
            if self._connection.get_transaction() is not None:
                self._connection.rollback()
            driver = _driver(self._connection)
            if driver.in_transaction:
                driver.rollback()
            if driver.in_transaction:
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
        await self._flush_drafts()
        self._inline.open = False
        self._connection.info.pop(OWN_TRANSACTION, None)
        try:
            _driver(self._connection).commit()
        except sqlite3.Error as error:  # as SQLAlchemy raises it (IntegrityError, …)
            raise DBAPIError.instance("COMMIT", None, error, sqlite3.Error) from error
        if self._connection.in_transaction():  # SQLAlchemy ran a statement: its view ends too
            self._connection.commit()  # (the driver has nothing left to commit)
        if self._factory.checkpointer is not None:
            self._factory.checkpointer.committed()
        self._wakes.committed()


class InlineSqliteUnitOfWorkFactory:
    """Opens inline units of work on one SQLite file, one at a time, all on one connection
    kept open (checking a connection out of the pool for each one cost more than a step's
    statements)."""

    def __init__(
        self, url: str, keys: StorageKeys, signal: Signal | None = None, handover: bool = False
    ) -> None:
        database = make_url(url).database
        on_file = bool(database) and database != ":memory:" and "mode=memory" not in url
        # A file's log is checkpointed by a thread (storage.sqlite_checkpoint), not in a COMMIT
        # on the event loop; the connection's own checkpoint stays as the safety net.
        self.checkpointer = Checkpointer(str(database)) if on_file else None
        self.engine = inline_engine(url, SAFETY_PAGES if on_file else None)
        self.keys = keys
        self.signal = signal  # called with each woken topic after a commit
        self.handover = handover  # queue hand-overs to the one-stop system (services.handover)
        self.lock = asyncio.Lock()
        self.plans: dict[tuple[Any, ...], Any] = {}  # see InlineConnection.execute
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
        """Close the kept and the pooled connections (after a last checkpoint)."""
        self.discard()
        self.engine.dispose()
        if self.checkpointer is not None:
            self.checkpointer.stop()
