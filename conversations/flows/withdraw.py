"""Withdrawing a dossier (rút hồ sơ): a reason, the refund account when a fee was paid and
none was given, a confirmation, then status 7 "Công dân yêu cầu rút hồ sơ".

    (card "Rút hồ sơ") ──▶ AWAITING_REASON ──a reason (or "other" ──▶ AWAITING_DETAIL ──text)
        ──▶ (a fee was paid, no refund account on the form) AWAITING_ACCOUNT
            ──"bank, account number, holder"──▶ AWAITING_CONFIRM
        ──▶ AWAITING_CONFIRM ──confirm──▶ status 7, the fee paid recorded for refund, card

The confirmation carries the status the citizen saw: if an officer moved the dossier
meanwhile, nothing is withdrawn and the citizen is told the new status. Which statuses allow
it: services.dossier_course.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from conversations import payloads
from conversations.course_cards import WITHDRAW_CONFIRM
from conversations.flow import Context, Flow, Turn
from conversations.flows import dossiers, home
from conversations.flows.course_access import Owner, owned, owner, status_now
from conversations.ledger_texts import account_text
from conversations.messages import Money, Outgoing, Text, btn, main_btn, say
from conversations.status_messages import status_label
from conversations.steps import Dialog, Window, unreachable
from conversations.widgets import Cancel, Select, Typed
from services.answers import AnswerError, parse_account, parse_holder
from services.course_records import WithdrawReason
from services.dossier_codes import DossierStatus
from services.dossier_course import (
    MAX_DETAIL,
    CourseRefused,
    can_withdraw,
    withdraw,
    withdrawal_refunds,
)
from services.dossiers import Dossier
from services.ledger import RefundAccount, refund_account

NAME = "withdraw"
REASON = "wr"
MAX_BANK = 60


class WithdrawState(StrEnum):
    """What the withdrawal awaits."""

    AWAITING_REASON = "AWAITING_REASON"
    AWAITING_DETAIL = "AWAITING_DETAIL"
    AWAITING_ACCOUNT = "AWAITING_ACCOUNT"
    AWAITING_CONFIRM = "AWAITING_CONFIRM"


@dataclass(frozen=True, slots=True)
class WithdrawData:
    """The dossier, the status the citizen saw, the reason and (if asked) the refund account."""

    dossier_id: str
    seen: int
    reason: str = ""
    detail: str = ""
    bank: str = ""
    number: str = ""
    holder: str = ""


Withdrawing = Owner[WithdrawData]


async def start(ctx: Context, dossier_id: str) -> Turn:
    """The card's "Rút hồ sơ" button."""
    found = await owned(ctx, dossier_id)
    if isinstance(found, Turn):
        return found
    if not can_withdraw(found) or found.status is None:
        return home.show(status_now(found), say("course.withdraw_not_allowed"))
    return _ask_reason(found, WithdrawData(found.id, int(found.status)))


def _ask_reason(dossier: Dossier, data: WithdrawData) -> Turn:
    rows = tuple(
        (btn(f"course.reason_{r.value}", payloads.pick(REASON, r.value)),) for r in WithdrawReason
    )
    cancel = ((btn("btn.cancel", payloads.do("cancel")),),)
    text = say("course.withdraw_reason", (*rows, *cancel), code=dossier.code)
    return Turn(NAME, WithdrawState.AWAITING_REASON, data, (text,))


def _ask_detail(dossier: Dossier, data: WithdrawData, *notes: Outgoing) -> Turn:
    cancel = ((btn("btn.cancel", payloads.do("cancel")),),)
    text = say("course.withdraw_detail", cancel, code=dossier.code, max=MAX_DETAIL)
    return Turn(NAME, WithdrawState.AWAITING_DETAIL, data, (*notes, text))


def _ask_account(dossier: Dossier, data: WithdrawData, *notes: Outgoing) -> Turn:
    cancel = ((btn("btn.cancel", payloads.do("cancel")),),)
    text = say("course.withdraw_account", cancel, amount=Money(dossier.paid_total))
    return Turn(NAME, WithdrawState.AWAITING_ACCOUNT, data, (*notes, text))


def _account(dossier: Dossier, data: WithdrawData) -> RefundAccount:
    if data.number:
        return RefundAccount(data.bank, data.number, data.holder)
    return refund_account(dossier.refund)


def _next(dossier: Dossier, data: WithdrawData) -> Turn:
    """After the reason: the refund account if one is needed and missing, else confirm."""
    if dossier.paid_total and not _account(dossier, data).given:
        return _ask_account(dossier, data)
    return _confirm(dossier, data)


def _confirm(dossier: Dossier, data: WithdrawData) -> Turn:
    refunded = sum(r.amount for r in withdrawal_refunds(dossier, dossier.created_at))
    given = {"tk_ngan_hang": data.bank, "tk_so": data.number, "tk_chu": data.holder}
    account = replace(dossier, refund=given) if data.number else dossier
    refund = (
        Text(
            "course.withdraw_refund", {"amount": Money(refunded), "account": account_text(account)}
        )
        if refunded
        else ""
    )
    reason = Text(f"course.reason_{data.reason}")
    buttons = (
        (main_btn("course.withdraw_yes", payloads.pick(WITHDRAW_CONFIRM, dossier.id)),),
        (btn("btn.cancel", payloads.do("cancel")),),
    )
    text = say(
        "course.withdraw_confirm",
        buttons,
        code=dossier.code,
        status=status_label(DossierStatus(data.seen)),
        reason=reason,
        detail=Text("course.card_detail", {"detail": data.detail}) if data.detail else "",
        refund=refund,
    )
    return Turn(NAME, WithdrawState.AWAITING_CONFIRM, data, (text,))


