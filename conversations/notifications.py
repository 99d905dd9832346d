"""Messages about a dossier that are not replies: the payment request, the receipt, payment
problems. Built here (text ids and parameters, like every message) and sent either as a reply
or through the outbox."""

from __future__ import annotations

from typing import Any

from conversations import payloads
from conversations.cards import both
from conversations.fee_texts import breakdown, informative
from conversations.flow import PaymentAccount
from conversations.ledger_texts import account_text, fee_line
from conversations.messages import At, Day, Lines, Money, Outgoing, OutgoingKind, Text, btn, say
from services.catalog_index import Catalog
from services.clock import VIETNAM
from services.dossiers import Dossier
from services.fees import quote_fee
from services.ledger import Refund, RefundReason
from services.vietqr import bank_by_bin, encode

RECEIPT_PREFIX = "receipt:"
VIETQR_PREFIX = "vietqr:"


def _dossier_names(catalog: Catalog, dossier: Dossier) -> dict[str, Text | str]:
    proc = catalog.procedure(dossier.procedure_id)
    agency = catalog.agencies.get(dossier.agency_id)
    return {
        "procedure": Text("raw_both", {"text": both(proc.name)}) if proc else dossier.procedure_id,
        "agency": Text("raw_both", {"text": both(agency.name)}) if agency else dossier.agency_id,
    }


def receipt_message(catalog: Catalog, dossier: Dossier) -> Outgoing:
    """The receipt (phiếu tiếp nhận): an image with the code and a QR of it, and the text."""
    text = Text(
        "receipt.caption",
        {
            "code": dossier.code,
            **_dossier_names(catalog, dossier),
            "fee": fee_line(dossier),
            "submitted": At(dossier.submitted_at) if dossier.submitted_at else "—",
            "due": Day(dossier.due_date) if dossier.due_date else "—",
        },
    )
    buttons = ((btn("menu.dossiers", payloads.menu("dossiers")),),)
    return Outgoing(
        text,
        buttons,
        kind=OutgoingKind.IMAGE,
        media_ref=RECEIPT_PREFIX + dossier.id,
        media_name=f"bien-nhan-{dossier.code}.png",
    )


def _qr(account: PaymentAccount, amount: int, reference: str) -> dict[str, str]:
    bank = bank_by_bin(account.bank_bin)
    return {
        "payload": encode(account.bank_bin, account.number, amount, reference),
        "bank": bank.name if bank else account.bank_bin,
    }


def payment_request_message(
    account: PaymentAccount, dossier: Dossier, catalog: Catalog | None = None
) -> Outgoing:
    """The VietQR code to scan for what is still due, with the account and the exact
    reference as text (and what was already received, after a partial transfer); given the
    catalogue, the fee's breakdown too when it says more than the amount."""
    assert dossier.payment is not None
    payment = dossier.payment
    amount = dossier.due if dossier.fee else payment.amount
    qr = _qr(account, amount, payment.reference)
    params: dict[str, Any] = {
        "code": dossier.code,
        "bank": qr["bank"],
        "account": account.number,
        "holder": account.holder,
        "amount": Money(amount),
        "reference": payment.reference,
        "expires": At(payment.expires_at),
    }
    key = "payment.request"
    if dossier.paid_total and dossier.fee:
        key = "ledger.request_rest"
        params.update(paid=Money(dossier.paid_total), fee=Money(dossier.fee))
    text = Text(key, params)
    lines = fee_breakdown(catalog, dossier) if catalog is not None else None
    if lines is not None:
        text = Text("fees.payment_request", {"request": text, "lines": lines})
    return Outgoing(
        text,
        kind=OutgoingKind.IMAGE,
        media_ref=VIETQR_PREFIX + qr["payload"],
        media_name="vietqr.png",
    )


def fee_breakdown(catalog: Catalog, dossier: Dossier) -> Lines | None:
    """The dossier's fee computed again from its answers on its filing day (Vietnam's date),
    when it explains the amount (several lines, copies, an exemption) and still matches it."""
    proc = catalog.procedure(dossier.procedure_id)
    if proc is None:
        return None
    quote = quote_fee(proc, dossier.answers, dossier.created_at.astimezone(VIETNAM).date())
    if quote.total != dossier.fee or not informative(quote):
        return None
    return breakdown(quote)


def partial_message(account: PaymentAccount, dossier: Dossier, received: int) -> Outgoing:
    """A transfer credited but not enough: what arrived, what remains, and the QR for it."""
    assert dossier.payment is not None and dossier.fee
    qr = _qr(account, dossier.due, dossier.payment.reference)
    text = Text(
        "ledger.partial",
        {
            "code": dossier.code,
            "received": Money(received),
            "paid": Money(dossier.paid_total),
            "fee": Money(dossier.fee),
            "due": Money(dossier.due),
            "bank": qr["bank"],
            "account": account.number,
            "holder": account.holder,
            "reference": dossier.payment.reference,
            "expires": At(dossier.payment.expires_at),
        },
    )
    return Outgoing(
        text,
        kind=OutgoingKind.IMAGE,
        media_ref=VIETQR_PREFIX + qr["payload"],
        media_name="vietqr.png",
    )


def refund_message(dossier: Dossier, refund: Refund) -> Outgoing:
    """Money owed back: paid in excess, or after the fee was settled; to which account."""
    key = "ledger.overpaid" if refund.reason is RefundReason.OVERPAID else "ledger.extra"
    return say(key, code=dossier.code, amount=Money(refund.amount), account=account_text(dossier))
