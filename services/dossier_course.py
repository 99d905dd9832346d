"""The citizen changes course after submission: withdraw, correct the delivery address or
contact phone, rate the service. Each event is recorded by ONE function here (`withdraw`,
`change_contact`, `rate`), so whatever else must happen on it (the hand-over to the one-stop
system) is added in one place.

When each is allowed, from the national statuses (FACTS §1.3):

- Withdraw (→ 7 "Công dân yêu cầu rút hồ sơ") from 1, 2, 4, 5 and 6: the agency has not
  decided yet. Not from 3, 8 or 10 (closed), 7 (already asked) or 9 (processing is over: the
  result is ready and only waits to be handed over). The officer then records 8.
- Change the delivery address or contact phone while the result is not sent: 1, 2, 4, 5, 6
  and 9 ("Đã xử lý xong", ready but not handed over). Not once withdrawn (7, 8), refused (3)
  or returned (10).
- Rate once processing ended for the citizen: a result (9, 10), a refusal at reception (3), or
  processing stopped by the agency (8, unless the citizen withdrew).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from services.answers import JsonValue
from services.course_records import ContactChange, Withdrawal, WithdrawReason
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, Phase
from services.handover import HandoverKind, queue_handover
from services.ledger import Refund, RefundAccount, RefundReason
from services.ports import UnitOfWork
from services.ratings import MAX_COMMENT, Rating, RatingLevel
from services.status_changes import change_status

_S = DossierStatus
WITHDRAWABLE: frozenset[DossierStatus] = frozenset(
    {_S.SUBMITTED, _S.RECEIVED, _S.PROCESSING, _S.SUPPLEMENT_REQUESTED, _S.PAYMENT_REQUESTED}
)
CONTACT_CHANGEABLE: frozenset[DossierStatus] = WITHDRAWABLE | {_S.RESOLVED}
RATEABLE: frozenset[DossierStatus] = frozenset({_S.REFUSED, _S.STOPPED, _S.RESOLVED, _S.RETURNED})
ADDRESS_KEY = "dia_chi_nhan"  # the delivery address (results by post)
PHONE_KEYS = ("so_dien_thoai", "sdt_nguoi_nhan")  # the applicant's mobile, the recipient's
MAX_DETAIL = 300


@dataclass(frozen=True)
class CourseRefused(ValueError):
    """The change is not possible now; `reason` keys the message to show.

    Reasons: "not_submitted", "not_withdrawable", "status_changed" (params `old`, `new`: what
    the citizen saw and what it is now), "not_changeable", "no_such_contact", "unchanged",
    "not_rateable", "already_rated".
    """

    reason: str
    params: Mapping[str, str | int] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.reason


def can_withdraw(dossier: Dossier) -> bool:
    """Whether the citizen may withdraw the dossier now."""
    return dossier.phase is Phase.SUBMITTED and dossier.status in WITHDRAWABLE


def can_change_contact(dossier: Dossier) -> bool:
    """Whether the delivery address or contact phone may still change."""
    return dossier.phase is Phase.SUBMITTED and dossier.status in CONTACT_CHANGEABLE


def can_rate(dossier: Dossier) -> bool:
    """Whether processing ended in a way the citizen may rate (rated or not)."""
    if dossier.status is _S.STOPPED and dossier.withdrawal is not None:
        return False
    return dossier.phase is Phase.SUBMITTED and dossier.status in RATEABLE


def contact_keys(dossier: Dossier) -> tuple[str, ...]:
    """The contact answers this dossier has (the address only with results by post)."""
    keys = (ADDRESS_KEY, *PHONE_KEYS)
    return tuple(k for k in keys if dossier.answers.get(k) not in (None, ""))


def withdrawal_refunds(dossier: Dossier, now: datetime) -> tuple[Refund, ...]:
    """What goes back on withdrawal: the part of each transfer that went to the fee."""
    refunds = tuple(
        Refund(p.provider, p.transaction_id, p.applied, now, RefundReason.WITHDRAWN)
        for p in dossier.payments
        if p.applied > 0
    )
    if not refunds and dossier.paid_total and dossier.payment is not None:
        # Paid in one transfer before the ledger was kept: the request holds it.
        request = dossier.payment
        refunds = (
            Refund("vietqr", request.transaction_id or request.reference, dossier.paid_total,
                   now, RefundReason.WITHDRAWN),
        )  # fmt: skip
    return refunds


async def withdraw(
    repos: UnitOfWork,
    dossier: Dossier,
    seen: DossierStatus,
    reason: WithdrawReason,
    detail: str,
    account: RefundAccount | None,
    now: datetime,
) -> Dossier:
    """The citizen withdraws: → 7 with the reason, the fee paid recorded for refund (to
    `account` when given, else the one on the form), followers told by the status log.
    `seen` is the status the citizen confirmed against: a change meanwhile refuses."""
    if dossier.phase is not Phase.SUBMITTED or dossier.status is None:
        raise CourseRefused("not_submitted")
    if dossier.status is not seen:
        raise CourseRefused("status_changed", {"old": int(seen), "new": int(dossier.status)})
    if dossier.status not in WITHDRAWABLE:
        raise CourseRefused("not_withdrawable", {"status": int(dossier.status)})
    refunds = withdrawal_refunds(dossier, now)
    record = Withdrawal(
        reason, now, int(dossier.status), detail[:MAX_DETAIL], sum(r.amount for r in refunds)
    )
    refund = dict(dossier.refund)
    if account is not None and account.given:
        refund.update(tk_ngan_hang=account.bank, tk_so=account.number, tk_chu=account.holder)
    updated = replace(
        dossier, withdrawal=record, refunds=(*dossier.refunds, *refunds), refund=refund
    )
    note = f"Công dân rút hồ sơ: {reason.label()}"
    if detail:
        note = f"{note} — {detail[:MAX_DETAIL]}"
    changed = await change_status(
        repos.dossiers, updated, _S.WITHDRAWAL_REQUESTED, "citizen", note, now, 0
    )
    told: dict[str, JsonValue] = {"reason": reason.value, "label": reason.label()}
    if detail:
        told["detail"] = detail[:MAX_DETAIL]
    if record.refunded:
        told["refund"] = record.refunded
    await queue_handover(repos, changed, HandoverKind.WITHDRAW, told, now)
    return changed


async def change_contact(
    repos: UnitOfWork, dossier: Dossier, key: str, value: JsonValue, now: datetime
) -> Dossier:
    """The citizen changes the delivery address or a contact phone, kept with the old value."""
    if not can_change_contact(dossier):
        status = int(dossier.status) if dossier.status is not None else 0
        raise CourseRefused("not_changeable", {"status": status})
    if key not in contact_keys(dossier):
        raise CourseRefused("no_such_contact", {"key": key})
    old = dossier.answers[key]
    if old == value:
        raise CourseRefused("unchanged", {"key": key})
    change = ContactChange(key, old, value, now)
    updated = replace(
        dossier,
        answers={**dossier.answers, key: value},
        contact_changes=(*dossier.contact_changes, change),
    )
    await repos.dossiers.update(updated)
    await queue_handover(
        repos, updated, HandoverKind.CONTACT_CHANGE, {"field": key, "value": value}, now
    )
    return updated


async def rate(repos: UnitOfWork, dossier: Dossier, level: RatingLevel, now: datetime) -> Rating:
    """The citizen's rating of the service, once per dossier (a comment may follow)."""
    if not can_rate(dossier):
        status = int(dossier.status) if dossier.status is not None else 0
        raise CourseRefused("not_rateable", {"status": status})
    rating = Rating(dossier.id, dossier.agency_id, level, now)
    if not await repos.ratings.add(rating):
        raise CourseRefused("already_rated")
    await queue_handover(repos, dossier, HandoverKind.RATING, {"level": int(level)}, now)
    return rating


async def comment(repos: UnitOfWork, dossier: Dossier, text: str, now: datetime) -> bool:
    """The optional comment after a rating; False when rated without it already closed.
    The one-stop system hears of it as a second rating event carrying the comment."""
    words = " ".join(text.split())[:MAX_COMMENT]
    if not words or not await repos.ratings.add_comment(dossier.id, words):
        return False
    await queue_handover(repos, dossier, HandoverKind.RATING, {"comment": words}, now)
    return True
