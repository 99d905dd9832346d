"""The conversation store on SQL: chat state and processed updates, within one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.ports import StoredConversation
from storage.crypto import JsonCipher
from storage.prepared import prepared
from storage.tables import ConversationRow, ProcessedUpdateRow, table_of

CONVERSATION = table_of(ConversationRow)
PROCESSED = table_of(ProcessedUpdateRow)

# Statements are built once: SQLAlchemy then finds them in its compiled cache at once.
_REPLIES = (
    select(PROCESSED.c.replies)
    .where(PROCESSED.c.chat_key == bindparam("k"), PROCESSED.c.update_id == bindparam("u"))
    .scalar_subquery()
)
_STATE = select(CONVERSATION.c.state).where(CONVERSATION.c.key == bindparam("k")).scalar_subquery()
_SELECT_BOTH = prepared(select(_STATE.label("state"), _REPLIES.label("replies")))
_SELECT_REPLIES = select(_REPLIES.label("replies"))
_INSERT_PROCESSED = prepared(PROCESSED.insert())


def _upserts(dialect: Any) -> tuple[Any, Any]:
    """(lock-or-create returning the state, save) statements for a dialect."""
    insert = dialect.insert(CONVERSATION)
    save = insert.on_conflict_do_update(
        index_elements=["key"],
        set_={"state": insert.excluded.state, "updated_at": insert.excluded.updated_at},
    )
    # On PostgreSQL, creating-or-touching the row locks it until commit: concurrent workers
    # handling the same chat queue here, so its updates are applied one at a time.
    lock = (
        insert.values(key=bindparam("k"), state={}, updated_at=bindparam("now"))
        .on_conflict_do_update(index_elements=["key"], set_={"key": insert.excluded.key})
        .returning(CONVERSATION.c.state)
    )
    return lock, save


_PG_LOCK, _PG_SAVE = _upserts(postgresql)
_SQLITE_SAVE = prepared(_upserts(sqlite)[1])


class SqlConversationStore:
    """ConversationStore bound to one connection (one transaction)."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher) -> None:
        self._connection = connection
        self._cipher = cipher
        self._is_pg = connection.dialect.name == "postgresql"

    async def load(self, key: str, update_id: str) -> StoredConversation:
        params: dict[str, object] = {"k": key, "u": update_id}
        if self._is_pg:
            params["now"] = datetime.now(UTC)
            sealed = (await self._connection.execute(_PG_LOCK, params)).scalar_one()
            # A second statement, so a second snapshot, taken once the lock is held: a
            # delivery of the same update that committed while this one waited for the lock
            # is seen here (one statement would read processed_update as of before the wait,
            # apply the update again and fail on its primary key at commit).
            seen = (await self._connection.execute(_SELECT_REPLIES, params)).scalar_one()
        else:  # SQLite: the transaction already holds the database's write lock
            row = (await self._connection.execute(_SELECT_BOTH, params)).one()
            sealed, seen = row.state, row.replies
        state = self._cipher.open(sealed, "conversation.state") if sealed else None
        replies = None
        if seen is not None:
            replies = list(self._cipher.open(seen, "processed_update.replies"))
        return StoredConversation(key, state or None, replies)

    async def save(self, key: str, state: Mapping[str, Any]) -> None:
        statement = _PG_SAVE if self._is_pg else _SQLITE_SAVE
        sealed = self._cipher.seal(dict(state), "conversation.state")
        values = {"key": key, "state": sealed, "updated_at": datetime.now(UTC)}
        await self._connection.execute(statement, values)

    async def record(
        self,
        key: str,
        update_id: str,
        replies: Sequence[Any],
        said: Any = None,
        at: datetime | None = None,
    ) -> None:
        values = {
            "chat_key": key,
            "update_id": update_id,
            "replies": self._cipher.seal(list(replies), "processed_update.replies"),
            "said": None if said is None else self._cipher.seal(said, "processed_update.said"),
            "created_at": at or datetime.now(UTC),
        }
        await self._connection.execute(_INSERT_PROCESSED, values)

    async def erase(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        await self._connection.execute(
            CONVERSATION.delete().where(CONVERSATION.c.key.in_(list(keys)))
        )
        await self._connection.execute(
            PROCESSED.update()
            .where(PROCESSED.c.chat_key.in_(list(keys)))
            .values(replies=[], said=None)
        )
