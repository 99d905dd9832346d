"""How a dossier's payment ledger reads: the fee line (paid, due, refunds), the payments and
refunds one per line, and the refund account. Shared by the receipt, the citizen's card, the
officer's card and the payment messages, so every one says the same about what is due."""

from __future__ import annotations

from conversations.messages import At, Lines, Money, Text
from services.dossiers import Dossier
from services.ledger import PaymentMethod, Refund, RefundReason, refund_account
from services.vietqr import bank_by_bin

PROVIDERS = {"sepay": "SePay", "casso": "Casso"}


def masked(number: str) -> str:
    """An account number with only its last four characters shown."""
    return "····" + number[-4:] if len(number) > 4 else number


def account_text(dossier: Dossier, mask: bool = True) -> Text:
    """Where the dossier's refunds go: the refund account on the form, or a note that none
    was given (the officer then asks)."""
    account = refund_account(dossier.refund)
    if not account.given:
        return Text("ledger.account_none")
    bank = bank_by_bin(account.bank)
    return Text(
        "ledger.account",
        {
            "number": masked(account.number) if mask else account.number,
            "bank": bank.short_name if bank else account.bank or "—",
            "holder": account.holder or "—",
        },
    )


def fee_line(dossier: Dossier) -> Text:
    """The fee as it stands: paid in full, paid at the counter, or what is still due; with
    what is owed back."""
    paid, due = Money(dossier.paid_total), Money(dossier.due)
    if dossier.fee is None:  # the agency sets it when it receives the dossier: not free
        line = Text("fees.at_reception")
    elif not dossier.fee:
        line = Text("receipt.fee_none")
    elif dossier.payment_method is PaymentMethod.COUNTER and dossier.due:
        line = Text("ledger.fee_counter", {"fee": Money(dossier.fee), "paid": paid, "due": due})
    elif dossier.due:
        line = Text("ledger.fee_due", {"fee": Money(dossier.fee), "paid": paid, "due": due})
    else:
        line = Text("receipt.fee_paid", {"amount": paid})
    if dossier.refund_total:
        amount = Money(dossier.refund_total)
        line = Text("ledger.fee_refund", {"fee": line, "amount": amount,
                                          "account": account_text(dossier)})  # fmt: skip
    return line


def _refund_line(refund: Refund) -> Text:
    reason = {
        RefundReason.OVERPAID: "ledger.reason_overpaid",
        RefundReason.WITHDRAWN: "course.refund_reason_withdrawn",
    }.get(refund.reason, "ledger.reason_already_paid")
    return Text("ledger.refund_line", {"amount": Money(refund.amount), "reason": Text(reason)})


def ledger_lines(dossier: Dossier) -> Lines:
    """Every payment received and every refund owed, one per line."""
    payments = tuple(
        Text(
            "ledger.payment_line",
            {
                "at": At(p.at),
                "amount": Money(p.amount),
                "provider": PROVIDERS.get(p.provider, p.provider),
            },
        )
        for p in dossier.payments
    )
    return Lines((*payments, *(_refund_line(r) for r in dossier.refunds)), separator="")


def payment_block(dossier: Dossier) -> Text | str:
    """The lines a dossier card gets about its fee: the fee line and the ledger ("" when the
    dossier has no fee and no payment)."""
    if not dossier.fee and not dossier.payments:
        return ""
    return Text("ledger.card", {"fee": fee_line(dossier), "lines": ledger_lines(dossier)})
