"""What an electronic fee receipt (biên lai thu phí, lệ phí điện tử) states: the fee items
collected, the transfers that paid them, and its number.

`receipt_lines` and `receipt_payments` are the one place that reads a dossier's fee and
payment for the receipt: when fees become rules and payments a ledger, only they change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.catalog import LocalText, Procedure
from services.clock import VIETNAM
from services.dossiers import Dossier
from services.fees import quote_fee

FEES_LABEL = LocalText("Phí, lệ phí giải quyết thủ tục hành chính", "Administrative fees")


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One fee item collected: what, how many, at what unit price."""

    label: LocalText
    amount: int
    quantity: int = 1
    unit: int | None = None  # the unit price when quantity > 1


@dataclass(frozen=True, slots=True)
class ReceivedPayment:
    """One transfer received for the dossier."""

    amount: int
    transaction_id: str
    reference: str
    at: datetime


def receipt_number(code: str, sequence: int = 1) -> str:
    """The receipt's number: the dossier code and the receipt's sequence for that dossier,
    unique and the same every time it is printed (`BL-<code>-01`)."""
    return f"BL-{code}-{sequence:02d}"


def receipt_lines(dossier: Dossier, proc: Procedure | None) -> tuple[ReceiptLine, ...]:
    """The fee items collected for the dossier, summing to the fee it was asked: the fee rules
    quoted again on its filing day (Vietnam's date); should they not add up to what was asked
    (the catalogue changed since), one line states the whole amount."""
    due = dossier.fee or 0
    if proc is not None and due:
        day = dossier.created_at.astimezone(VIETNAM).date()
        quote = quote_fee(proc, dossier.answers, day)
        items = tuple(
            ReceiptLine(line.name, line.amount, line.quantity, line.unit)
            for line in quote.lines
            if line.amount
        )
        if items and quote.total == due:
            return items
    return (ReceiptLine(FEES_LABEL, due),) if due else ()


def receipt_payments(dossier: Dossier) -> tuple[ReceivedPayment, ...]:
    """The transfers that paid the dossier, oldest first (its ledger; a dossier paid before
    the ledger was kept has its one transfer on the payment request)."""
    payment = dossier.payment
    reference = payment.reference if payment else ""
    if dossier.payments:
        return tuple(
            ReceivedPayment(p.amount, p.key, reference, p.at) for p in dossier.payments if p.applied
        )
    if payment is None or payment.paid_at is None:
        return ()
    return (
        ReceivedPayment(payment.paid_amount, payment.transaction_id, reference, payment.paid_at),
    )
