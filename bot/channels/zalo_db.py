"""The Zalo tables: each user's messaging window and pending menu, run as short transactions.

Transactions here are synchronous functions over a `Connection`. On PostgreSQL they run on the
app's async engine (`run_sync`); on SQLite in a worker thread on a synchronous engine, so a
transaction never holds the file's write lock across an `await`: the chat units of work run
inline on the event loop (storage.sqlite_inline) and would otherwise wait on a lock whose
holder needs the event loop to finish.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.zalo_render import Choice
from storage.crypto import DecryptionError, JsonCipher
from storage.sqlite_inline import inline_engine
from storage.tables import ZaloUserRow, table_of

T = TypeVar("T")
USERS = table_of(ZaloUserRow)
WINDOW = timedelta(hours=48)
REPLIES_PER_WINDOW = 8
MENU_COLUMN = "zalo_user.menu"
SQLITE_BUSY_MS = 15_000
KEEP_SEEN = 20


class ZaloDb:
    """Runs short transactions on the app's database without blocking the event loop."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.is_postgres = engine.dialect.name == "postgresql"
        self._sync = None
        if engine.dialect.name == "sqlite":
            self._sync = inline_engine(engine.url.render_as_string(hide_password=False))

            @event.listens_for(self._sync, "connect")
            def _patient(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
                cursor.close()

    @property
    def dialect(self) -> Any:
        """The SQLAlchemy dialect module for upserts."""
        return postgresql if self.is_postgres else sqlite

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one transaction and commit it."""
        if self._sync is None:
            async with self._engine.begin() as connection:
                return await connection.run_sync(work)
        return await asyncio.to_thread(self._run_sqlite, work)

    def _run_sqlite(self, work: Callable[[Connection], T]) -> T:
        assert self._sync is not None
        with self._sync.begin() as connection:  # BEGIN IMMEDIATE: the write lock at once
            return work(connection)

    def dispose(self) -> None:
        """Close the synchronous engine's connections."""
        if self._sync is not None:
            self._sync.dispose()


@dataclass(frozen=True, slots=True)
class Window:
    """When the user last wrote, how many replies went out since, and whether they follow."""

    last_inbound_at: datetime | None
    replies_since: int
    following: bool


def refusal(window: Window | None, now: datetime) -> str:
    """Why a message cannot go out now (Zalo's 8 replies within 48 h), or "" when it can."""
    if window is None or window.last_inbound_at is None:
        return "never_wrote"
    if now - window.last_inbound_at >= WINDOW:
        return "window_closed"
    if window.replies_since >= REPLIES_PER_WINDOW:
        return "replies_used_up"
    return ""


@dataclass(frozen=True, slots=True)
class Menu:
    """Buttons of the last long menu not shown yet, and the "#more" messages already served."""

    choices: tuple[Choice, ...] = ()
    seen: tuple[str, ...] = ()


class ZaloUsers:
    """The `zalo_user` rows; the pending menu is sealed (labels may name people or places)."""

    def __init__(self, db: ZaloDb, cipher: JsonCipher) -> None:
        self._db = db
        self._cipher = cipher

    def _upsert(self, user_id: str, **values: Any) -> Any:
        defaults = {"last_inbound_at": None, "replies_since": 0, "following": True, "menu": None}
        statement = self._db.dialect.insert(USERS).values(user_id=user_id, **{**defaults, **values})
        return statement.on_conflict_do_update(index_elements=["user_id"], set_=values)

    async def touch(self, user_id: str, now: datetime) -> None:
        """The user wrote: the window opens again and the reply count restarts."""
        statement = self._upsert(user_id, last_inbound_at=now, replies_since=0)
        await self._db.run(lambda c: c.execute(statement))

    async def set_following(self, user_id: str, following: bool) -> None:
        """Record a follow or an unfollow."""
        statement = self._upsert(user_id, following=following)
        await self._db.run(lambda c: c.execute(statement))

    async def window(self, user_id: str) -> Window | None:
        """The user's window, or None for a user never seen."""
        query = select(USERS.c.last_inbound_at, USERS.c.replies_since, USERS.c.following).where(
            USERS.c.user_id == user_id
        )
        row = await self._db.run(lambda c: c.execute(query).first())
        return None if row is None else Window(row[0], int(row[1]), bool(row[2]))

    async def count_reply(self, user_id: str) -> None:
        """One more message went out in the window."""
        statement = (
            update(USERS)
            .where(USERS.c.user_id == user_id)
            .values(replies_since=USERS.c.replies_since + 1)
        )
        await self._db.run(lambda c: c.execute(statement))

    async def use_up(self, user_id: str) -> None:
        """Zalo said the window is closed: nothing more until the user writes again."""
        statement = (
            update(USERS).where(USERS.c.user_id == user_id).values(replies_since=REPLIES_PER_WINDOW)
        )
        await self._db.run(lambda c: c.execute(statement))

    async def menu(self, user_id: str) -> Menu:
        """The pending menu (empty when there is none or it cannot be read)."""
        query = select(USERS.c.menu).where(USERS.c.user_id == user_id)
        stored = await self._db.run(lambda c: c.execute(query).scalar())
        if not stored:
            return Menu()
        try:
            value = self._cipher.open(stored, MENU_COLUMN)
            choices = tuple(Choice(str(t), str(p)) for t, p in value.get("choices", []))
            return Menu(choices, tuple(str(s) for s in value.get("seen", [])))
        except (DecryptionError, AttributeError, TypeError, ValueError):
            return Menu()

    async def save_menu(self, user_id: str, menu: Menu) -> None:
        """Keep the buttons still to show, and the last "#more" message ids."""
        value = {
            "choices": [[c.title, c.payload] for c in menu.choices],
            "seen": list(menu.seen[-KEEP_SEEN:]),
        }
        statement = self._upsert(user_id, menu=self._cipher.seal(value, MENU_COLUMN))
        await self._db.run(lambda c: c.execute(statement))
