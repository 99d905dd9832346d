"""What an electronic fee receipt (biên lai thu phí, lệ phí điện tử) states: the fee items
collected, the transfers that paid them, and its number.

`receipt_lines` and `receipt_payments` are the one place that reads a dossier's fee and
payment for the receipt: when fees become rules and payments a ledger, only they change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.catalog import LocalText, Procedure
from services.dossiers import Dossier

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
    """The fee items collected for the dossier, summing to the fee it was asked.

    Today the fee is the procedure's online total, so its items are the catalogue's; should
    they not add up to what was asked, one line states the whole amount.
    """
    due = dossier.payment.amount if dossier.payment else (dossier.fee or 0)
    if proc is not None:
        items = tuple(
            ReceiptLine(item.name, item.payable_online) for item in proc.fees if item.payable_online
        )
        if items and sum(line.amount for line in items) == due:
            return items
    return (ReceiptLine(FEES_LABEL, due),) if due else ()


def receipt_payments(dossier: Dossier) -> tuple[ReceivedPayment, ...]:
    """The transfers that paid the dossier, oldest first (one today)."""
    payment = dossier.payment
    if payment is None or payment.paid_at is None:
        return ()
    return (
        ReceivedPayment(
            payment.paid_amount, payment.transaction_id, payment.reference, payment.paid_at
        ),
    )
