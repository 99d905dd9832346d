"""The async engine: SQLite (embedded default) or PostgreSQL, chosen by the database URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def normalise_url(url: str) -> str:
    """Pick the async driver for plain URLs (sqlite:///…, postgresql://…)."""
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    """An engine for `url`; for SQLite the file's folder is created and WAL mode is used."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, echo)
    # Every unit of work ends in an explicit commit or rollback, so the pool's own rollback
    # on check-in would only cost a round trip; a dropped connection is detected on use and
    # the pool refreshed, so no ping before each checkout either.
    return create_async_engine(url, echo=echo, pool_size=pool_size, pool_reset_on_return=None)


# Execution option of a connection that only reads (its SQLite transaction takes no write lock).
READ_ONLY = "dvc_read_only"


def _sqlite_engine(url: str, database: str | None, echo: bool) -> AsyncEngine:
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transactions into our own hands so that BEGIN IMMEDIATE can be issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock at the start: a read-then-write transaction can then never
        # fail half-way with "database is locked", and chats' updates queue in order.
        # A read-only probe (/readyz) takes none: holding the write lock on aiosqlite's
        # thread while the inline unit of work waits for it on the event loop stalls both
        # until the busy timeout (a probe during start-up made `dvc-bot run` exit).
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
