"""Apply a bank-transfer notification: check the receiving account, find the dossier, credit
its ledger.

Transfers add up: the dossier is paid (and submitted) when what it received reaches its fee;
until then the citizen is told what is still due. Whatever goes beyond the fee, or arrives once
nothing is due, is recorded for refund. A notice for another account than ours is refused.

Idempotent: the provider's transaction id is recorded first, and the ledger holds each
(provider, transaction id) once; the same notification again (a retry, or two deliveries at
once) changes nothing. Concurrent notifications for one dossier queue on its row lock
(`by_code` locks it for update), so partial transfers arriving together add up exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from services.clock import vietnam_date
from services.dossier_codes import code_for_reference, find_reference
from services.dossiers import (
    Dossier,
    DossierRepository,
    PaymentEventRepository,
    PaymentOutcome,
    Phase,
    payment_request,
    submitted,
)
from services.ledger import Payment, Refund, RefundReason, same_account, split
from services.payments import BankTransfer

CREDITED = frozenset(
    {
        PaymentOutcome.PAID,
        PaymentOutcome.OVERPAID,
        PaymentOutcome.PARTIAL,
        PaymentOutcome.ALREADY_PAID,
    }
)


async def apply_transfer(
    dossiers: DossierRepository,
    events: PaymentEventRepository,
    transfer: BankTransfer,
    body: Mapping[str, Any],
    now: datetime,
    processing_days: Mapping[str, int],
    account: str,
) -> tuple[PaymentOutcome, Dossier | None]:
    """What the notification did, and the dossier it concerned (if any); `account` is the
    account number fees are paid into (settings)."""
    outcome, dossier = await _match(dossiers, transfer, now, processing_days, account)
    if not await events.record(transfer.provider, transfer.transaction_id, body, outcome, now):
        return PaymentOutcome.DUPLICATE, None
    if outcome in CREDITED and dossier is not None:
        await dossiers.update(dossier)
    return outcome, dossier


async def _match(
    dossiers: DossierRepository,
    transfer: BankTransfer,
    now: datetime,
    processing_days: Mapping[str, int],
    account: str,
) -> tuple[PaymentOutcome, Dossier | None]:
    if not transfer.incoming or transfer.amount <= 0:
        return PaymentOutcome.IGNORED, None
    if not same_account(transfer.account, account):
        return PaymentOutcome.WRONG_ACCOUNT, None
    reference = find_reference(transfer.description)
    code = code_for_reference(reference) if reference else None
    dossier = await dossiers.by_code(code) if code else None
    if dossier is None or not dossier.fee:
        return PaymentOutcome.UNMATCHED, dossier
    if any(
        p.provider == transfer.provider and p.transaction_id == transfer.transaction_id
        for p in dossier.payments
    ):
        return PaymentOutcome.DUPLICATE, None
    return credit(dossier, transfer, now, processing_days.get(dossier.procedure_id, 0))


def credit(
    dossier: Dossier, transfer: BankTransfer, now: datetime, processing_days: int
) -> tuple[PaymentOutcome, Dossier]:
    """The dossier with the transfer in its ledger, and what that did."""
    applied, extra = split(transfer.amount, dossier.due)
    payment = Payment(
        transfer.provider, transfer.transaction_id, transfer.amount, now, applied,
        occurred_at=transfer.occurred_at,
    )  # fmt: skip
    refunds = dossier.refunds
    if extra:
        reason = RefundReason.OVERPAID if applied else RefundReason.ALREADY_PAID
        refund = Refund(transfer.provider, transfer.transaction_id, extra, now, reason)
        refunds = (*refunds, refund)
    credited = replace(dossier, payments=(*dossier.payments, payment), refunds=refunds)
    if not applied:
        return PaymentOutcome.ALREADY_PAID, credited
    request = credited.payment
    if credited.due > 0:
        # The request now asks for the rest: the QR sent next carries exactly that.
        rest = replace(request, amount=credited.due) if request else None
        if rest is not None and now >= rest.expires_at:
            # Paid after the request expired: the QR for the rest must not be out of date.
            rest = payment_request(dossier.code, credited.due, now)
        return PaymentOutcome.PARTIAL, replace(credited, payment=rest)
    if request is not None:
        request = replace(
            request, paid_at=now, paid_amount=credited.paid_total, transaction_id=payment.key
        )
        credited = replace(credited, payment=request)
    if credited.phase is Phase.AWAITING_PAYMENT:
        day = vietnam_date(now)
        credited = submitted(credited, now, day, processing_days, f"bank:{transfer.provider}")
    return (PaymentOutcome.OVERPAID if extra else PaymentOutcome.PAID), credited