async def _finish(ctx: Context, dossier: Dossier, data: WithdrawData) -> Turn:
    account = RefundAccount(data.bank, data.number, data.holder) if data.number else None
    locked = await ctx.repos.dossiers.by_code(dossier.code)  # locked until commit (PostgreSQL)
    current = locked or dossier
    try:
        updated = await withdraw(
            ctx.repos, current, DossierStatus(data.seen), WithdrawReason(data.reason),
            data.detail, account, ctx.clock.now(),
        )  # fmt: skip
    except CourseRefused as refused:
        changed = refused.reason == "status_changed"
        note = "course.withdraw_changed" if changed else "course.withdraw_not_allowed"
        card = await dossiers.open_mine(ctx, current.id) or home.show()
        return _prepend(card, status_now(current), say(note))
    done = say("course.withdrawn", code=updated.code)
    card = await dossiers.open_mine(ctx, updated.id) or home.show()
    return _prepend(card, done)


def _prepend(turn: Turn, *messages: Outgoing) -> Turn:
    return replace(turn, messages=(*messages, *turn.messages))


async def confirmed(ctx: Context, data: WithdrawData, dossier_id: str) -> Turn:
    """The confirm button pressed: withdraw if this is the withdrawal being confirmed."""
    found = await owned(ctx, dossier_id)
    if isinstance(found, Turn):
        return found
    if data.dossier_id != dossier_id or not data.reason:
        return await stale_confirm(ctx, dossier_id)
    return await _finish(ctx, found, data)


async def stale_confirm(ctx: Context, dossier_id: str) -> Turn:
    """A confirm button from an earlier screen: already withdrawn, or start again."""
    found = await owned(ctx, dossier_id)
    if isinstance(found, Turn):
        return found
    key = "course.withdraw_already" if found.withdrawal else "course.withdraw_stale"
    card = await dossiers.open_mine(ctx, found.id) or home.show()
    return _prepend(card, say(key, code=found.code))


def _reason(c: Withdrawing, reason: str) -> Turn | None:
    if reason not in set(WithdrawReason):
        return None
    chosen = replace(c.data, reason=reason)
    if reason == WithdrawReason.OTHER:
        return _ask_detail(c.dossier, chosen)
    return _next(c.dossier, chosen)


def _detail(dossier: Dossier, data: WithdrawData, typed: str) -> Turn:
    words = " ".join(typed.split())
    if not words:
        return _ask_detail(dossier, data)
    if len(words) > MAX_DETAIL:
        return _ask_detail(dossier, data, say("course.too_long", max=MAX_DETAIL))
    return _next(dossier, replace(data, detail=words))


def _other(c: Withdrawing, typed: str) -> Turn:
    """Their own words at the reason: "other"."""
    return _detail(c.dossier, replace(c.data, reason=WithdrawReason.OTHER.value), typed)


def _account_typed(c: Withdrawing, typed: str) -> Turn:
    parts = [p.strip() for p in typed.split(",")]
    try:
        if len(parts) != 3 or not parts[0] or len(parts[0]) > MAX_BANK:
            raise AnswerError("account")
        number, holder = parse_account(parts[1]), parse_holder(parts[2])
    except AnswerError:
        return _ask_account(c.dossier, c.data, say("course.account_invalid"))
    return _confirm(c.dossier, replace(c.data, bank=parts[0], number=number, holder=holder))


async def _cancel(c: Withdrawing) -> Turn:
    card = await dossiers.open_mine(c.ctx, c.dossier.id) or home.show()
    return _prepend(card, say("course.withdraw_cancelled", code=c.dossier.code))


DIALOG: Dialog[WithdrawData, Withdrawing] = Dialog(
    owner,
    unreachable,
    {
        WithdrawState.AWAITING_REASON: Window(
            lambda c: _ask_reason(c.dossier, c.data), Select(REASON, _reason), Typed(_other)
        ),
        WithdrawState.AWAITING_DETAIL: Window(
            lambda c: _ask_detail(c.dossier, c.data),
            Typed(lambda c, typed: _detail(c.dossier, c.data, typed)),
        ),
        WithdrawState.AWAITING_ACCOUNT: Window(
            lambda c: _ask_account(c.dossier, c.data), Typed(_account_typed)
        ),
        WithdrawState.AWAITING_CONFIRM: Window(lambda c: _confirm(c.dossier, c.data)),
    },
    common=(Cancel(_cancel),),
)
FLOW: Flow[WithdrawData] = Flow(
    name=NAME,
    data_type=WithdrawData,
    steps=DIALOG.steps,
    prompts=DIALOG.prompts,
    answers=frozenset(
        {
            WithdrawState.AWAITING_REASON,
            WithdrawState.AWAITING_DETAIL,
            WithdrawState.AWAITING_ACCOUNT,
        }
    ),
)
