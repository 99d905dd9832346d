"""The outbox: messages not sent as direct replies (receipts, status pushes, reminders,
broadcasts).

Each message is queued in the same transaction as the change that caused it, with an event
key; (recipient, event) is unique, so a change applied twice never queues a message twice.
One paced sender per platform drains the outbox (services.sending); the web chat's page
collects its own messages.

A row's life: pending → sending (claimed, committed before the platform is called) → sent,
or back to pending with a later `not_before` (rate limit, transient failure), or failed /
undeliverable. A row found `sending` after a crash may or may not have reached the chat; it
becomes `unknown` and is never sent again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any, Protocol


class Priority(IntEnum):
    """Which rows a sender takes first (lower first): a citizen waiting for an answer goes
    ahead of pushes, and pushes ahead of broadcasts."""

    REPLY = 0
    PUSH = 1
    BROADCAST = 2


class OutboxStatus(StrEnum):
    """Where a queued message stands."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender, the platform being called
    SENT = "sent"
    FAILED = "failed"  # gave up after retries, or the platform refused it for good
    UNDELIVERABLE = "undeliverable"  # blocked by the user, or outside the platform's window
    UNKNOWN = "unknown"  # the sender died while calling the platform: never sent again
    CANCELLED = "cancelled"  # a broadcast cancelled before this row went out


FINAL = frozenset(
    {
        OutboxStatus.SENT,
        OutboxStatus.FAILED,
        OutboxStatus.UNDELIVERABLE,
        OutboxStatus.UNKNOWN,
        OutboxStatus.CANCELLED,
    }
)


def platform_of(recipient: str) -> str:
    """The platform part of a chat key ("telegram:42" → "telegram")."""
    return recipient.partition(":")[0]


class Queued(dict[str, Any]):
    """A message as queued (JSON), carrying the object it encodes (`source`): a sender in the
    process that queued it may use that object instead of decoding the JSON again. Equal to,
    and stored as, the plain dict."""

    __slots__ = ("source",)

    def __init__(self, body: Mapping[str, Any], source: object) -> None:
        super().__init__(body)
        self.source = source


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One queued message for one chat."""

    id: int
    recipient: str  # chat key, e.g. "web:abc", "telegram:42"
    event: str
    message: Mapping[str, Any]  # the Outgoing message as JSON
    created_at: datetime
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    batch: str | None = None  # the broadcast it belongs to
    priority: Priority = Priority.PUSH
    progress: int = 0  # parts of the message already delivered (a long text sent in pieces)


class Outbox(Protocol):
    """Queue and drain outgoing messages."""

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
        """Queue a message; False when (recipient, event) was queued before. Queuing wakes
        the platform's sender once the unit of work commits."""
        ...

    async def pending(self, recipient: str, after: int, limit: int = 50) -> Sequence[OutboxItem]:
        """Pending messages of one chat after an id, oldest first."""
        ...

    async def mark(self, item_id: int, status: OutboxStatus, at: datetime) -> None:
        """Record a delivery outcome."""
        ...

    async def due(
        self, platform: str, now: datetime, limit: int, skip: Collection[str] = ()
    ) -> Sequence[OutboxItem]:
        """The next message of each chat of one platform, if it may be sent now, by
        (priority, id). A chat's messages go out one at a time in (priority, id) order: a
        chat whose first pending (or sending) message must wait (`not_before`: a rate limit,
        a backoff) gets nothing else meanwhile; other chats are not held up. Chats in `skip`
        (the sender's own in flight) are left out: their rows are neither read nor opened."""
        ...

    async def claim(self, item_id: int, now: datetime) -> bool:
        """pending → sending; False when another sender took it (or it was cancelled)."""
        ...

    async def claim_reachable(self, item_id: int, now: datetime) -> bool:
        """`claim`, unless the recipient's chat is marked inactive (it blocked the bot, or
        left): the sender's usual case in one statement. False: nothing claimed (`claim` then
        tells whether another sender took it, or the chat is inactive)."""
        ...

    async def settle(
        self,
        item_id: int,
        status: OutboxStatus,
        at: datetime,
        error: str = "",
        retry_at: datetime | None = None,
        progress: int | None = None,
    ) -> None:
        """The outcome of a claimed row; PENDING with `retry_at` to try again later;
        `progress`: how many parts of it were delivered (kept when None)."""
        ...

    async def abandon_claims(self, platform: str, claimed_before: datetime, at: datetime) -> int:
        """Rows claimed before `claimed_before` and still `sending` (their sender died: no
        call to a platform lasts that long) become UNKNOWN; returns how many."""
        ...

    async def counts(self, batch: str) -> Mapping[OutboxStatus, int]:
        """How many rows of a broadcast are in each status."""
        ...

    async def cancel(self, batch: str, at: datetime) -> int:
        """A broadcast's rows not yet claimed become CANCELLED; returns how many."""
        ...
