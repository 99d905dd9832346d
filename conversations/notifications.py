"""Messages about a dossier that are not replies: the payment request, the receipt, payment
problems. Built here (text ids and parameters, like every message) and sent either as a reply
or through the outbox."""

from __future__ import annotations

from conversations import payloads
from conversations.cards import both
from conversations.fee_texts import breakdown, informative
from conversations.flow import PaymentAccount
from conversations.messages import At, Day, Lines, Money, Outgoing, OutgoingKind, Text, btn
from services.catalog_index import Catalog
from services.clock import VIETNAM
from services.dossiers import Dossier
from services.fees import quote_fee
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
    fee = (
        Text("receipt.fee_paid", {"amount": Money(dossier.payment.paid_amount)})
        if dossier.payment and dossier.payment.paid_at
        else Text("receipt.fee_none")
        if not dossier.fee
        else Text("raw_money", {"amount": Money(dossier.fee)})
    )
    text = Text(
        "receipt.caption",
        {
            "code": dossier.code,
            **_dossier_names(catalog, dossier),
            "fee": fee,
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


def payment_request_message(
    account: PaymentAccount, dossier: Dossier, catalog: Catalog | None = None
) -> Outgoing:
    """The VietQR code to scan, with the account and the exact reference as text; given the
    catalogue, the fee's breakdown too when it says more than the amount."""
    assert dossier.payment is not None
    payment = dossier.payment
    payload = encode(account.bank_bin, account.number, payment.amount, payment.reference)
    bank = bank_by_bin(account.bank_bin)
    text = Text(
        "payment.request",
        {
            "code": dossier.code,
            "bank": bank.name if bank else account.bank_bin,
            "account": account.number,
            "holder": account.holder,
            "amount": Money(payment.amount),
            "reference": payment.reference,
            "expires": At(payment.expires_at),
        },
    )
    lines = fee_breakdown(catalog, dossier) if catalog is not None else None
    if lines is not None:
        text = Text("fees.payment_request", {"request": text, "lines": lines})
    return Outgoing(
        text, kind=OutgoingKind.IMAGE, media_ref=VIETQR_PREFIX + payload, media_name="vietqr.png"
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


def underpaid_message(dossier: Dossier, paid: int) -> Outgoing:
    """The transfer was less than the fee: kept for an officer, the citizen told."""
    assert dossier.payment is not None
    return Outgoing(
        Text(
            "payment.underpaid",
            {"code": dossier.code, "paid": Money(paid), "due": Money(dossier.payment.amount)},
        )
    )


def already_paid_message(dossier: Dossier, paid: int) -> Outgoing:
    """A second transfer for a paid dossier: an officer will refund it."""
    return Outgoing(Text("payment.extra", {"code": dossier.code, "paid": Money(paid)}))
