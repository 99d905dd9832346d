"""Status pushes and reminders: scheduled jobs turn the status-change log and the calendar
into outbox messages.

The push step runs the moment a change commits (storage wakes STATUS_TOPIC; the scheduler
waits on it) and at every sweep, the safety net for a lost wake-up.

Pushing: every change not pushed yet becomes one message per chat that should hear of it —
the owner's chat, every chat where the owner is logged in, every follower and every chat of
a follower's citizen (bounded: services.following), and (as a follower would, without
personal data) every chat of the owner logged out for being idle — queued with the event key
`status:<change id>`, and the change marked pushed in the same transaction. A job that runs
twice, dies part-way or catches up after downtime queues nothing twice: (recipient, event) is
unique in the outbox. Five changes in a minute are five events, queued in log order, so each
chat gets each once and in order. The cost of a sweep grows with the changes, not with the
dossiers.

Reminders are keyed the same way (`remind:<kind>:<dossier>:<what>`), so each is sent once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from services.clock import Clock, vietnam_date
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, StatusChange, remind_payment_now
from services.following import FollowLimits
from services.ports import UnitOfWork, UnitOfWorkFactory

# The wake-up topic of a committed status change (storage wakes it; the scheduler runs the
# push step at once instead of waiting for its sweep).
STATUS_TOPIC = "status"


class Reminder(StrEnum):
    """What a reminder is about."""

    PAYMENT = "payment"  # the fee is still due and the payment request expires soon
    SUPPLEMENT = "supplement"  # the officer's request for documents is still unanswered
    DUE_TOMORROW = "due_tomorrow"  # the result is due tomorrow
    OVERDUE = "overdue"  # the due date has passed (the dossier is flagged overdue)


class PushMessages(Protocol):
    """Builds the messages (as JSON) — the dialogue layer knows the words."""

    def status(self, dossier: Dossier, change: StatusChange, owner: bool) -> Mapping[str, Any]:
        """A status change; `owner` is False for a follower (no personal data then)."""
        ...

    def reminder(self, kind: Reminder, dossier: Dossier) -> Mapping[str, Any]:
        """A reminder to the owner."""
        ...


@dataclass(frozen=True, slots=True)
class SweepResult:
    """What one sweep did."""

    changes: int = 0
    queued: int = 0


async def owner_chats(uow: UnitOfWork, dossier: Dossier) -> list[str]:
    """The owner's chat and every chat where the owner is logged in."""
    chats = {dossier.owner}
    if dossier.citizen_id:
        chats.update(await uow.citizens.chats(dossier.citizen_id))
    return sorted(chats)


async def subscribed_chats(uow: UnitOfWork, dossier: Dossier, owners: Sequence[str]) -> list[str]:
    """Chats of the owner logged out for being idle: they still hear of status changes, as a
    follower does (no personal data)."""
    if not dossier.citizen_id:
        return []
    chats = set(await uow.citizens.subscribed_chats(dossier.citizen_id))
    return sorted(chats - set(owners))


async def follower_chats(
    uow: UnitOfWork,
    dossier: Dossier,
    owners: Sequence[str],
    limits: FollowLimits,
    now: datetime,
) -> list[str]:
    """Followers not expired, each on every chat where their citizen is logged in (owners
    excluded): at most `limits.per_dossier` chats, the earliest followers first."""
    chats: dict[str, None] = {}  # ordered, without duplicates
    mine = set(owners)
    for follower in await uow.dossiers.followers(
        dossier.id, limits.active_since(now), limits.per_dossier
    ):
        found = [follower]
        citizen = await uow.citizens.citizen_of(follower)
        if citizen is not None:
            found += sorted(await uow.citizens.chats(citizen))
        chats.update((chat, None) for chat in found if chat not in mine)
    return list(chats)[: limits.per_dossier]


