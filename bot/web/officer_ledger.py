"""The officer API's view of a dossier's payment ledger: transfers credited, refunds owed, and
the refund account the citizen gave."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from services.dossiers import Dossier
from services.ledger import refund_account
from services.vietqr import bank_by_bin


class PaymentOut(BaseModel):
    """One bank transfer credited to the dossier."""

    provider: str = Field(description="sepay or casso")
    transaction_id: str
    amount: int = Field(description="VND received")
    applied: int = Field(description="VND of it that went to the fee (the rest is refunded)")
    received_at: datetime
    occurred_at: datetime | None = Field(description="When the bank says it happened")


class RefundOut(BaseModel):
    """Money owed back to the citizen from one transfer."""

    provider: str
    transaction_id: str
    amount: int
    reason: str = Field(description="overpaid, already_paid or withdrawn")
    at: datetime


class RefundAccountOut(BaseModel):
    """The refund account the citizen gave (bank BIN, number, holder)."""

    bank_bin: str
    bank_name: str | None
    number: str
    holder: str


def payments_out(dossier: Dossier) -> list[PaymentOut]:
    """Every transfer credited to the dossier, in order."""
    return [
        PaymentOut(
            provider=p.provider,
            transaction_id=p.transaction_id,
            amount=p.amount,
            applied=p.applied,
            received_at=p.at,
            occurred_at=p.occurred_at,
        )
        for p in dossier.payments
    ]


def refunds_out(dossier: Dossier) -> list[RefundOut]:
    """Every refund owed on the dossier, in order."""
    return [
        RefundOut(
            provider=r.provider,
            transaction_id=r.transaction_id,
            amount=r.amount,
            reason=r.reason.value,
            at=r.at,
        )
        for r in dossier.refunds
    ]


def refund_account_out(dossier: Dossier) -> RefundAccountOut | None:
    """The refund account on the form, None when the citizen gave none."""
    account = refund_account(dossier.refund)
    if not account.given:
        return None
    bank = bank_by_bin(account.bank)
    return RefundAccountOut(
        bank_bin=account.bank,
        bank_name=bank.name if bank else None,
        number=account.number,
        holder=account.holder,
    )
