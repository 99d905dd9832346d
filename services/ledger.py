"""A dossier's payment ledger: every transfer received, what went to the fee, what is owed back.

Transfers for one dossier add up: 5.000 đ then 3.000 đ pay an 8.000 đ fee. The part of a
transfer beyond what was still due (or any transfer once nothing is due) is owed back to the
citizen, to the refund account given on the form, and recorded as a `Refund` for an officer.
A payment is identified by (provider, transaction id), as the bank's notification is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

_NOT_ACCOUNT = re.compile(r"[\s.\-]+")  # what people and banks put between digits


class PaymentMethod(StrEnum):
    """How the fee is paid."""

    ONLINE = "online"  # by bank transfer (VietQR), before the dossier reaches the agency
    COUNTER = "counter"  # at the one-stop counter: the dossier is submitted unpaid


class RefundReason(StrEnum):
    """Why money is owed back."""

    OVERPAID = "overpaid"  # the transfer was more than what was still due
    ALREADY_PAID = "already_paid"  # nothing was due any more when it arrived
    WITHDRAWN = "withdrawn"  # the citizen withdrew the dossier: what went to the fee


@dataclass(frozen=True, slots=True)
class Payment:
    """One transfer credited to a dossier; `applied` of its `amount` went to the fee."""

    provider: str
    transaction_id: str
    amount: int
    at: datetime  # when the notification was applied here
    applied: int
    occurred_at: datetime | None = None  # when the bank says the transfer happened

    @property
    def key(self) -> str:
        """ "provider:transaction id", unique across providers."""
        return f"{self.provider}:{self.transaction_id}"


@dataclass(frozen=True, slots=True)
class Refund:
    """Money owed back to the citizen from one transfer."""

    provider: str
    transaction_id: str
    amount: int
    at: datetime
    reason: RefundReason


@dataclass(frozen=True, slots=True)
class RefundAccount:
    """Where a refund goes, as the citizen gave it on the form (fields may be empty)."""

    bank: str
    number: str
    holder: str

    @property
    def given(self) -> bool:
        """True when the citizen gave an account number."""
        return bool(self.number)


def refund_account(refund: Mapping[str, str]) -> RefundAccount:
    """The refund account of a dossier's `refund` answers (tk_ngan_hang, tk_so, tk_chu)."""
    return RefundAccount(
        bank=refund.get("tk_ngan_hang", ""),
        number=refund.get("tk_so", ""),
        holder=refund.get("tk_chu", ""),
    )


def normalise_account(number: str) -> str:
    """An account number compared as the bank means it: no spaces, dots or dashes, upper case."""
    return _NOT_ACCOUNT.sub("", number).upper()


def same_account(reported: str, configured: str) -> bool:
    """Whether a notification's receiving account is the configured one."""
    return bool(reported.strip()) and normalise_account(reported) == normalise_account(configured)


def applied_total(payments: Iterable[Payment]) -> int:
    """What the payments put towards the fee."""
    return sum(p.applied for p in payments)


def received_total(payments: Iterable[Payment]) -> int:
    """Everything the payments brought in."""
    return sum(p.amount for p in payments)


def split(amount: int, due: int) -> tuple[int, int]:
    """(towards the fee, owed back) of a transfer of `amount` when `due` is still due."""
    applied = min(amount, max(due, 0))
    return applied, amount - applied
