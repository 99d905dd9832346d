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
from dataclasses import replace
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from bot.bootstrap import Application
from conversations.messages import Outgoing
from conversations.notifications import already_paid_message, receipt_message, underpaid_message
from conversations.papers import fee_receipt_message, fee_receipt_paper
from services.codec import to_json
from services.dossier import code_for_reference, find_reference
from services.dossiers import Dossier, PaymentOutcome
from services.payment_matching import apply_transfer
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
    await _print_ahead(app, transfer, now)
    async with app.uow_factory() as uow:
        outcome, dossier = await apply_transfer(
            uow.dossiers, uow.payments, transfer, record, now, days
        )
        if dossier is not None:
            await _notify(app, uow, outcome, dossier, transfer)
        await uow.commit()
    return outcome


async def _print_ahead(app: Application, transfer: BankTransfer, now: datetime) -> None:
    """Print the fee receipt this transfer will issue if it pays its dossier, before the
    transaction that applies it: laying a PDF out takes ~0.1 s of CPU, which should not be
    spent holding the dossier's lock (and SQLite's one writer). Inside, the printer finds the
    paper printed; had anything changed meanwhile, the paper differs and is printed there."""
    reference = find_reference(transfer.description) if transfer.incoming else None
    code = code_for_reference(reference) if reference else None
    if app.papers is None or code is None:
        return
    async with app.uow_factory() as uow:  # read only: nothing is committed
        dossier = await uow.dossiers.by_code(code)
    payment = dossier.payment if dossier else None
    if dossier is None or payment is None or payment.paid_at or transfer.amount < payment.amount:
        return
    paid = replace(  # as services.payment_matching marks it paid
        payment,
        paid_at=now,
        paid_amount=transfer.amount,
        transaction_id=f"{transfer.provider}:{transfer.transaction_id}",
    )
    paper = fee_receipt_paper(app.papers, replace(dossier, payment=paid))
    if paper is not None:
        await app.papers.printer.print(paper)


async def _notify(
    app: Application, uow: Any, outcome: PaymentOutcome, dossier: Dossier, transfer: BankTransfer
) -> None:
    if outcome is PaymentOutcome.PAID:
        message, event = receipt_message(app.catalog, dossier), f"receipt:{dossier.id}"
        await _queue(app, uow, dossier, message, event)
        if app.papers is not None:  # the electronic fee receipt, a PDF kept in /documents
            paper = await fee_receipt_message(app.papers, uow.documents, dossier)
            if paper is not None:
                await _queue(app, uow, dossier, paper, f"fee-receipt:{dossier.id}")
        return
    if outcome is PaymentOutcome.UNDERPAID:
        message, event = (
            underpaid_message(dossier, transfer.amount),
            f"underpaid:{transfer.transaction_id}",
        )
    elif outcome is PaymentOutcome.ALREADY_PAID:
        message, event = (
            already_paid_message(dossier, transfer.amount),
            f"extra:{transfer.transaction_id}",
        )
    else:
        return
    await _queue(app, uow, dossier, message, event)


async def _queue(
    app: Application, uow: Any, dossier: Dossier, message: Outgoing, event: str
) -> None:
    """Queue a message for every chat of the dossier's owner."""
    recipients = {dossier.owner}
    if dossier.citizen_id:
        recipients.update(await uow.citizens.chats(dossier.citizen_id))
    for chat in sorted(recipients):
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
