"""Admin broadcasts: one message to an audience, queued in the outbox and sent by the paced
senders. Queuing walks the audience in pages by chat key and records how far it got, so a
crash part-way resumes where it stopped; (recipient, event) being unique, nobody is queued
twice. Progress is read from the outbox; cancelling stops the rows not yet claimed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from services.clock import Clock
from services.outbox import FINAL, Outbox, OutboxStatus, Priority


class AudienceKind(StrEnum):
    """Who a broadcast goes to."""

    ALL = "all"  # every chat that reached the bot and did not block it
    WARD = "ward"  # citizens living in one commune/ward (by its code)
    PROCEDURE = "procedure"  # owners and followers of dossiers of one procedure
    PLATFORM = "platform"  # every chat on one platform (telegram, zalo, web)


PLATFORMS = ("telegram", "zalo", "web")


@dataclass(frozen=True, slots=True)
class Audience:
    """An audience: a kind and its value (ward code, procedure id, platform)."""

    kind: AudienceKind
    value: str = ""


class BroadcastState(StrEnum):
    """Where a broadcast stands."""

    QUEUING = "queuing"  # recipients being written to the outbox
    SENDING = "sending"  # all queued; the senders are working
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Broadcast:
    """One broadcast. `cursor` is the last chat key queued; `total` how many were queued."""

    id: str
    created_by: str  # the admin's chat key, or "cli"
    audience: Audience
    message: Mapping[str, Any]  # the Outgoing message as JSON
    state: BroadcastState
    created_at: datetime
    updated_at: datetime
    total: int = 0
    cursor: str = ""
    progress_chat: str = ""  # where the live progress message goes ("" for none)
    progress_seq: int = 0
    progress_shown: str = ""  # the figures last shown there (unchanged figures: no update)

    @property
    def event(self) -> str:
        """The outbox event key of this broadcast's messages."""
        return f"broadcast:{self.id}"


@dataclass(frozen=True, slots=True)
class Progress:
    """A broadcast's figures."""

    total: int
    sent: int
    failed: int
    blocked: int
    remaining: int
    cancelled: int = 0
    unknown: int = 0
    state: BroadcastState = BroadcastState.SENDING
    by_status: Mapping[str, int] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        """Nothing left to send."""
        return self.remaining == 0 and self.state is not BroadcastState.QUEUING


class ChatDirectory(Protocol):
    """The chats the bot knows, and whether they can still be reached."""

    async def audience(self, audience: Audience, after: str, limit: int) -> Sequence[str]:
        """Reachable chat keys of an audience, ordered, after `after` (keyset paging)."""
        ...

    async def count(self, audience: Audience) -> int:
        """How many reachable chats an audience has."""
        ...

    async def set_active(self, chat_key: str, active: bool, reason: str, at: datetime) -> None:
        """Record that a chat can (or can no longer) be reached, and why."""
        ...

    async def is_active(self, chat_key: str) -> bool:
        """False only for a chat marked inactive."""
        ...


class BroadcastRepository(Protocol):
    """Broadcasts."""

    async def add(self, broadcast: Broadcast) -> None:
        """Store a new broadcast."""
        ...

    async def get(self, broadcast_id: str) -> Broadcast | None:
        """One broadcast."""
        ...

    async def update(self, broadcast: Broadcast) -> None:
        """Store its new version."""
        ...

    async def active(self) -> Sequence[Broadcast]:
        """Broadcasts queuing or sending, oldest first."""
        ...


class BroadcastStores(Protocol):
    """What the broadcast functions need from one unit of work."""

    @property
    def broadcasts(self) -> BroadcastRepository: ...
    @property
    def chats(self) -> ChatDirectory: ...
    @property
    def outbox(self) -> Outbox: ...


def progress_of(broadcast: Broadcast, counts: Mapping[OutboxStatus, int]) -> Progress:
    """Figures from the outbox counts of a broadcast."""
    queued = sum(counts.values())
    blocked = counts.get(OutboxStatus.UNDELIVERABLE, 0)
    done = sum(n for status, n in counts.items() if status in FINAL)
    remaining = queued - done
    if broadcast.state is BroadcastState.QUEUING:
        remaining = max(remaining, broadcast.total - done)
    return Progress(
        total=max(broadcast.total, queued),
        sent=counts.get(OutboxStatus.SENT, 0),
        failed=counts.get(OutboxStatus.FAILED, 0),
        blocked=blocked,
        remaining=remaining,
        cancelled=counts.get(OutboxStatus.CANCELLED, 0),
        unknown=counts.get(OutboxStatus.UNKNOWN, 0),
        state=broadcast.state,
        by_status={str(k): v for k, v in counts.items()},
    )


