"""Submitted dossiers: created from a confirmed draft, paid by bank transfer, tracked by code.

A dossier gets its code (`<agency code>-<YYMMDD>-<NNNN>`, a per-agency daily sequence) when
the citizen commits and submits. Free procedures (and fees set at reception) are submitted at
once: national status 1 "Mới đăng ký". A fee payable online first asks for a VietQR transfer;
the bank's notification then moves the dossier to status 1 and a receipt goes to the citizen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from services.answers import JsonValue
from services.applicant import Party
from services.calendar import add_working_days
from services.course_records import ContactChange, Withdrawal
from services.documents import Attachment
from services.dossier_codes import DossierStatus, format_code, payment_reference
from services.ledger import Payment, PaymentMethod, Refund, applied_total

PAYMENT_VALIDITY = timedelta(hours=24)
# The unpaid reminder goes once per request when this little of its validity is left, so the
# citizen can still pay with the QR they have (or renew it) before it expires.
PAYMENT_REMINDER_BEFORE = timedelta(hours=4)


OPEN_STATUSES: frozenset[int] = frozenset({1, 2, 4, 5, 6, 7})  # the agency still has it


class Phase(StrEnum):
    """Before the national statuses: is the dossier waiting for its fee?"""

    AWAITING_PAYMENT = "awaiting_payment"
    SUBMITTED = "submitted"


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    """A VietQR payment asked for a dossier: `amount` is what was still due when asked (or
    after the last partial transfer); `paid_*` are set once the whole fee is in."""

    reference: str
    amount: int
    requested_at: datetime
    expires_at: datetime
    paid_at: datetime | None = None
    paid_amount: int = 0
    transaction_id: str = ""


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A status change: which status, when, by whom, why."""

    status: int
    at: datetime
    actor: str
    note: str = ""
    remote_id: str = ""  # the remote dossier system's id of the change (applied once)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A status change as the dossier system reports it, in order (`id` is the cursor)."""

    id: int
    dossier_id: str
    status: int
    at: datetime
    actor: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Dossier:
    """A submitted (or awaiting-payment) dossier."""

    id: str
    code: str
    procedure_id: str
    agency_id: str
    owner: str  # chat key of the chat that submitted
    citizen_id: str | None
    answers: Mapping[str, JsonValue]
    attachments: tuple[Attachment, ...]
    fee: int | None  # due online in VND; None when set at reception
    created_at: datetime
    phase: Phase
    status: DossierStatus | None = None
    submitted_at: datetime | None = None
    due_date: date | None = None
    payment: PaymentRequest | None = None
    history: tuple[HistoryEntry, ...] = field(default_factory=tuple)
    refund: Mapping[str, str] = field(default_factory=dict)
    supplement: tuple[str, ...] = ()  # components the officer asked for (status 5)
    supplement_note: str = ""
    supplement_at: datetime | None = None
    results: tuple[Attachment, ...] = ()  # result files returned by the agency
    overdue: bool = False  # a flag officers set, not a status (FACTS §1.3)
    # Who filed (the logged-in citizen, from the registry) and whom the dossier is about; the
    # same person unless `relation` says the filer acts for a child, parent or principal.
    filer: Party | None = None
    subject: Party | None = None
    relation: str = ""
    payments: tuple[Payment, ...] = ()  # the ledger: every transfer credited, in order
    refunds: tuple[Refund, ...] = ()  # money owed back (overpaid, or paid twice)
    payment_method: PaymentMethod = PaymentMethod.ONLINE
    withdrawal: Withdrawal | None = None  # the citizen asked to withdraw (status 7)
    contact_changes: tuple[ContactChange, ...] = ()  # address/phone changed after submission
    # The one-stop system's own code for this dossier and when it received it (DOSSIER_SYSTEM
    # =http, services.handover): shown to the citizen once the hand-over is accepted.
    remote_code: str = ""
    remote_received_at: datetime | None = None

    @property
    def paid_total(self) -> int:
        """What has been paid towards the fee (refunds excluded)."""
        applied = applied_total(self.payments)
        if not applied and self.payment is not None and self.payment.paid_at is not None:
            # Paid in one transfer before the ledger was kept: the request holds the amount.
            return min(self.payment.paid_amount, self.fee or 0)
        return applied

    @property
    def due(self) -> int:
        """What is still due on the fee (0 for a free dossier or one fully paid)."""
        return max((self.fee or 0) - self.paid_total, 0)

    @property
    def refund_total(self) -> int:
        """What is owed back to the citizen."""
        return sum(r.amount for r in self.refunds)

    @property
    def fully_paid(self) -> bool:
        """A fee was due online and all of it has arrived."""
        return bool(self.fee) and self.due == 0

    def with_status(
        self, status: DossierStatus, at: datetime, actor: str, note: str = ""
    ) -> Dossier:
        """A copy in `status`, with the change in its history."""
        entry = HistoryEntry(int(status), at, actor, note)
        return replace(self, status=status, history=(*self.history, entry))


