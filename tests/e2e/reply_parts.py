"""Reading joined replies as their parts: a reply's texts joined into one message
(conversations.compaction) are read as the messages they were before joining, so that tests
name each part by its catalogue id. The parts' ids come from the outbox rows of the chat."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import Callable, Sequence

from sqlalchemy import create_engine, select

from bot.bootstrap import Application
from conversations.compaction import JOINED, parts
from conversations.messages import Outgoing
from services.codec import from_json
from storage.tables import OutboxRow

OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
Pattern = Callable[[str], re.Pattern[str]]


def joined_keys(app: Application, chat_key: str) -> list[tuple[str, ...]]:
    """The catalogue ids of the parts of each joined message queued for a chat."""
    url = app.engine.url.set(drivername="sqlite+pysqlite")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(OUTBOX.c.message).where(OUTBOX.c.recipient == chat_key)
            ).all()
    finally:
        engine.dispose()
    cipher = app.uow_factory.keys.cipher
    found = []
    for (sealed,) in rows:
        message = from_json(Outgoing, cipher.open(sealed, "outbox.message"))
        if message.text.key == JOINED:
            found.append(tuple(p.text.key for p in parts(message)))
    return found


def split_joined(body: str, candidates: Sequence[Sequence[str]], pattern: Pattern) -> list[str]:
    """`body` cut into the parts of the first candidate whose templates match it in full, or
    [body] when none does (a message that was not joined)."""
    for keys in sorted(candidates, key=len, reverse=True):
        joined = r"\n\n".join(f"({pattern(key).pattern})" for key in keys)
        found = re.fullmatch(joined, body, re.S)
        if found is not None:
            return [piece.strip() for piece in found.groups()[: len(keys)]]
    return [body]


async def unsettled(app: Application, chat_key: str) -> int:
    """Messages queued for a chat and not yet out (pending, or being sent). On SQLite read on
    a connection of its own: a transaction of the app's async engine would hold the write
    lock across awaits while the units of work run inline (see storage.sqlite_inline)."""
    query = select(OUTBOX.c.id).where(
        OUTBOX.c.recipient == chat_key, OUTBOX.c.status.in_(("pending", "sending"))
    )
    if app.engine.dialect.name == "sqlite":
        database = app.engine.url.database
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            sql = "SELECT count(*) FROM outbox WHERE recipient = ? AND status IN (?, ?)"
            return int(db.execute(sql, (chat_key, "pending", "sending")).fetchone()[0])
    async with app.engine.connect() as connection:
        return len((await connection.execute(query)).all())


async def delivered(app: Application, chat_key: str, seconds: float = 10.0) -> None:
    """Wait until the paced sender has delivered everything queued for a chat."""
    for _ in range(int(seconds / 0.01)):
        if not await unsettled(app, chat_key):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{chat_key}: messages still queued after {seconds}s")
