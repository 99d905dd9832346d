"""The outbox: messages not sent as direct replies (receipts, status pushes, broadcasts).

Each message is queued in the same transaction as the change that caused it, with an event
key; (recipient, event) is unique, so a change applied twice never queues a message twice.
Senders drain the outbox per platform.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class OutboxStatus(StrEnum):
    """Where a queued message stands."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after retries
    UNDELIVERABLE = "undeliverable"  # the platform will not take it (blocked, window closed)


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


class Outbox(Protocol):
    """Queue and drain outgoing messages."""

    async def enqueue(
        self, recipient: str, event: str, message: Mapping[str, Any], at: datetime
    ) -> bool:
        """Queue a message; False when (recipient, event) was queued before."""
        ...

    async def pending(self, recipient: str, after: int, limit: int = 50) -> Sequence[OutboxItem]:
        """Pending messages of one chat after an id, oldest first."""
        ...

    async def mark(self, item_id: int, status: OutboxStatus, at: datetime) -> None:
        """Record a delivery outcome."""
        ...