FINISHED_STATUSES: frozenset[int] = frozenset({9, 10})  # processing ended with a result


@dataclass(frozen=True, slots=True)
class DayCounts:
    """Dossiers submitted on one day (Vietnam time): how many are in each status now, and of
    those finished (9, 10), how many ended processing on or before their due date."""

    day: date
    by_status: Mapping[int, int]
    on_time: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        """Every dossier submitted that day."""
        return sum(self.by_status.values())


class DossierRepository(Protocol):
    """Submitted dossiers."""

    async def add(self, dossier: Dossier) -> None:
        """Store a new dossier."""
        ...

    async def update(self, dossier: Dossier) -> None:
        """Store the new version of a dossier."""
        ...

    async def get(self, dossier_id: str) -> Dossier | None:
        """One dossier by id."""
        ...

    async def by_code(self, code: str) -> Dossier | None:
        """One dossier by its code (locked for update until commit)."""
        ...

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[Dossier]:
        """Dossiers of a chat and of its citizen, newest first."""
        ...

    async def next_sequence(self, agency_code: str, day: date) -> int:
        """The next number of the agency's daily sequence (atomic across workers)."""
        ...

    async def search(
        self,
        agency_ids: Sequence[str] | None,
        status: DossierStatus | None = None,
        overdue: bool | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[Dossier]:
        """Submitted dossiers of some agencies (all when None), oldest due first."""
        ...

    async def record_change(self, change: StatusChange) -> int:
        """Append a status change to the log (not pushed yet); returns its id. Once the unit
        of work commits, the status pushes are woken (services.status_pushes.STATUS_TOPIC)."""
        ...

    async def unpushed_changes(self, limit: int) -> Sequence[StatusChange]:
        """Changes whose messages are not queued yet, oldest first."""
        ...

    async def mark_pushed(self, change_ids: Sequence[int]) -> None:
        """Their messages are queued."""
        ...

    async def history_changes(self, dossier_id: str) -> Sequence[StatusChange]:
        """Every logged change of one dossier, oldest first."""
        ...

    async def awaiting_payment(self, created_before: datetime) -> Sequence[Dossier]:
        """Dossiers still waiting for their fee, created before a moment."""
        ...

    async def open_due(self, until: date, overdue: bool | None = None) -> Sequence[Dossier]:
        """Submitted dossiers not finished (status 1, 2, 4, 5, 6, 7) due on or before `until`."""
        ...

    async def daily_counts(
        self, since: date, agency_ids: Sequence[str] | None = None
    ) -> Sequence[DayCounts]:
        """Submitted dossiers of some agencies (all when None) per submission day from `since`
        (Vietnam time), oldest first, days without dossiers left out. A finished dossier is on
        time when the first logged change to 9 or 10 falls on or before its due date (FACTS
        §1.3); with no such change logged, when it is not flagged overdue."""
        ...

    async def follow(self, dossier_id: str, chat_key: str, at: datetime) -> None:
        """A chat follows a dossier's status changes (again: it was seen at `at`)."""
        ...

    async def seen(self, dossier_id: str, chat_key: str, at: datetime) -> bool:
        """A follower looked the dossier up at `at` (its expiry starts again); False, and
        nothing written, when the chat does not follow it."""
        ...

    async def unfollow(self, dossier_id: str, chat_key: str) -> bool:
        """A chat stops following; False when it was not following."""
        ...

    async def followers(
        self, dossier_id: str, since: datetime | None = None, limit: int | None = None
    ) -> Sequence[str]:
        """Chats following a dossier (besides its owner), seen at or after `since` when
        given, the earliest followers first, at most `limit`."""
        ...

    async def followed(self, chat_key: str, since: datetime | None = None) -> Sequence[str]:
        """Ids of the dossiers a chat follows, seen at or after `since` when given, the
        earliest followed first."""
        ...

    async def expire_followers(self, idle_before: datetime, finished_before: datetime) -> int:
        """Delete followers last seen before `idle_before`, and every follower of a dossier
        that ended (services.dossier_codes.TERMINAL) with its last logged change before
        `finished_before`; returns how many."""
        ...


class PaymentEventRepository(Protocol):
    """Bank notifications received, for idempotency and for officers to reconcile."""

    async def record(self, provider: str, transaction_id: str, body: Mapping[str, Any],
                     outcome: str, at: datetime) -> bool:  # fmt: skip
        """Keep a notification; False when this provider's transaction was already recorded."""
        ...


def dossier_code(agency_code: str, day: date, sequence: int) -> str:
    """The code of a new dossier."""
    return format_code(agency_code, day, sequence)


def payment_request(code: str, amount: int, now: datetime) -> PaymentRequest:
    """A fresh payment request for a dossier."""
    return PaymentRequest(payment_reference(code), amount, now, now + PAYMENT_VALIDITY)


def renew_payment(dossier: Dossier, now: datetime) -> Dossier:
    """A new request for what is still due; the payments already received stay credited."""
    return replace(dossier, payment=payment_request(dossier.code, dossier.due, now))


def remind_payment_now(dossier: Dossier, now: datetime) -> bool:
    """Whether the unpaid reminder is due: awaiting payment, with a request still valid that
    has no more than PAYMENT_REMINDER_BEFORE left."""
    payment = dossier.payment
    return (
        dossier.phase is Phase.AWAITING_PAYMENT
        and payment is not None
        and dossier.due > 0
        and now < payment.expires_at <= now + PAYMENT_REMINDER_BEFORE
    )


def submitted(
    dossier: Dossier, at: datetime, day: date, processing_days: int, actor: str
) -> Dossier:
    """The dossier once it counts as submitted: status 1 and its due date."""
    ready = replace(
        dossier,
        phase=Phase.SUBMITTED,
        submitted_at=at,
        due_date=add_working_days(day, processing_days),
    )
    return ready.with_status(DossierStatus.SUBMITTED, at, actor)


class PaymentSimulator(Protocol):
    """Development only: makes the bank notify a transfer, through the real webhook."""

    async def simulate(self, reference: str, amount: int) -> None:
        """Ask for a signed notification of a transfer of `amount` with `reference`."""
        ...


class PaymentOutcome(StrEnum):
    """What a bank notification did."""

    PAID = "paid"  # the fee is now paid in full (the dossier is submitted)
    OVERPAID = "overpaid"  # paid in full, and the excess recorded for refund
    PARTIAL = "partial"  # credited; something is still due, the citizen told what
    DUPLICATE = "duplicate"  # the same notification again: no effect
    IGNORED = "ignored"  # money going out, or zero
    UNMATCHED = "unmatched"  # no dossier matches the description: kept for an officer
    ALREADY_PAID = "already_paid"  # nothing was due any more: recorded for refund
    WRONG_ACCOUNT = "wrong_account"  # received on another account than ours: refused
