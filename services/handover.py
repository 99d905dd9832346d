"""Hand-over to the province's one-stop system: a durable outbox of dossier events.

With DOSSIER_SYSTEM=http the one-stop system (Hệ thống thông tin giải quyết TTHC) is where
officers work, so every dossier submitted here must reach it, and so must what the citizen
does afterwards (a supplement, a withdrawal, a new contact, a rating). Each such event is
queued in the SAME transaction as the change that caused it (`queue_handover`): if that
transaction commits the event is stored, if the process dies before or after, nothing is
lost and nothing is queued twice. The scheduler delivers the queue (services.handover_delivery,
bot.handover_http) — the contract is docs/one-stop-contract.md.

- Idempotent: an event's `key` is its `Idempotency-Key` on the wire. The submission's key is
  our dossier id; a later event's is `<dossier id>:<kind>:<n>` (n counts that dossier's events
  of that kind). A resend after a crash or a lost answer carries the same key, and the remote
  system answers it as it answered the first time, without making a second dossier.
- In order per dossier: an event waits while an earlier one of the same dossier is pending or
  dead (a withdrawal never overtakes the submission it withdraws).
- Embedded mode (DOSSIER_SYSTEM=embedded, the default): nothing is queued — the repository is
  built disabled (`HandoverOutbox.enabled` is False) and `queue_handover` returns None.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from services.dossiers import Dossier

if TYPE_CHECKING:
    from services.ports import UnitOfWork

HANDOVER_TOPIC = "handover"  # the wake-up topic: an event was queued or re-sent


class HandoverKind(StrEnum):
    """What happened to the dossier that the one-stop system must hear."""

    SUBMIT = "submit"  # the dossier itself, complete (on submission)
    SUPPLEMENT = "supplement"  # the documents a supplement request asked for
    WITHDRAW = "withdraw"  # the citizen withdraws the dossier (rút hồ sơ)
    CONTACT_CHANGE = "contact_change"  # a new delivery address or contact phone
    RATING = "rating"  # the citizen's satisfaction rating after the result


class HandoverStatus(StrEnum):
    """Where a queued event stands."""

    PENDING = "pending"  # to deliver (again) from `not_before`
    ACCEPTED = "accepted"  # the remote system answered 2xx
    DEAD = "dead"  # refused for good (4xx) or given up: an admin re-sends it


@dataclass(frozen=True, slots=True)
class HandoverEvent:
    """One event for the one-stop system and its delivery state."""

    key: str  # the Idempotency-Key
    dossier_id: str
    kind: HandoverKind
    created_at: datetime
    detail: Mapping[str, Any] = field(default_factory=dict)  # kind-specific (contract)
    status: HandoverStatus = HandoverStatus.PENDING
    attempts: int = 0  # deliveries tried and failed
    not_before: datetime | None = None
    error: str = ""  # the last failure (a status and a short reason; no personal data)
    remote_code: str = ""  # the remote system's own code (of the dossier), once accepted
    received_at: datetime | None = None  # when the remote system says it received it
    settled_at: datetime | None = None  # accepted or dead


class HandoverOutbox(Protocol):
    """The queue of events for the one-stop system (a table)."""

    @property
    def enabled(self) -> bool:
        """Whether hand-over is on (DOSSIER_SYSTEM=http); when off, nothing is queued."""
        ...

    async def enqueue(self, event: HandoverEvent) -> bool:
        """Queue an event; False (nothing written) if its key is queued already."""
        ...

    async def count(self, dossier_id: str, kind: HandoverKind) -> int:
        """How many events of this kind the dossier has queued (any status)."""
        ...

    async def get(self, key: str) -> HandoverEvent | None:
        """One event by key."""
        ...

    async def due(self, now: datetime, limit: int) -> Sequence[HandoverEvent]:
        """Pending events whose time has come and whose dossier has no earlier event still
        pending or dead, oldest first."""
        ...

    async def save(self, event: HandoverEvent) -> None:
        """Store the new delivery state of an event (status, attempts, times, error, code)."""
        ...

    async def dead(self, limit: int = 50) -> Sequence[HandoverEvent]:
        """Dead letters, oldest first."""
        ...

    async def for_dossier(self, dossier_id: str) -> Sequence[HandoverEvent]:
        """Every event of a dossier, oldest first."""
        ...

    async def depth(self) -> int:
        """How many events are pending."""
        ...


async def queue_handover(
    repos: UnitOfWork,
    dossier: Dossier,
    kind: HandoverKind,
    detail: Mapping[str, Any],
    now: datetime,
) -> str | None:
    """Queue `kind` for `dossier` in the caller's unit of work; its key, or None when
    hand-over is off (embedded mode). Call it next to the change, before the commit:

        await queue_handover(repos, dossier, HandoverKind.WITHDRAW,
                             {"reason": reason.value}, now)

    `detail` is the kind's own part of the body (docs/one-stop-contract.md, JSON Schemas in
    docs/one-stop-schemas/), JSON values only:
      SUBMIT          {}
      SUPPLEMENT      {"document_ids": [ids of the documents just sent]}
      WITHDRAW        {"reason": code, "label"?: Vietnamese label, "detail"?: str,
                       "refund"?: VND recorded for refund}
      CONTACT_CHANGE  {"field": the form field's key, "value": its new value}
      RATING          {"level": 1-4} and/or {"comment": str} (a comment may follow later)
    The dossier itself (answers, documents, payments) is read when the event is sent. A
    second SUBMIT of one dossier queues nothing.
    """
    outbox = repos.handovers
    if not outbox.enabled:
        return None
    if kind is HandoverKind.SUBMIT:
        key = dossier.id
    else:
        key = f"{dossier.id}:{kind.value}:{await outbox.count(dossier.id, kind) + 1}"
    event = HandoverEvent(key, dossier.id, kind, now, dict(detail), not_before=now)
    if await outbox.enqueue(event):
        repos.wake(HANDOVER_TOPIC)
    return key


async def resend(repos: UnitOfWork, key: str, now: datetime) -> HandoverEvent | None:
    """Put a dead event back in the queue (an admin's re-send); None if it is not dead."""
    event = await repos.handovers.get(key)
    if event is None or event.status is not HandoverStatus.DEAD:
        return None
    again = HandoverEvent(
        event.key, event.dossier_id, event.kind, event.created_at, event.detail,
        HandoverStatus.PENDING, 0, now, f"re-sent after: {event.error}"[:200],
    )  # fmt: skip
    await repos.handovers.save(again)
    repos.wake(HANDOVER_TOPIC)
    return again


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter: the n-th retry waits base·2^(n-1), capped, times a
    random factor in [1 - jitter, 1] (so that events failed together do not retry together)."""

    base_seconds: float = 2.0
    cap_seconds: float = 600.0
    jitter: float = 0.5
    max_attempts: int = 30  # then the event is dead ("gave up"), for an admin to re-send

    def delay(self, attempts: int, rng: random.Random) -> timedelta:
        """How long to wait after the `attempts`-th failure (attempts ≥ 1)."""
        exponent = min(max(attempts - 1, 0), 30)
        seconds = min(self.cap_seconds, self.base_seconds * 2**exponent)
        return timedelta(seconds=seconds * (1 - self.jitter * rng.random()))
