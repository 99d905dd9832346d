"""Commit and submit, then pay by VietQR: the end of filing.

    SUMMARY ──submit──▶ (login, when not logged in) ──▶ COMMITTING ──commit──▶ the dossier:
        free (or fee set at reception) ──▶ submitted at once: receipt, status 1
        fee online ──▶ AWAITING_PAYMENT: the QR, the account and the exact reference
    AWAITING_PAYMENT ──check──▶ paid: receipt / not yet (what is still due) / expired
                     ──renew──▶ a new request for what is still due (payments received stay)
                     ──counter (where the procedure allows)──▶ submitted unpaid, fee at counter
                     ──simulate (demo only)──▶ a signed notification through the real webhook

The receipt also reaches the citizen through the outbox when the bank's notification is
applied (see conversations.notifications).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from conversations import papers, payloads
from conversations.cards import agency_text, procedure_name
from conversations.fee_texts import quote_text, visits_text
from conversations.flow import Context, Flow, Turn
from conversations.flows import documents, draft_sync, form, form_identity, form_state, home, login
from conversations.form_fields import display
from conversations.messages import Button, Lines, Money, Outgoing, Text, btn, main_btn, say
from conversations.notifications import payment_request_message, receipt_message
from conversations.steps import Dialog, Window, joined
from conversations.widgets import Back, Cancel, Do, Only
from services.answers import JsonValue
from services.catalog import Procedure
from services.clock import today
from services.codec import to_json
from services.dossiers import (
    Dossier,
    Phase,
    dossier_code,
    payment_request,
    renew_payment,
    submitted,
)
from services.drafts import Draft, DraftStatus
from services.fees import quote_fee
from services.handover import HandoverKind, queue_handover
from services.ledger import PaymentMethod

NAME = "submission"
DELIVERY = "hinh_thuc_nhan_kq"
REFUND = ("tk_ngan_hang", "tk_so", "tk_chu")


class SubmissionState(StrEnum):
    """What the end of filing awaits."""

    SUMMARY = "SUMMARY"
    COMMITTING = "COMMITTING"
    AWAITING_PAYMENT = "AWAITING_PAYMENT"


@dataclass(frozen=True, slots=True)
class SubmissionData:
    """The draft being submitted, then the dossier being paid."""

    draft_id: str = ""
    dossier_id: str = ""
    seen: int = -1  # the draft's version as the summary showed it (draft_sync)
    # The fee total the summary showed (None: set at reception; -1: a state saved before
    # this was kept): the fee is computed again on the filing day, which may differ.
    quoted: int | None = -1


async def summary(ctx: Context, proc: Procedure, draft: Draft) -> Turn:
    """Everything the citizen is about to submit: form, documents, delivery, fee."""
    if draft.status is DraftStatus.SUBMITTED:  # from another chat
        return await draft_sync.already_submitted(ctx, draft)
    agency = ctx.catalog.agencies.get(draft.agency_id)
    delivery = proc.field(DELIVERY)
    quote = quote_fee(proc, _shown(proc, draft), today(ctx.clock))
    attached = Lines(
        tuple(Text("submission.document_line", {"name": a.name}) for a in draft.attachments)
        or (Text("submission.no_documents"),)
    )
    text = Text(
        "submission.summary",
        {
            "procedure": procedure_name(proc),
            "agency": agency_text(agency) if agency else "",
            "answers": len([s for s in proc.shown_fields(draft.answers) if s.key in draft.answers]),
            "documents": attached,
            "delivery": display(delivery, draft.answers.get(DELIVERY)) if delivery else "—",
            "fee": Text(
                "fees.summary_fee",
                {
                    "quote": quote_text(quote),
                    "visits": visits_text(proc, "fees.summary_visits"),
                },
            ),
        },
    )
    buttons = (
        (main_btn("submission.submit", payloads.do("submit")),),
        (btn("submission.edit_documents", payloads.do("documents")),),
        (
            btn("submission.edit_form", payloads.do("form")),
            btn("btn.cancel", payloads.do("cancel")),
        ),
    )
    data = SubmissionData(draft_id=draft.id, quoted=quote.total)
    turn = Turn(NAME, SubmissionState.SUMMARY, data, (Outgoing(text, buttons),))
    return await draft_sync.stamped(ctx, turn)


def _shown(proc: Procedure, draft: Draft) -> dict[str, JsonValue]:
    """The answers of the fields that apply (a hidden field's old answer does not count)."""
    shown = {s.key for s in proc.shown_fields(draft.answers)}
    return {k: v for k, v in draft.answers.items() if k in shown}


def _commitment(data: SubmissionData) -> Turn:
    buttons = (
        (main_btn("submission.commit", payloads.do("commit")),),
        (btn("btn.back", payloads.do("back")),),
    )
    return Turn(NAME, SubmissionState.COMMITTING, data, (say("submission.commitment", buttons),))


@dataclass(frozen=True, slots=True)
class Submitting:
    """What the summary's and the commitment's steps work on: the draft, not yet submitted."""

    ctx: Context
    data: SubmissionData
    proc: Procedure
    draft: Draft


async def _submitting(ctx: Context, data: SubmissionData) -> Submitting | None:
    draft = await ctx.drafts.get(data.draft_id)
    proc = ctx.catalog.procedure(draft.procedure_id) if draft else None
    if proc and draft and draft.status is not DraftStatus.SUBMITTED:
        return Submitting(ctx, data, proc, draft)
    return None


async def _submit_pressed(c: Submitting) -> Turn:
    if c.ctx.citizen is None:  # a dossier belongs to an identified citizen
        resume = login.Resume(NAME, SubmissionState.SUMMARY, to_json(c.data), "d:submit")
        return (await login.start(c.ctx, resume)).saying(say("submission.login_needed"))
    return await form_identity.recheck(c.ctx, c.proc, c.draft) or _commitment(c.data)


async def _commit(c: Submitting) -> Turn | None:
    ctx, proc, draft, data = c.ctx, c.proc, c.draft, c.data
    if ctx.citizen is None:
        return None
    fee = quote_fee(proc, _shown(proc, draft), today(ctx.clock)).total
    if data.quoted != -1 and fee != data.quoted:
        # The rate changed since the summary (midnight passed the end of a fee cut): the
        # citizen confirms the new amount before anything is asked of them.
        changed = say("fees.changed", before=_amount(data.quoted), after=_amount(fee))
        return (await summary(ctx, proc, draft)).saying(changed)
    return await _submit(ctx, proc, draft)


def _amount(total: int | None) -> Money | Text:
    return Text("fees.at_reception") if total is None else Money(total)


async def _submit(ctx: Context, proc: Procedure, draft: Draft) -> Turn:
    """Claim the draft (once, atomically), then create the dossier with its code; free ones
    are submitted, others ask for payment."""
    agency = ctx.catalog.agencies.get(draft.agency_id)
    if agency is None:
        return home.show(say("proc.agency_missing"))
    checked = await form_identity.checked_parties(ctx, proc, draft)
    if isinstance(checked, Turn):  # the applicant is not who is logged in: not submitted
        return checked
    filer, subject, relation = checked
    now, day = ctx.clock.now(), today(ctx.clock)
    dossier_id = ctx.ids.new_id()
    if not await ctx.drafts.claim(draft.id, draft.version, dossier_id, now):
        return await draft_sync.claimed_elsewhere(ctx, draft.id)
    sequence = await ctx.repos.dossiers.next_sequence(agency.code, day)
    code = dossier_code(agency.code, day, sequence)
    answers = _shown(proc, draft)
    refund = {k: str(answers[k]) for k in REFUND if k in answers}
    fee = quote_fee(proc, answers, day).total
    dossier = Dossier(
        id=dossier_id,
        code=code,
        procedure_id=proc.id,
        agency_id=agency.id,
        owner=ctx.address.key,
        citizen_id=ctx.citizen_id,
        answers=answers,
        attachments=draft.attachments,
        fee=fee,
        created_at=now,
        phase=Phase.AWAITING_PAYMENT,
        refund=refund,
        filer=filer,
        subject=subject,
        relation=relation.value,
    )
    if fee:
        dossier = replace(dossier, payment=payment_request(code, fee, now))
        await ctx.repos.dossiers.add(dossier)
        form_pdf = await papers.declaration_for(ctx, dossier)
        return _awaiting_payment(ctx, dossier, say("submission.created", code=code), *form_pdf)
    dossier = submitted(dossier, now, day, proc.processing_days, "citizen")
    await ctx.repos.dossiers.add(dossier)
    await queue_handover(ctx.repos, dossier, HandoverKind.SUBMIT, {}, now)
    receipt = receipt_message(ctx.catalog, dossier)
    form_pdf = await papers.declaration_for(ctx, dossier)
    return home.show(say("submission.submitted", code=code), receipt, *form_pdf)


def _counter_allowed(ctx: Context, dossier: Dossier) -> bool:
    proc = ctx.catalog.procedure(dossier.procedure_id)
    return proc is not None and proc.counter_payment


def _payment_buttons(ctx: Context, dossier: Dossier) -> tuple[tuple[Button, ...], ...]:
    buttons = [(main_btn("payment.check", payloads.do("check")),)]
    if ctx.settings.payment.simulator:
        buttons.append((btn("payment.simulate", payloads.do("simulate")),))
    if _counter_allowed(ctx, dossier):
        buttons.append((btn("ledger.pay_counter", payloads.do("counter")),))
    buttons.append((btn("btn.menu", payloads.menu("home")),))
    return tuple(buttons)


def _awaiting_payment(ctx: Context, dossier: Dossier, *before: Outgoing) -> Turn:
    message = payment_request_message(ctx.settings.payment, dossier, ctx.catalog)
    message = replace(message, buttons=_payment_buttons(ctx, dossier))
    data = SubmissionData(dossier_id=dossier.id)
    return Turn(NAME, SubmissionState.AWAITING_PAYMENT, data, (*before, message))


def _payment_note(ctx: Context, dossier: Dossier, key: str) -> Turn:
    """A short answer under the QR already on screen (the QR is not sent again); once part
    of the fee has arrived, it says how much and what is still due."""
    data = SubmissionData(dossier_id=dossier.id)
    buttons = _payment_buttons(ctx, dossier)
    note = say(key, buttons)
    if key == "payment.not_yet" and dossier.paid_total and dossier.fee:
        note = say("ledger.not_yet_partial", buttons, paid=Money(dossier.paid_total),
                   fee=Money(dossier.fee), due=Money(dossier.due))  # fmt: skip
    return Turn(NAME, SubmissionState.AWAITING_PAYMENT, data, (note,))


async def _at_counter(ctx: Context, dossier: Dossier) -> Turn:
    """Submitted unpaid: status 1, the fee noted as due at the one-stop counter."""
    proc = ctx.catalog.procedure(dossier.procedure_id)
    days = proc.processing_days if proc else 0
    chosen = replace(dossier, payment_method=PaymentMethod.COUNTER)
    chosen = submitted(chosen, ctx.clock.now(), today(ctx.clock), days, "citizen")
    await ctx.repos.dossiers.update(chosen)
    await queue_handover(ctx.repos, chosen, HandoverKind.SUBMIT, {}, ctx.clock.now())
    note = say("ledger.counter_chosen", code=chosen.code, due=Money(chosen.due))
    return home.show(note, receipt_message(ctx.catalog, chosen))


def _settled(c: Paying) -> Turn | None:
    """Before any payment step: nothing to pay (any more)."""
    if c.dossier.payment is None:
        return home.show()
    if c.dossier.phase is Phase.SUBMITTED:
        return home.show(receipt_message(c.ctx.catalog, c.dossier))
    return None


def _check(c: Paying) -> Turn:
    payment = c.dossier.payment
    if payment is not None and c.ctx.clock.now() >= payment.expires_at:
        return _expired(c.ctx, c.dossier)
    return _payment_note(c.ctx, c.dossier, "payment.not_yet")


async def _renew(c: Paying) -> Turn:
    renewed = renew_payment(c.dossier, c.ctx.clock.now())
    await c.ctx.repos.dossiers.update(renewed)
    return _awaiting_payment(c.ctx, renewed, say("payment.renewed"))


async def _simulate(c: Paying) -> Turn | None:
    simulator, payment = c.ctx.simulator, c.dossier.payment
    if simulator is None or payment is None or not c.ctx.settings.payment.simulator:
        return None
    await simulator.simulate(payment.reference, c.dossier.due)
    return _payment_note(c.ctx, c.dossier, "payment.simulating")


def _expired(ctx: Context, dossier: Dossier) -> Turn:
    buttons = [(btn("payment.renew", payloads.do("renew")),)]
    if _counter_allowed(ctx, dossier):
        buttons.append((btn("ledger.pay_counter", payloads.do("counter")),))
    buttons.append((btn("btn.menu", payloads.menu("home")),))
    data = SubmissionData(dossier_id=dossier.id)
    message = say("payment.expired", tuple(buttons), due=Money(dossier.due))
    return Turn(NAME, SubmissionState.AWAITING_PAYMENT, data, (message,))


async def show_payment(ctx: Context, dossier: Dossier) -> Turn:
    """The payment screen of a dossier still waiting for its fee."""
    if dossier.payment and ctx.clock.now() >= dossier.payment.expires_at:
        return _expired(ctx, dossier)
    return _awaiting_payment(ctx, dossier)


@dataclass(frozen=True, slots=True)
class Paying:
    """What the payment's step works on: the dossier filed."""

    ctx: Context
    data: SubmissionData
    dossier: Dossier


async def _paying(ctx: Context, data: SubmissionData) -> Paying | None:
    dossier = await ctx.repos.dossiers.get(data.dossier_id)
    return Paying(ctx, data, dossier) if dossier else None


async def _prompt_payment(c: Paying) -> Turn:
    if c.dossier.phase is Phase.SUBMITTED:
        return home.show(receipt_message(c.ctx.catalog, c.dossier))
    return await show_payment(c.ctx, c.dossier)


# Asked again, the summary of a draft gone is the menu, and the commitment needs no draft.
DRAFT: Dialog[SubmissionData, Submitting] = Dialog(
    _submitting,
    form_state.gone,
    {
        SubmissionState.SUMMARY: Window(
            lambda c: summary(c.ctx, c.proc, c.draft),
            Do("submit", _submit_pressed),
            Do("documents", lambda c: documents.start(c.ctx, c.proc, c.draft)),
            # the form's review, where any answer can be changed
            Do("form", lambda c: form.resume(c.ctx, c.draft, to_review=True)),
            Cancel(lambda c: home.show(say("form.cancelled", procedure=procedure_name(c.proc)))),
            asked_missing=lambda ctx, data: home.show(),
        ),
        SubmissionState.COMMITTING: Window(
            lambda c: _commitment(c.data),
            Back(lambda c: summary(c.ctx, c.proc, c.draft)),
            Do("commit", _commit),
            asked_missing=lambda ctx, data: _commitment(data),
        ),
    },
)
PAYMENT: Dialog[SubmissionData, Paying] = Dialog(
    _paying,
    lambda ctx, data: home.show(),
    {
        SubmissionState.AWAITING_PAYMENT: Window(
            _prompt_payment,
            Do("check", _check),
            Do("renew", _renew),
            Only(
                lambda c: _counter_allowed(c.ctx, c.dossier),
                Do("counter", lambda c: _at_counter(c.ctx, c.dossier)),
            ),
            Do("simulate", _simulate),
            before=_settled,
        )
    },
)
TABLES = joined(DRAFT, PAYMENT)
FLOW: Flow[SubmissionData] = Flow(
    name=NAME, data_type=SubmissionData, steps=TABLES.steps, prompts=TABLES.prompts
)

# The payment state names no draft: only the summary and the commitment are guarded.
FLOW = draft_sync.guarded(FLOW, states=(SubmissionState.SUMMARY, SubmissionState.COMMITTING))
