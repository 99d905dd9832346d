"""The embedded database's write-ahead log is copied back into the database file by the inline
unit of work's checkpoint thread, not inside a COMMIT on the event loop: what a chat wrote
reaches the file soon after, the log stays small under a stream of writes, and disposing the
factory leaves everything in the file."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.sqlite_checkpoint import SAFETY_PAGES
from storage.sqlite_inline import InlineSqliteUnitOfWorkFactory
from tests.contract.conftest import KEYS

T0 = datetime(2026, 12, 7, 17, 30, tzinfo=UTC)  # 00:30 the next day in Vietnam


def in_file(path: Path, name: str) -> int | None:
    """A cursor's position as the database *file* holds it (the log not read: immutable)."""
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as connection:
        row = connection.execute(
            "SELECT position FROM job_cursor WHERE name = ?", (name,)
        ).fetchone()
    return None if row is None else int(row[0])


def size(path: Path) -> int:
    return os.stat(path).st_size if os.path.exists(path) else 0


async def write(factory: InlineSqliteUnitOfWorkFactory, name: str, value: int) -> None:
    async with factory() as uow:
        await uow.cursors.set(name, value, T0)
        await uow.commit()


async def until(check: object, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if callable(check) and check():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_a_commit_reaches_the_database_file_soon_without_the_loop_checkpointing(
    sqlite_engine: AsyncEngine, tmp_path: Path
) -> None:
    factory = InlineSqliteUnitOfWorkFactory(str(sqlite_engine.url), KEYS)
    path = Path(str(sqlite_engine.url.database))
    try:
        await write(factory, "telegram:getUpdates", 1)
        assert factory.checkpointer is not None
        # Only a checkpoint copies the row into the file; the serving connection would do it
        # only past SAFETY_PAGES of log, far from one small commit.
        assert await until(lambda: in_file(path, "telegram:getUpdates") == 1)
        driver = factory.connection().connection.driver_connection
        assert driver.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == SAFETY_PAGES
        await write(factory, "telegram:getUpdates", 2)
        assert await until(lambda: in_file(path, "telegram:getUpdates") == 2)
    finally:
        factory.dispose()


async def test_the_log_stays_small_under_a_stream_of_commits(sqlite_engine: AsyncEngine) -> None:
    factory = InlineSqliteUnitOfWorkFactory(str(sqlite_engine.url), KEYS)
    wal = Path(f"{sqlite_engine.url.database}-wal")
    biggest = 0
    try:
        for n in range(3_000):  # a chat step's commit, then the loop's other work
            async with factory() as uow:
                for k in range(3):
                    await uow.cursors.set(f"chat:{n}:{k}", n, T0)
                await uow.commit()
            await asyncio.sleep(0.001)
            if n % 100 == 0:
                biggest = max(biggest, size(wal))
        assert factory.checkpointer is not None and factory.checkpointer.checkpoints > 1
        # Started again at SAFETY_PAGES at the latest (the thread copied the log ahead).
        assert biggest < SAFETY_PAGES * 4096 * 3 // 2, biggest
    finally:
        factory.dispose()
    assert in_file(Path(str(sqlite_engine.url.database)), "chat:2999:2") == 2999


async def test_disposing_leaves_every_commit_in_the_file_and_a_later_commit_works(
    sqlite_engine: AsyncEngine,
) -> None:
    factory = InlineSqliteUnitOfWorkFactory(str(sqlite_engine.url), KEYS)
    path = Path(str(sqlite_engine.url.database))
    await write(factory, "zalo:since", 41)
    factory.dispose()
    assert in_file(path, "zalo:since") == 41
    await write(factory, "zalo:since", 42)  # the factory opens again, and checkpoints again
    try:
        assert await until(lambda: in_file(path, "zalo:since") == 42)
    finally:
        factory.dispose()


async def test_an_in_memory_database_has_no_checkpoint_thread() -> None:
    factory = InlineSqliteUnitOfWorkFactory("sqlite+aiosqlite:///:memory:", KEYS)
    assert factory.checkpointer is None
    factory.dispose()
