"""POST /payments/webhook: bank-transfer notifications from SePay or Casso (FACTS §6).

The signature is verified over the raw body before anything else; a forged, altered or stale
notification is answered 401 and changes nothing. A verified one is applied in one unit of
work with the messages it causes (receipt, or what went wrong) queued in the outbox, and
answered 2xx only after commit — so a provider retries whatever we could not record. The
provider's transaction id makes a retry (or two deliveries at once) a no-op.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from bot.bootstrap import Application
from conversations.flow import PaymentAccount
from conversations.messages import Outgoing
from conversations.notifications import partial_message, receipt_message, refund_message
from conversations.papers import fee_receipt_message, fee_receipt_paper
from services.codec import to_json
from services.dossier_codes import code_for_reference, find_reference
from services.dossiers import Dossier, PaymentOutcome, Phase
from services.handover import HandoverKind, queue_handover
from services.ledger import same_account
from services.payment_matching import CREDITED, apply_transfer, credit
from services.payments import (
    BankTransfer,
    WebhookRejected,
    parse_casso,
    parse_sepay,
    verify_casso,
    verify_sepay,
)

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


def verify_and_parse(app: Application, headers: dict[str, str], body: bytes) -> BankTransfer:
    """The transfer a notification reports; WebhookRejected when it cannot be trusted."""
    now = app.clock.now()
    secrets = app.payment_secrets
    lowered = {k.lower(): v for k, v in headers.items()}
    if "x-casso-signature" in lowered:
        if secrets.casso is None:
            raise WebhookRejected("not_configured")
        verify_casso(lowered, body, now, secrets.casso)
        return parse_casso(body)
    verify_sepay(lowered, body, now, secrets.sepay_api_key, secrets.sepay_hmac)
    return parse_sepay(body)


async def apply(app: Application, transfer: BankTransfer, body: bytes) -> PaymentOutcome:
    """Apply a verified transfer and queue what the citizen must be told, in one transaction."""
    now = app.clock.now()
    days = {p.id: p.processing_days for p in app.catalog.procedures}
    record = json.loads(body)
    account = app.settings.payment_account_number
    await _print_ahead(app, transfer, now)
    async with app.uow_factory() as uow:
        outcome, dossier = await apply_transfer(
            uow.dossiers, uow.payments, transfer, record, now, days, account
        )
        if outcome is PaymentOutcome.WRONG_ACCOUNT:
            log.warning("payment notification for another account refused (%s)", transfer.provider)
        if dossier is not None:
            await _notify(app, uow, outcome, dossier, transfer)
        if dossier is not None and dossier.phase is Phase.SUBMITTED and outcome in CREDITED:
            await queue_handover(uow, dossier, HandoverKind.SUBMIT, {}, now)  # once per dossier
        await uow.commit()
    return outcome


async def _print_ahead(app: Application, transfer: BankTransfer, now: datetime) -> None:
    """Print the fee receipt this transfer will issue if it settles its dossier, before the
    transaction that applies it: laying a PDF out takes ~0.1 s of CPU, which should not be
    spent holding the dossier's lock (and SQLite's one writer). Inside, the printer finds the
    paper printed; had anything changed meanwhile, the paper differs and is printed there."""
    if app.papers is None or not transfer.incoming:
        return
    if not same_account(transfer.account, app.settings.payment_account_number):
        return
    reference = find_reference(transfer.description)
    code = code_for_reference(reference) if reference else None
    if code is None:
        return
    async with app.uow_factory() as uow:  # read only: nothing is committed
        dossier = await uow.dossiers.by_code(code)
    if dossier is None or not dossier.fee or dossier.due == 0:
        return
    outcome, credited = credit(dossier, transfer, now, 0)  # as apply_transfer will credit it
    if outcome in (PaymentOutcome.PAID, PaymentOutcome.OVERPAID):
        paper = fee_receipt_paper(app.papers, credited)
        if paper is not None:
            await app.papers.printer.print(paper)


def _messages(
    app: Application, outcome: PaymentOutcome, dossier: Dossier, transfer: BankTransfer
) -> list[tuple[str, Outgoing]]:
    """(event key, message) of what the citizen must hear about this transfer."""
    key = f"{transfer.provider}:{transfer.transaction_id}"
    settings = app.settings
    account = PaymentAccount(
        settings.payment_bank_bin, settings.payment_account_number, settings.payment_account_holder
    )
    messages: list[tuple[str, Outgoing]] = []
    if outcome is PaymentOutcome.PARTIAL and dossier.payment is not None:
        messages.append((f"partial:{key}", partial_message(account, dossier, transfer.amount)))
    if outcome in (PaymentOutcome.PAID, PaymentOutcome.OVERPAID):
        messages.append((f"receipt:{dossier.id}", receipt_message(app.catalog, dossier)))
    for refund in dossier.refunds:
        if (refund.provider, refund.transaction_id) == (transfer.provider, transfer.transaction_id):
            messages.append((f"refund:{key}", refund_message(dossier, refund)))
    return messages


async def _notify(
    app: Application, uow: Any, outcome: PaymentOutcome, dossier: Dossier, transfer: BankTransfer
) -> None:
    messages = _messages(app, outcome, dossier, transfer)
    if outcome in (PaymentOutcome.PAID, PaymentOutcome.OVERPAID) and app.papers is not None:
        # The electronic fee receipt (biên lai), a PDF kept in /documents, after the slip.
        paper = await fee_receipt_message(app.papers, uow.documents, dossier)
        if paper is not None:
            after_slip = 1 + next(
                (i for i, (event, _) in enumerate(messages) if event.startswith("receipt:")), -1
            )
            messages.insert(after_slip, (f"fee-receipt:{dossier.id}", paper))
    if not messages:
        return
    recipients = {dossier.owner}
    if dossier.citizen_id:
        recipients.update(await uow.citizens.chats(dossier.citizen_id))
    for chat in sorted(recipients):
        for event, message in messages:
            await uow.outbox.enqueue(chat, event, to_json(message), app.clock.now())


def payments_router(app: Application) -> APIRouter:
    """The webhook route."""
    router = APIRouter()

    @router.post("/payments/webhook", include_in_schema=False)
    async def webhook(request: Request) -> JSONResponse:
        body = await request.body()
        if len(body) > MAX_BODY:
            app.metrics.webhook_rejected("payments", "too_large")
            return JSONResponse({"success": False, "error": "too_large"}, 413)
        try:
            transfer = verify_and_parse(app, dict(request.headers), body)
        except WebhookRejected as rejected:
            log.warning("payment notification refused: %s", rejected.reason)
            app.metrics.webhook_rejected("payments", rejected.reason)
            status = 400 if rejected.reason == "malformed" else 401
            return JSONResponse({"success": False, "error": rejected.reason}, status)
        try:
            outcome = await apply(app, transfer, body)
        except IntegrityError:  # the same notification applied at the same moment elsewhere
            outcome = PaymentOutcome.DUPLICATE
        log.info("payment notification %s: %s", transfer.provider, outcome.value)
        return JSONResponse({"success": True, "outcome": outcome.value})

    return router
