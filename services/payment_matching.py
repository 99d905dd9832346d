"""Apply a bank-transfer notification: find the dossier, check the amount, mark it paid.

Idempotent: the provider's transaction id is recorded first; the same notification again
(a retry, or two deliveries at once) changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from services.clock import vietnam_date
from services.dossier import code_for_reference, find_reference
from services.dossiers import (
    Dossier,
    DossierRepository,
    PaymentEventRepository,
    PaymentOutcome,
    submitted,
)
from services.payments import BankTransfer


async def apply_transfer(
    dossiers: DossierRepository,
    events: PaymentEventRepository,
    transfer: BankTransfer,
    body: Mapping[str, Any],
    now: datetime,
    processing_days: Mapping[str, int],
) -> tuple[PaymentOutcome, Dossier | None]:
    """What the notification did, and the dossier it concerned (if any)."""
    outcome, dossier = await _match(dossiers, transfer, now, processing_days)
    if not await events.record(transfer.provider, transfer.transaction_id, body, outcome, now):
        return PaymentOutcome.DUPLICATE, None
    if outcome is PaymentOutcome.PAID and dossier is not None:
        await dossiers.update(dossier)
    return outcome, dossier


async def _match(
    dossiers: DossierRepository,
    transfer: BankTransfer,
    now: datetime,
    processing_days: Mapping[str, int],
) -> tuple[PaymentOutcome, Dossier | None]:
    if not transfer.incoming or transfer.amount <= 0:
        return PaymentOutcome.IGNORED, None
    reference = find_reference(transfer.description)
    code = code_for_reference(reference) if reference else None
    dossier = await dossiers.by_code(code) if code else None
    if dossier is None or dossier.payment is None:
        return PaymentOutcome.UNMATCHED, dossier
    if dossier.payment.paid_at is not None:
        return PaymentOutcome.ALREADY_PAID, dossier
    if transfer.amount < dossier.payment.amount:
        return PaymentOutcome.UNDERPAID, dossier
    payment = replace(
        dossier.payment,
        paid_at=now,
        paid_amount=transfer.amount,
        transaction_id=f"{transfer.provider}:{transfer.transaction_id}",
    )
    day = vietnam_date(now)
    paid = replace(dossier, payment=payment)
    days = processing_days.get(dossier.procedure_id, 0)
    return PaymentOutcome.PAID, submitted(paid, now, day, days, f"bank:{transfer.provider}")
