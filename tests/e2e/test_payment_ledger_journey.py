"""A fee paid in two transfers, through the real app: the citizen files on the web chat, the
bank-watching services report 4.000 đ (SePay) then 3.000 đ (Casso) of the 7.000 đ fee to
POST /payments/webhook, signed; the chat is told what arrived and what is still due, with a QR
for the rest, then gets the receipt; the dossier card lists both payments.

Everything runs as in test_every_channel (the app under uvicorn, the scheduler and its paced
senders, SQLite); the web chat is driven through its JSON API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.bootstrap import Application
from services.clock import VIETNAM
from services.dossiers import Phase
from services.payments import sign_casso, sign_sepay
from services.vietqr import decode
from tests.e2e import test_every_channel as journey
from tests.e2e.journey import Chat
from tests.unit.test_login_flow import HOA_PHONE

pytestmark = pytest.mark.timeout(90)
CASSO_SECRET = "casso-secret-for-the-ledger-journey-0123"


async def sepay(app: Application, http: httpx.AsyncClient, reference: str, amount: int) -> str:
    now = app.clock.now()
    body = json.dumps(
        {
            "id": 70001,
            "gateway": "VietinBank",
            "transactionDate": now.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M:%S"),
            "accountNumber": app.settings.payment_account_number,
            "code": None,
            "content": f"MBVCB.884.{reference.replace(' ', '')}.CT tu 0912 NONG THI HOA",
            "transferType": "in",
            "transferAmount": amount,
            "accumulated": 0,
            "referenceCode": "FT26328000101",
            "description": "",
        }
    ).encode()
    headers = {"Content-Type": "application/json"}
    headers |= sign_sepay(body, journey.SEPAY_SECRET, int(now.timestamp()))
    response = await http.post("/payments/webhook", content=body, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["outcome"])


async def casso(app: Application, http: httpx.AsyncClient, reference: str, amount: int) -> str:
    now = app.clock.now()
    record: dict[str, Any] = {
        "error": 0,
        "data": {
            "id": 88001,
            "reference": "BANK-88001",
            "description": f"CK {reference}",
            "amount": amount,
            "runningBalance": 0,
            "transactionDateTime": now.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M:%S"),
            "accountNumber": app.settings.payment_account_number,
            "bankName": "VietinBank",
            "bankAbbreviation": "ICB",
            "virtualAccountNumber": "",
            "virtualAccountName": "",
            "counterAccountName": "NONG THI HOA",
            "counterAccountNumber": "0912",
            "counterAccountBankId": "",
            "counterAccountBankName": "",
        },
    }
    body, headers = sign_casso(record, CASSO_SECRET, int(now.timestamp() * 1000))
    headers["Content-Type"] = "application/json"
    response = await http.post("/payments/webhook", content=body, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["outcome"])


async def pushed_once(app: Application, chat: Chat, expect: str) -> str:
    async def settled() -> bool:
        return await journey.settled(app, chat)

    return "\n".join(await chat.pushed(expect, settled))


async def test_a_fee_paid_in_two_transfers_is_told_then_receipted(
    tmp_path: Path, seeded_database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = journey.settings_for

    def with_casso(folder: Path) -> Any:
        return base(folder).model_copy(update={"casso_webhook_secret": SecretStr(CASSO_SECRET)})

    monkeypatch.setattr(journey, "settings_for", with_casso)
    async with journey.deployed("web", tmp_path, seeded_database) as (app, chat, http):
        await journey.find_and_apply(chat)
        await journey.log_in(chat, HOA_PHONE)
        await journey.fill_the_form(chat)
        await journey.attach_and_commit(chat)
        reference = await journey.payment_requested(app, chat)
        dossier = await journey.the_dossier(app, chat)

        assert await sepay(app, http, reference, 4000) == "partial"
        told = await pushed_once(app, chat, "còn phải nộp")
        assert "đã nhận 4.000 đ" in told and "còn phải nộp 3.000 đ" in told, told
        [qr] = [decode(t) for p in await chat.pictures() for t in journey.qr_texts(p)]
        assert qr.qr is not None and (qr.qr.amount, qr.qr.purpose) == (3000, reference)
        partly = await journey.the_dossier(app, chat)
        assert partly.phase is Phase.AWAITING_PAYMENT and partly.due == 3000

        assert await casso(app, http, reference, 3000) == "paid"
        receipt = await pushed_once(app, chat, "Phiếu tiếp nhận")
        assert "đã thanh toán 7.000 đ" in receipt, receipt
        paid = await journey.the_dossier(app, chat)
        assert paid.phase is Phase.SUBMITTED and (paid.paid_total, paid.due) == (7000, 0)
        assert [(p.provider, p.amount) for p in paid.payments] == [("sepay", 4000), ("casso", 3000)]
        assert journey.outbox_of(app, chat) == [
            ("partial:sepay:70001", "sent"),
            (f"receipt:{dossier.id}", "sent"),
            (f"fee-receipt:{dossier.id}", "sent"),  # the electronic fee receipt (PDF)
        ]
        await chat.send(f"/status {dossier.code}")
        card = "\n".join(chat.said)
        assert chat.keys == ["dossiers.card"]
        assert "nhận 4.000 đ (SePay)" in card and "nhận 3.000 đ (Casso)" in card, card
