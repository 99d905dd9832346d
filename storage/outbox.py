"""The outbox on SQL: queued once per (recipient, event), sealed, claimed one row at a time."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, exists, false, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.outbox import OutboxItem, OutboxStatus, Priority, Queued, platform_of
from storage.broadcasts import STATUS as _STATUS
from storage.crypto import MARK, JsonCipher
from storage.prepared import prepared
from storage.tables import OutboxRow, table_of

OUTBOX = table_of(OutboxRow)
_MESSAGE = "outbox.message"
# The messages this process queued lately, by their sealed text (unique: a random nonce each),
# as they were given: the sender that reads the row back in this process (`dvc-bot run` queues
# and sends) neither decrypts nor decodes it again. A row of a transaction that rolled back is
# never read, so its entry is only dropped in turn. Rows queued by another process are opened.
# The sender's read takes the entry out: a row is read to be sent, and an entry kept after it
# would only lengthen the cyclic collector's walks (a message is a tree of objects, and these
# outlive the young generations). A row read again (not sent that time) is opened.
_QUEUED: dict[str | None, Mapping[str, Any]] = {}
_QUEUED_KEPT = 4_096


def _remember(token: str, message: Mapping[str, Any]) -> None:
    if len(_QUEUED) >= _QUEUED_KEPT:
        _QUEUED.pop(next(iter(_QUEUED)), None)  # the oldest
    _QUEUED[token] = message


# The statements of a sent message (queue, claim, settle) are built once, their values bound
# at execution: building them per call (values coerced, cache key walked) cost more than
# running them.
_ENQUEUE = {
    name: prepared(
        dialect.insert(OUTBOX).on_conflict_do_nothing(index_elements=["recipient", "event"])
    )
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_CLAIM = prepared(
    OUTBOX.update()
    .where(OUTBOX.c.id == bindparam("item_id"), OUTBOX.c.status == OutboxStatus.PENDING.value)
    .values(status=OutboxStatus.SENDING.value, sent_at=bindparam("at"))
)
# The same, only when the recipient's chat is not marked inactive (no row: active).
_CLAIM_REACHABLE = prepared(
    OUTBOX.update()
    .where(
        OUTBOX.c.id == bindparam("item_id"),
        OUTBOX.c.status == OutboxStatus.PENDING.value,
        ~exists(
            select(_STATUS.c.chat_key).where(
                _STATUS.c.chat_key == OUTBOX.c.recipient, _STATUS.c.active == false()
            )
        ),
    )
    .values(status=OutboxStatus.SENDING.value, sent_at=bindparam("at"))
)
_SETTLED = {
    "status": bindparam("new_status"),
    "sent_at": bindparam("at"),
    "error": bindparam("new_error"),
    "not_before": bindparam("retry_at"),
    "attempts": OUTBOX.c.attempts + 1,
}
_SETTLE = prepared(OUTBOX.update().where(OUTBOX.c.id == bindparam("item_id")).values(**_SETTLED))
_SETTLE_PROGRESS = prepared(
    OUTBOX.update()
    .where(OUTBOX.c.id == bindparam("item_id"))
    .values(**_SETTLED, progress=bindparam("new_progress"))
)

_EARLIER = OUTBOX.alias("earlier")
# The next message of each chat that may go now: pending, due, and nothing of its chat ahead
# of it (waiting, or being sent), by priority, then in order.
_DUE = prepared(
    select(OUTBOX)
    .where(
        OUTBOX.c.platform == bindparam("of"),
        OUTBOX.c.status == OutboxStatus.PENDING.value,
        or_(OUTBOX.c.not_before.is_(None), OUTBOX.c.not_before <= bindparam("now")),
        ~exists(
            select(_EARLIER.c.id)
            .where(
                or_(  # not IN (...): its list would be expanded at each execution
                    _EARLIER.c.status == OutboxStatus.PENDING.value,
                    _EARLIER.c.status == OutboxStatus.SENDING.value,
                ),
                _EARLIER.c.recipient == OUTBOX.c.recipient,
                or_(
                    _EARLIER.c.priority < OUTBOX.c.priority,
                    and_(_EARLIER.c.priority == OUTBOX.c.priority, _EARLIER.c.id < OUTBOX.c.id),
                ),
            )
            .correlate(OUTBOX)
        ),
    )
    .order_by(OUTBOX.c.priority, OUTBOX.c.id)
    .limit(bindparam("most", type_=Integer))
)


class SqlOutbox:
    """Outbox bound to one connection."""

    def __init__(
        self,
        connection: AsyncConnection,
        cipher: JsonCipher,
        wake: Callable[[str], None] | None = None,
    ) -> None:
        self._connection, self._cipher = connection, cipher
        self._wake = wake  # the unit of work's: the platform's sender hears of a new row
        self._enqueue = _ENQUEUE[connection.dialect.name]

    def _item(self, row: Any, take: bool = False) -> OutboxItem:
        sealed = row.message
        kept = _QUEUED.pop if take else _QUEUED.get
        message = kept(sealed.get(MARK), None) if isinstance(sealed, dict) else None
        return OutboxItem(
            id=row.id,
            recipient=row.recipient,
            event=row.event,
            message=self._cipher.open(sealed, _MESSAGE) if message is None else message,
            created_at=row.created_at,
            status=OutboxStatus(row.status),
            attempts=row.attempts,
            batch=row.batch,
            priority=Priority(row.priority),
            progress=row.progress,
        )

    async def enqueue(
        self,
        recipient: str,
        event: str,
        message: Mapping[str, Any],
        at: datetime,
        batch: str | None = None,
        *,
        priority: Priority = Priority.PUSH,
    ) -> bool:
        plain = dict(message)
        sealed = self._cipher.seal(plain, _MESSAGE)
        _remember(sealed[MARK], message if isinstance(message, Queued) else plain)
        values = {
            "recipient": recipient,
            "platform": platform_of(recipient),
            "event": event,
            "batch": batch,
            "message": sealed,
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "priority": int(priority),
            "progress": 0,
            "error": "",
            "created_at": at,
        }
        result = await self._connection.execute(self._enqueue, values)
        inserted = bool(result.rowcount)
        if inserted and self._wake is not None:
            self._wake(f"outbox:{platform_of(recipient)}")
        return inserted

    async def pending(self, recipient: str, after: int, limit: int = 50) -> Sequence[OutboxItem]:
        query = (
            select(OUTBOX)
            .where(
                OUTBOX.c.recipient == recipient,
                OUTBOX.c.status == OutboxStatus.PENDING.value,
                OUTBOX.c.id > after,
            )
            .order_by(OUTBOX.c.id)
            .limit(limit)
        )
        return [self._item(row) for row in (await self._connection.execute(query)).all()]

    async def mark(self, item_id: int, status: OutboxStatus, at: datetime) -> None:
        await self._connection.execute(
            OUTBOX.update()
            .where(OUTBOX.c.id == item_id)
            .values(status=status.value, sent_at=at, attempts=OUTBOX.c.attempts + 1)
        )

    async def due(
        self, platform: str, now: datetime, limit: int, skip: Collection[str] = ()
    ) -> Sequence[OutboxItem]:
        # `skip` (chats with a call in flight: a handful) is left out here rather than in
        # SQL, so that the statement stays the one built once; as many more rows are read.
        values = {"of": platform, "now": now, "most": limit + len(skip)}
        rows = (await self._connection.execute(_DUE, values)).all()
        heads = [row for row in rows if row.recipient not in skip][:limit]
        return [self._item(row, take=True) for row in heads]  # only those returned are taken

    async def claim(self, item_id: int, now: datetime) -> bool:
        result = await self._connection.execute(_CLAIM, {"item_id": item_id, "at": now})
        return bool(result.rowcount)

    async def claim_reachable(self, item_id: int, now: datetime) -> bool:
        result = await self._connection.execute(_CLAIM_REACHABLE, {"item_id": item_id, "at": now})
        return bool(result.rowcount)

    async def settle(
        self,
        item_id: int,
        status: OutboxStatus,
        at: datetime,
        error: str = "",
        retry_at: datetime | None = None,
        progress: int | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "item_id": item_id,
            "new_status": status.value,
            "at": at,
            "new_error": error[:80],
            "retry_at": retry_at,
        }
        statement = _SETTLE
        if progress is not None:
            values["new_progress"] = progress
            statement = _SETTLE_PROGRESS
        await self._connection.execute(statement, values)

    async def abandon_claims(self, platform: str, claimed_before: datetime, at: datetime) -> int:
        result = await self._connection.execute(
            OUTBOX.update()
            .where(
                OUTBOX.c.platform == platform,
                OUTBOX.c.status == OutboxStatus.SENDING.value,
                OUTBOX.c.sent_at < claimed_before,
            )
            .values(status=OutboxStatus.UNKNOWN.value, error="sender stopped mid-call", sent_at=at)
        )
        return int(result.rowcount)

    async def counts(self, batch: str) -> Mapping[OutboxStatus, int]:
        query = (
            select(OUTBOX.c.status, func.count())
            .where(OUTBOX.c.batch == batch)
            .group_by(OUTBOX.c.status)
        )
        rows = (await self._connection.execute(query)).all()
        return {OutboxStatus(status): int(count) for status, count in rows}

    async def cancel(self, batch: str, at: datetime) -> int:
        result = await self._connection.execute(
            OUTBOX.update()
            .where(OUTBOX.c.batch == batch, OUTBOX.c.status == OutboxStatus.PENDING.value)
            .values(status=OutboxStatus.CANCELLED.value, sent_at=at)
        )
        return int(result.rowcount)