async def queue_page(
    stores: BroadcastStores, broadcast: Broadcast, now: datetime, page: int
) -> Broadcast:
    """Queue the next page of recipients; the broadcast moves to SENDING after the last."""
    if broadcast.state is not BroadcastState.QUEUING:
        return broadcast
    chats = await stores.chats.audience(broadcast.audience, broadcast.cursor, page)
    added = 0
    for chat in chats:
        if await stores.outbox.enqueue(
            chat, broadcast.event, broadcast.message, now, broadcast.id, priority=Priority.BROADCAST
        ):
            added += 1
    updated = replace(
        broadcast,
        cursor=chats[-1] if chats else broadcast.cursor,
        total=broadcast.total + added,
        updated_at=now,
        state=BroadcastState.QUEUING if len(chats) == page else BroadcastState.SENDING,
    )
    await stores.broadcasts.update(updated)
    return updated


async def progress(stores: BroadcastStores, broadcast: Broadcast) -> Progress:
    """Where a broadcast stands now."""
    return progress_of(broadcast, await stores.outbox.counts(broadcast.id))


async def cancel(stores: BroadcastStores, broadcast: Broadcast, now: datetime) -> Broadcast:
    """Stop a broadcast: rows not yet claimed are cancelled; queuing stops."""
    if broadcast.state in (BroadcastState.DONE, BroadcastState.CANCELLED):
        return broadcast
    await stores.outbox.cancel(broadcast.id, now)
    updated = replace(broadcast, state=BroadcastState.CANCELLED, updated_at=now)
    await stores.broadcasts.update(updated)
    return updated


ProgressMessage = Callable[[Broadcast, Progress], Mapping[str, Any]]


async def start(
    uow: BroadcastStores,
    broadcast_id: str,
    created_by: str,
    audience: Audience,
    message: Mapping[str, Any],
    now: datetime,
    progress_chat: str = "",
) -> Broadcast:
    """Record a confirmed broadcast (QUEUING); the scheduler queues and sends it."""
    broadcast = Broadcast(
        id=broadcast_id,
        created_by=created_by,
        audience=audience,
        message=dict(message),
        state=BroadcastState.QUEUING,
        created_at=now,
        updated_at=now,
        progress_chat=progress_chat,
    )
    await uow.broadcasts.add(broadcast)
    return broadcast


async def advance(
    uow_factory: Callable[[], Any],
    clock: Clock,
    progress_message: ProgressMessage | None = None,
    page: int = 1000,
) -> list[Progress]:
    """One scheduler tick: queue the next page of each queuing broadcast, finish those with
    nothing left, and update each admin's live progress message (one per tick at most)."""
    results: list[Progress] = []
    async with uow_factory() as uow:
        live = list(await uow.broadcasts.active())
    for broadcast in live:
        async with uow_factory() as uow:
            current = await uow.broadcasts.get(broadcast.id)
            if current is None or current.state not in (
                BroadcastState.QUEUING,
                BroadcastState.SENDING,
            ):
                continue
            now = clock.now()
            current = await queue_page(uow, current, now, page)
            figures = await progress(uow, current)
            if current.state is BroadcastState.SENDING and figures.remaining == 0:
                current = replace(current, state=BroadcastState.DONE, updated_at=now)
                figures = replace(figures, state=BroadcastState.DONE)
            shown = f"{figures.sent}/{figures.failed}/{figures.blocked}/{figures.remaining}"
            shown += f"/{figures.state.value}"
            if (
                progress_message is not None
                and current.progress_chat
                and shown != current.progress_shown
            ):
                current = replace(
                    current, progress_seq=current.progress_seq + 1, progress_shown=shown
                )
                await uow.outbox.enqueue(
                    current.progress_chat,
                    f"broadcast-progress:{current.id}:{current.progress_seq}",
                    progress_message(current, figures),
                    now,
                )
            await uow.broadcasts.update(current)
            await uow.commit()
        results.append(figures)
    return results
