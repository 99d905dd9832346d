"""A readiness probe on the embedded SQLite database never holds the write lock.

/readyz reads through the async engine (aiosqlite's thread) while the inline unit of work
writes on the event loop itself. Had the probe taken the write lock, the writer would wait on
the event loop that the probe needs to finish, until the busy timeout failed the write: a probe
polled while `dvc-bot run` started its scheduler made the process exit.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bot.web.ops import readiness
from storage.database import READ_ONLY, create_engine
from storage.sqlite_inline import inline_engine


async def test_a_write_goes_through_while_a_probe_reads(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    engine, inline = create_engine(url), inline_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE beats (at INTEGER)"))
        async with engine.connect() as probe:  # as /readyz reads, its transaction still open
            await probe.execution_options(**{READ_ONLY: True})
            assert (await probe.execute(text("SELECT 1"))).scalar() == 1
            with inline.connect() as writer:  # as the scheduler's heartbeat writes
                writer.execute(text("INSERT INTO beats VALUES (1)"))
                writer.commit()
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM beats"))).scalar() == 1
        assert (await readiness(engine))["database"] == "ok"
    finally:
        inline.dispose()
        await engine.dispose()
