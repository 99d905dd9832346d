"""The inbox on SQL: one row per (platform, update id), sealed, applied oldest first."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.inbox import InboxItem, InboxStatus
from storage.crypto import JsonCipher
from storage.prepared import prepared
from storage.tables import InboxRow, table_of

INBOX = table_of(InboxRow)
_UPDATE = "inbox.update"

# Recording, reading and settling an update run on every update polled: built once, their
# values bound at execution (see storage.outbox).
_RECORD = {
    name: prepared(
        dialect.insert(INBOX).on_conflict_do_nothing(index_elements=["platform", "update_id"])
    )
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_RECORDED = prepared(  # the id of the row just recorded
    select(INBOX.c.id).where(
        INBOX.c.platform == bindparam("of"), INBOX.c.update_id == bindparam("update_id")
    )
)
# "Pending", written into the SQL (not bound): the index of pending rows holds those only
# (migration 0016), and a planner uses it only for a query that says so in its text.
PENDING_ONLY = INBOX.c.status == literal_column(f"'{InboxStatus.PENDING.value}'")
_PENDING = prepared(
    select(INBOX)
    .where(INBOX.c.platform == bindparam("of"), PENDING_ONLY)
    .order_by(INBOX.c.id)
    .limit(bindparam("most"))
)
_PENDING_SKIP = _PENDING.where(INBOX.c.chat_key.not_in(bindparam("skip", expanding=True)))
_APPLIED = prepared(
    INBOX.update()
    .where(INBOX.c.id == bindparam("item_id"))
    .values(status=InboxStatus.APPLIED.value, settled_at=bindparam("at"))
)


class SqlInbox:
    """Inbox bound to one connection."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher) -> None:
        self._connection, self._cipher = connection, cipher
        self._record = _RECORD[connection.dialect.name]
        self._sqlite = connection.dialect.name == "sqlite"

    async def record(
        self,
        platform: str,
        update_id: str,
        chat_key: str,
        update: Mapping[str, Any],
        at: datetime,
    ) -> bool:
        return await self.add(platform, update_id, chat_key, update, at) is not None

    async def add(
        self,
        platform: str,
        update_id: str,
        chat_key: str,
        update: Mapping[str, Any],
        at: datetime,
    ) -> InboxItem | None:
        values = {
            "platform": platform,
            "update_id": update_id,
            "chat_key": chat_key,
            "body": self._cipher.seal(dict(update), _UPDATE),
            "status": InboxStatus.PENDING.value,
            "attempts": 0,
            "error": "",
            "received_at": at,
        }
        recorded = await self._connection.execute(self._record, values)
        if not recorded.rowcount:
            return None
        # SQLite: the id is the new row's rowid, as its cursor reports it (one statement fewer
        # per update polled); PostgreSQL reports none.
        row_id = recorded.lastrowid if self._sqlite else None
        if not row_id:
            found = await self._connection.execute(
                _RECORDED, {"of": platform, "update_id": update_id}
            )
            row_id = found.scalar_one()
        return InboxItem(row_id, platform, update_id, chat_key, update, at)

    async def pending(
        self, platform: str, limit: int = 200, skip: Collection[str] = ()
    ) -> Sequence[InboxItem]:
        params: dict[str, Any] = {"of": platform, "most": limit}
        if skip:
            params["skip"] = sorted(skip)
        query = await self._connection.execute(_PENDING_SKIP if skip else _PENDING, params)
        return [
            InboxItem(
                id=row.id,
                platform=row.platform,
                update_id=row.update_id,
                chat_key=row.chat_key,
                update=self._cipher.open(row.body, _UPDATE),
                received_at=row.received_at,
                attempts=row.attempts,
            )
            for row in query.all()
        ]

    async def applied(self, item_id: int, at: datetime) -> None:
        await self._connection.execute(_APPLIED, {"item_id": item_id, "at": at})

    async def failed(self, item_id: int, at: datetime, error: str, final: bool) -> int:
        values: dict[str, Any] = {"attempts": INBOX.c.attempts + 1, "error": error[:80]}
        if final:
            values.update(status=InboxStatus.FAILED.value, settled_at=at)
        await self._connection.execute(INBOX.update().where(INBOX.c.id == item_id).values(values))
        attempts = await self._connection.execute(
            select(INBOX.c.attempts).where(INBOX.c.id == item_id)
        )
        return int(attempts.scalar_one_or_none() or 0)

    async def purge(self, settled_before: datetime) -> int:
        result = await self._connection.execute(
            delete(INBOX).where(
                INBOX.c.status != InboxStatus.PENDING.value,
                INBOX.c.settled_at < settled_before,
            )
        )
        return int(result.rowcount)
