"""Deliver the hand-over queue (services.handover) to the one-stop system.

One run: read the events due, send each (several at once, none holding a transaction while
the remote system thinks), then settle each in its own transaction:

- accepted (2xx): the event is ACCEPTED; for the submission, the remote system's code and
  receipt time go on the dossier and the citizen's chats are told (outbox);
- transient (timeout, network, 408/425/429, 5xx, 401/403 — a token fixed in the settings
  heals it): tried again after `Backoff.delay`; after `max_attempts` it is dead ("gave up");
- refused (any other 4xx: retrying cannot fix it): dead at once, a dead letter an admin sees
  (/chuyenloi, GET /api/v1/handovers/dead) and may re-send (services.handover.resend).

A process killed between the remote system's answer and the settling leaves the event pending:
it is sent again with the same Idempotency-Key, and the remote system answers it as before.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from services.clock import Clock
from services.dossiers import Dossier
from services.handover import Backoff, HandoverEvent, HandoverKind, HandoverStatus
from services.ports import UnitOfWork, UnitOfWorkFactory
from services.status_pushes import owner_chats

log = logging.getLogger(__name__)


class OutcomeKind(StrEnum):
    """What the remote system's answer means for the event."""

    ACCEPTED = "accepted"
    TRANSIENT = "transient"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer to one delivery."""

    kind: OutcomeKind
    reason: str = ""  # for failures: a status and a short reason, no personal data
    remote_code: str = ""
    received_at: datetime | None = None


class HandoverSender(Protocol):
    """Sends one event (with its dossier, read now) to the one-stop system."""

    async def send(self, event: HandoverEvent, dossier: Dossier) -> Outcome:
        """Deliver and classify the answer; never raises for a remote failure."""
        ...


class AcceptedMessages(Protocol):
    """The citizen's message when the one-stop system received their dossier."""

    def accepted(self, dossier: Dossier) -> Mapping[str, Any]:
        """An outbox message (JSON)."""
        ...


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """What one run did."""

    sent: int = 0
    accepted: int = 0
    retried: int = 0
    dead: int = 0


@dataclass
class HandoverDelivery:
    """The delivery of the queue, bound to its ports (the scheduler's job calls `run_once`)."""

    uow_factory: UnitOfWorkFactory
    sender: HandoverSender
    clock: Clock
    messages: AcceptedMessages
    backoff: Backoff = field(default_factory=Backoff)
    rng: random.Random = field(default_factory=random.Random)
    concurrency: int = 16
    batch: int = 200

    async def run_once(self) -> DeliveryResult:
        """Send every event due now (one batch); the counts of what happened."""
        async with self.uow_factory() as uow:
            events = await uow.handovers.due(self.clock.now(), self.batch)
        if not events:
            return DeliveryResult()
        gate = asyncio.Semaphore(self.concurrency)

        async def one(event: HandoverEvent) -> OutcomeKind | None:
            async with gate:
                return await self._deliver(event)

        kinds = await asyncio.gather(*(one(event) for event in events))
        return DeliveryResult(
            sent=sum(kind is not None for kind in kinds),
            accepted=kinds.count(OutcomeKind.ACCEPTED),
            retried=kinds.count(OutcomeKind.TRANSIENT),
            dead=kinds.count(OutcomeKind.REFUSED),
        )

    async def _deliver(self, event: HandoverEvent) -> OutcomeKind | None:
        async with self.uow_factory() as uow:
            dossier = await uow.dossiers.get(event.dossier_id)
        if dossier is None:
            outcome = Outcome(OutcomeKind.REFUSED, "no such dossier here")
        else:
            outcome = await self.sender.send(event, dossier)
        return await self._settle(event, outcome)

    async def _settle(self, sent: HandoverEvent, outcome: Outcome) -> OutcomeKind | None:
        now = self.clock.now()
        async with self.uow_factory() as uow:
            event = await uow.handovers.get(sent.key)
            if event is None or event.status is not HandoverStatus.PENDING:
                return None  # settled meanwhile (an admin's action): leave it
            kind = outcome.kind
            if kind is OutcomeKind.ACCEPTED:
                await uow.handovers.save(
                    replace(event, status=HandoverStatus.ACCEPTED, settled_at=now, error="",
                            remote_code=outcome.remote_code, received_at=outcome.received_at)
                )  # fmt: skip
                if event.kind is HandoverKind.SUBMIT:
                    await self._receipt(uow, event, outcome, now)
            else:
                attempts = event.attempts + 1
                if kind is OutcomeKind.TRANSIENT and attempts >= self.backoff.max_attempts:
                    kind, outcome = (
                        OutcomeKind.REFUSED,
                        replace(
                            outcome, reason=f"gave up after {attempts} attempts: {outcome.reason}"
                        ),
                    )
                if kind is OutcomeKind.REFUSED:
                    changed = replace(event, status=HandoverStatus.DEAD, settled_at=now)
                    # Only the status: the remote system's own words might quote personal data.
                    log.warning("hand-over %s is dead (%s)", event.key, _status(outcome.reason))
                else:
                    wait = self.backoff.delay(attempts, self.rng)
                    changed = replace(event, not_before=now + wait)
                await uow.handovers.save(
                    replace(changed, attempts=attempts, error=outcome.reason[:200])
                )
            await uow.commit()
        return kind

    async def _receipt(
        self, uow: UnitOfWork, event: HandoverEvent, outcome: Outcome, now: datetime
    ) -> None:
        """Keep the remote code on the dossier and tell the citizen's chats."""
        found = await uow.dossiers.get(event.dossier_id)
        # by_code locks the row (PostgreSQL) so that an officer's change made meanwhile is
        # not overwritten by this read-modify-write.
        dossier = await uow.dossiers.by_code(found.code) if found else None
        if dossier is None or not outcome.remote_code:
            return
        received = replace(
            dossier, remote_code=outcome.remote_code, remote_received_at=outcome.received_at or now
        )
        await uow.dossiers.update(received)
        message = self.messages.accepted(received)
        for chat in await owner_chats(uow, received):
            await uow.outbox.enqueue(chat, f"handover:{event.key}", message, now)


def _status(reason: str) -> str:
    """The leading status of a failure reason ("HTTP 422", "no answer (ReadTimeout)")."""
    return reason.partition(":")[0][:40]