async def push_status_changes(
    uow_factory: UnitOfWorkFactory,
    messages: PushMessages,
    clock: Clock,
    batch: int = 200,
    max_batches: int | None = None,
    limits: FollowLimits = FollowLimits(),
) -> SweepResult:
    """Queue the messages of every change not pushed yet, `batch` changes per transaction
    (followers within `limits`)."""
    total = SweepResult()
    rounds = 0
    while max_batches is None or rounds < max_batches:
        rounds += 1
        async with uow_factory() as uow:
            changes = await uow.dossiers.unpushed_changes(batch)
            if not changes:
                break
            queued = 0
            cache: dict[str, Dossier | None] = {}
            for change in changes:
                if change.dossier_id not in cache:
                    cache[change.dossier_id] = await uow.dossiers.get(change.dossier_id)
                dossier = cache[change.dossier_id]
                if dossier is None:  # erased at the citizen's request: nobody to tell
                    continue
                event, now = f"status:{change.id}", clock.now()
                owners = await owner_chats(uow, dossier)
                for chat in owners:
                    queued += await uow.outbox.enqueue(
                        chat, event, messages.status(dossier, change, True), now
                    )
                others = await follower_chats(uow, dossier, owners, limits, now)
                subscribed = await subscribed_chats(uow, dossier, owners)
                others += [chat for chat in subscribed if chat not in others]
                for chat in others:
                    queued += await uow.outbox.enqueue(
                        chat, event, messages.status(dossier, change, False), now
                    )
            await uow.dossiers.mark_pushed([c.id for c in changes])
            await uow.commit()
        total = SweepResult(total.changes + len(changes), total.queued + queued)
        if len(changes) < batch:
            break
    return total


async def _remind(
    uow: UnitOfWork,
    messages: PushMessages,
    kind: Reminder,
    dossier: Dossier,
    key: str,
    at: datetime,
) -> int:
    queued = 0
    for chat in await owner_chats(uow, dossier):
        queued += await uow.outbox.enqueue(
            chat, f"remind:{kind.value}:{dossier.id}:{key}", messages.reminder(kind, dossier), at
        )
    return queued


async def send_reminders(
    uow_factory: UnitOfWorkFactory,
    messages: PushMessages,
    clock: Clock,
    supplement_after: timedelta = timedelta(days=3),
) -> dict[Reminder, int]:
    """Queue the reminders due now (each once) and flag overdue dossiers."""
    now = clock.now()
    today = vietnam_date(now)
    counts = dict.fromkeys(Reminder, 0)
    async with uow_factory() as uow:
        for dossier in await uow.dossiers.awaiting_payment(now):
            if dossier.payment is not None and remind_payment_now(dossier, now):
                # Once per request: a renewed request gets its own reminder before it expires.
                key = dossier.payment.requested_at.isoformat()
                counts[Reminder.PAYMENT] += await _remind(
                    uow, messages, Reminder.PAYMENT, dossier, key, now
                )
        for dossier in await uow.dossiers.search(
            None, status=DossierStatus.SUPPLEMENT_REQUESTED, limit=10_000
        ):
            asked = dossier.supplement_at
            if asked is not None and now - asked >= supplement_after:
                counts[Reminder.SUPPLEMENT] += await _remind(
                    uow, messages, Reminder.SUPPLEMENT, dossier, asked.isoformat(), now
                )
        tomorrow = today + timedelta(days=1)
        for dossier in await uow.dossiers.open_due(tomorrow, overdue=False):
            if dossier.due_date == tomorrow:
                counts[Reminder.DUE_TOMORROW] += await _remind(
                    uow, messages, Reminder.DUE_TOMORROW, dossier, tomorrow.isoformat(), now
                )
        for dossier in await uow.dossiers.open_due(today - timedelta(days=1), overdue=False):
            if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
                continue  # the legal clock is paused while the citizen supplements
            flagged = replace(dossier, overdue=True)
            await uow.dossiers.update(flagged)
            counts[Reminder.OVERDUE] += await _remind(
                uow, messages, Reminder.OVERDUE, flagged, str(dossier.due_date), now
            )
        await uow.commit()
    return counts
