"""The inbox: every update a platform hands over, recorded before it is acknowledged.

A platform that is told "received" (Telegram polling confirms an update with the next
getUpdates offset; a Zalo webhook answers 200) never sends the update again. So the update is
first written here, in a committed transaction, and only then acknowledged; an applier then
applies the rows, oldest first, one chat at a time, and marks each applied. A crash at any
moment leaves a row unapplied, and the next start applies it. Applying twice is harmless: the
router records every update id and applies it once.

A row's life: pending → applied, or (after `MAX_ATTEMPTS` failures) failed, the citizen told
once. Applied and failed rows are purged after `KEEP` (the table stays bounded).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

MAX_ATTEMPTS = 3  # failures of one update before the citizen gets the apology and it stops
KEEP = timedelta(days=7)  # how long applied and failed rows are kept


class InboxStatus(StrEnum):
    """Where a received update stands."""

    PENDING = "pending"
    APPLIED = "applied"
    FAILED = "failed"  # failed MAX_ATTEMPTS times: the citizen was told, never tried again


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One received update."""

    id: int
    platform: str  # "telegram", "zalo"
    update_id: str  # the platform's id: unique per platform
    chat_key: str  # the chat it belongs to ("" when none: applied in any order)
    update: Mapping[str, Any]  # as the platform sent it (its JSON)
    received_at: datetime
    attempts: int = 0


@dataclass(slots=True)
class Applying:
    """The row whose update the applier is applying (`APPLYING`, set around the update's
    handling). The transaction that applies the update marks the row applied in it and says
    so (`marked`, once committed): one transaction fewer per update, and no moment at which
    the update is applied and its row still pending. Otherwise (the update changed nothing,
    or came again) the applier marks it. `open` turns False when the applier is done: a task
    started meanwhile, which keeps the context, never marks it later."""

    item_id: int
    open: bool = True
    marked: bool = False


APPLYING: ContextVar[Applying | None] = ContextVar("inbox_applying", default=None)


def gives_up(attempts: int) -> bool:
    """Whether an update that has now failed `attempts` times is abandoned."""
    return attempts >= MAX_ATTEMPTS


class Inbox(Protocol):
    """Received updates, recorded before they are acknowledged."""

    async def record(
        self,
        platform: str,
        update_id: str,
        chat_key: str,
        update: Mapping[str, Any],
        at: datetime,
    ) -> bool:
        """Record an update; False when (platform, update_id) was recorded before."""
        ...

    async def add(
        self,
        platform: str,
        update_id: str,
        chat_key: str,
        update: Mapping[str, Any],
        at: datetime,
    ) -> InboxItem | None:
        """As `record`: the new row as `pending` would read it, None when it was recorded
        before (the applier is handed it without reading it again)."""
        ...

    async def pending(
        self, platform: str, limit: int = 200, skip: Collection[str] = ()
    ) -> Sequence[InboxItem]:
        """Updates not yet applied nor abandoned, oldest first; none of the chats in `skip`
        (being applied: their rows are neither read nor decrypted again)."""
        ...

    async def applied(self, item_id: int, at: datetime) -> None:
        """Mark an update applied."""
        ...

    async def failed(self, item_id: int, at: datetime, error: str, final: bool) -> int:
        """Count a failure (`final`: abandon the update); the failures so far."""
        ...

    async def purge(self, settled_before: datetime) -> int:
        """Delete applied and abandoned updates settled before that moment; how many."""
        ...
