"""One scheduler per database: a PostgreSQL advisory lock held on a dedicated connection, or
an exclusive lock on a file next to the SQLite database. Both vanish with the process, so a
crashed scheduler never blocks its successor."""

from __future__ import annotations

import asyncio
import fcntl
import os
from pathlib import Path
from typing import Any, Protocol

import asyncpg
from sqlalchemy.engine import make_url

from bot.settings import Settings

LOCK_KEY = 0x6476_6362_6F74  # "dvcbot": the advisory lock's key


class SchedulerBusy(RuntimeError):
    """Another scheduler holds the lock."""


class SchedulerLock(Protocol):
    """A held lock."""

    async def release(self) -> None:
        """Let another scheduler start."""
        ...


class _PostgresLock:
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def release(self) -> None:
        await self._connection.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
        await self._connection.close()


class _FileLock:
    def __init__(self, descriptor: int) -> None:
        self._descriptor = descriptor

    async def release(self) -> None:
        fcntl.flock(self._descriptor, fcntl.LOCK_UN)
        os.close(self._descriptor)


def _sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database or ""
    if database in ("", ":memory:"):
        return Path(settings.data_dir) / "scheduler.lock"
    return Path(database).with_suffix(".scheduler.lock")


async def acquire_scheduler_lock(settings: Settings) -> SchedulerLock:
    """The lock, or SchedulerBusy when another scheduler runs on this database."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "postgresql":
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(plain)
        if not await connection.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY):
            await connection.close()
            raise SchedulerBusy("another dvc-bot scheduler is running on this database")
        return _PostgresLock(connection)
    path = _sqlite_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = await asyncio.to_thread(os.open, path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise SchedulerBusy("another dvc-bot scheduler is running on this database") from None
    return _FileLock(descriptor)
