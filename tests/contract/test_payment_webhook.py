"""POST /payments/webhook on the real app and database: verified, idempotent, and it tells the
citizen through the outbox."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text

from bot.bootstrap import Application, build
from bot.settings import Settings
from bot.web.app import create_http_app
from conversations.messages import Outgoing
from services.codec import from_json
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, Phase, payment_request
from services.payments import sign_casso, sign_sepay
from services.vietqr import decode
from storage.tables import OutboxRow, PaymentEventRow
from tests.fakes import FakeClock

SEPAY_SECRET = "sepay-secret-for-tests-0123456789"
CASSO_SECRET = "casso-secret-for-tests-0123456789"
CODE = "000.01.51.H04-261125-0001"


@pytest.fixture(params=["sqlite", "postgres"])
async def app(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Application]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3"
    else:
        url = request.getfixturevalue("postgres_url")
    settings = Settings(
        database_url=url,
        data_dir=tmp_path,
        sepay_webhook_secret=SEPAY_SECRET,
        casso_webhook_secret=CASSO_SECRET,
        payment_simulator=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    application = await build(settings, clock=FakeClock(datetime.now(UTC)))
    if request.param == "postgres":  # the session's PostgreSQL database is shared: clean it
        async with application.engine.begin() as connection:
            await connection.execute(
                text("TRUNCATE dossier, payment_event, outbox, dossier_sequence, stored_document")
            )
    yield application
    await application.close()


async def awaiting_payment(app: Application, amount: int = 7000, code: str = CODE) -> Dossier:
    now = app.clock.now()
    dossier = Dossier(
        id="d-" + code[-4:] + str(amount),
        code=code,
        procedure_id="dang_ky_tam_tru",
        agency_id="ca-01273",
        owner="web:hoa-tab",
        citizen_id=None,
        answers={"ho_ten": "Nông Thị Hoa"},
        attachments=(),
        fee=amount,
        created_at=now,
        phase=Phase.AWAITING_PAYMENT,
        payment=payment_request(code, amount, now),
    )
    async with app.uow_factory() as uow:
        await uow.dossiers.add(dossier)
        await uow.commit()
    return dossier


def sepay_body(
    reference: str, amount: int, transaction: int = 9001, account: str = "1234567890"
) -> bytes:
    return json.dumps(
        {
            "id": transaction,
            "gateway": "VietinBank",
            "transactionDate": "2026-11-25 10:00:00",
            "accountNumber": account,
            "code": None,
            "content": f"MBVCB.884.{reference.replace(' ', '')}.CT tu 0912 NONG THI HOA",
            "transferType": "in",
            "transferAmount": amount,
            "accumulated": 0,
            "referenceCode": "FT123",
            "description": "",
        }
    ).encode()


async def post(app: Application, body: bytes, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        return await client.post("/payments/webhook", content=body, headers=headers)


def signed(app: Application, body: bytes) -> dict[str, str]:
    return sign_sepay(body, SEPAY_SECRET, int(app.clock.now().timestamp()))


async def counts(app: Application) -> tuple[int, int]:
    async with app.sessions() as session:
        events = (await session.execute(select(func.count()).select_from(PaymentEventRow))).scalar()
        outbox = (await session.execute(select(func.count()).select_from(OutboxRow))).scalar()
    return int(events or 0), int(outbox or 0)


async def dossier_now(app: Application, dossier_id: str) -> Dossier:
    async with app.uow_factory() as uow:
        found = await uow.dossiers.get(dossier_id)
    assert found is not None
    return found


async def test_a_paid_notification_submits_the_dossier_and_queues_one_receipt(
    app: Application,
) -> None:
    dossier = await awaiting_payment(app)
    assert dossier.payment is not None
    body = sepay_body(dossier.payment.reference, 7000)
    response = await post(app, body, signed(app, body))
    assert response.status_code == 200 and response.json()["outcome"] == "paid"
    paid = await dossier_now(app, dossier.id)
    assert paid.phase is Phase.SUBMITTED and paid.status is DossierStatus.SUBMITTED
    assert paid.payment is not None and paid.payment.paid_amount == 7000
    assert paid.due_date is not None
    async with app.uow_factory() as uow:
        item, paper = await uow.outbox.pending("web:hoa-tab", 0)
    assert (
        item.event == f"receipt:{dossier.id}"
        and item.message["media_ref"] == f"receipt:{dossier.id}"
    )
    # and the electronic fee receipt, a PDF (tests/contract/test_papers_webhook.py)
    assert paper.event == f"fee-receipt:{dossier.id}" and paper.message["kind"] == "document"


async def test_eight_deliveries_and_two_at_once_make_one_payment_and_one_message(
    app: Application,
) -> None:
    dossier = await awaiting_payment(app)
    assert dossier.payment is not None
    body = sepay_body(dossier.payment.reference, 7000)
    headers = signed(app, body)
    together = await asyncio.gather(post(app, body, headers), post(app, body, headers))
    later = [await post(app, body, headers) for _ in range(6)]
    outcomes = [r.json()["outcome"] for r in (*together, *later)]
    assert all(r.status_code == 200 for r in (*together, *later))
    assert outcomes.count("paid") == 1 and outcomes.count("duplicate") == 7
    assert await counts(app) == (1, 2)  # the receipt image and the fee receipt PDF, once


@pytest.mark.parametrize("tamper", ["flip", "wrong_key", "stale", "future", "no_signature"])
async def test_forged_or_stale_notifications_are_refused_with_no_effect(
    app: Application, tamper: str
) -> None:
    dossier = await awaiting_payment(app)
    assert dossier.payment is not None
    body = sepay_body(dossier.payment.reference, 7000)
    now = int(app.clock.now().timestamp())
    headers = sign_sepay(body, SEPAY_SECRET, now)
    if tamper == "flip":
        body = body.replace(b"7000", b"9000")
    elif tamper == "wrong_key":
        headers = sign_sepay(body, "another-secret-0123456789abcdef", now)
    elif tamper == "stale":
        headers = sign_sepay(body, SEPAY_SECRET, now - 301)
    elif tamper == "future":
        headers = sign_sepay(body, SEPAY_SECRET, now + 301)
    else:
        headers = {}
    response = await post(app, body, headers)
    assert response.status_code == 401
    assert await counts(app) == (0, 0)
    assert (await dossier_now(app, dossier.id)).phase is Phase.AWAITING_PAYMENT


async def test_a_partial_transfer_is_credited_and_the_citizen_told_what_remains(
    app: Application,
) -> None:
    dossier = await awaiting_payment(app, amount=8000)
    assert dossier.payment is not None
    body = sepay_body(dossier.payment.reference, 5000)
    response = await post(app, body, signed(app, body))
    assert response.json()["outcome"] == "partial"
    partly = await dossier_now(app, dossier.id)
    assert partly.phase is Phase.AWAITING_PAYMENT
    assert (partly.paid_total, partly.due) == (5000, 3000)
    async with app.uow_factory() as uow:
        (item,) = await uow.outbox.pending("web:hoa-tab", 0)
    assert item.event == "partial:sepay:9001"
    assert item.message["text"]["key"] == "ledger.partial"
    rendered = app.texts.plain(from_json(Outgoing, item.message).text, "vi")
    assert "đã nhận 5.000 đ" in rendered and "còn phải nộp 3.000 đ" in rendered
    qr = decode(item.message["media_ref"].removeprefix("vietqr:"))
    assert qr.qr is not None and qr.qr.amount == 3000


async def test_a_transfer_matching_no_dossier_is_recorded_for_an_officer(app: Application) -> None:
    body = sepay_body("LP 0000199H04 261125 0042", 7000)
    response = await post(app, body, signed(app, body))
    assert response.status_code == 200 and response.json()["outcome"] == "unmatched"
    assert await counts(app) == (1, 0)


async def test_casso_notifications_are_verified_too(app: Application) -> None:
    dossier = await awaiting_payment(app)
    assert dossier.payment is not None
    record: dict[str, Any] = {
        "error": 0,
        "data": {
            "id": 77,
            "reference": "BANK-77",
            "description": f"CK {dossier.payment.reference}",
            "amount": 7000,
            "runningBalance": 0,
            "transactionDateTime": "2026-11-25 10:00:00",
            "accountNumber": "1234567890",
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
    t_ms = int(app.clock.now().timestamp() * 1000)
    body, headers = sign_casso(record, CASSO_SECRET, t_ms)
    bad_body, bad_headers = sign_casso(record, CASSO_SECRET, t_ms - 301_000)
    assert (await post(app, bad_body, bad_headers)).status_code == 401
    response = await post(app, body, headers)
    assert response.json()["outcome"] == "paid"
    assert (await dossier_now(app, dossier.id)).status is DossierStatus.SUBMITTED


async def test_daily_sequences_never_repeat_under_concurrency(app: Application) -> None:
    day = (app.clock.now() + timedelta(days=1)).date()

    async def take() -> int:
        async with app.uow_factory() as uow:
            number = await uow.dossiers.next_sequence("000.01.50.H04", day)
            await uow.commit()
        return number

    numbers = await asyncio.gather(*(take() for _ in range(25)))
    assert sorted(numbers) == list(range(1, 26))


async def test_two_parts_at_once_add_up_exactly_and_retries_change_nothing(
    app: Application,
) -> None:
    dossier = await awaiting_payment(app, amount=8000)
    assert dossier.payment is not None
    five = sepay_body(dossier.payment.reference, 5000, transaction=9101)
    three = sepay_body(dossier.payment.reference, 3000, transaction=9102)
    deliveries = [(five, signed(app, five)), (three, signed(app, three))] * 3
    answers = await asyncio.gather(*(post(app, body, headers) for body, headers in deliveries))
    outcomes = sorted(r.json()["outcome"] for r in answers)
    assert all(r.status_code == 200 for r in answers)
    assert outcomes.count("duplicate") == 4 and sorted(set(outcomes) - {"duplicate"}) == [
        "paid",
        "partial",
    ]
    paid = await dossier_now(app, dossier.id)
    assert paid.phase is Phase.SUBMITTED and paid.status is DossierStatus.SUBMITTED
    assert (paid.paid_total, paid.due, paid.refund_total) == (8000, 0, 0)
    assert sorted(p.amount for p in paid.payments) == [3000, 5000]
    assert paid.payment is not None and paid.payment.paid_amount == 8000
    events, outbox = await counts(app)
    # two transfers; a "partial" note, then the reception slip and the fee receipt (PDF)
    assert (events, outbox) == (2, 3)


async def test_many_small_transfers_at_once_never_lose_or_double_a_payment(
    app: Application,
) -> None:
    dossier = await awaiting_payment(app, amount=8000)
    assert dossier.payment is not None
    bodies = [sepay_body(dossier.payment.reference, 1000, transaction=9200 + n) for n in range(10)]
    answers = await asyncio.gather(*(post(app, b, signed(app, b)) for b in bodies))
    outcomes = [r.json()["outcome"] for r in answers]
    assert outcomes.count("paid") + outcomes.count("overpaid") == 1
    after = await dossier_now(app, dossier.id)
    assert len(after.payments) == 10 and after.paid_total == 8000
    assert after.refund_total == 2000  # the last two thousand are owed back
    assert after.phase is Phase.SUBMITTED


async def test_an_overpayment_is_recorded_for_refund_and_the_citizen_told(
    app: Application,
) -> None:
    dossier = await awaiting_payment(app, amount=7000)
    assert dossier.payment is not None
    body = sepay_body(dossier.payment.reference, 10000)
    response = await post(app, body, signed(app, body))
    assert response.json()["outcome"] == "overpaid"
    paid = await dossier_now(app, dossier.id)
    assert paid.phase is Phase.SUBMITTED and [r.amount for r in paid.refunds] == [3000]
    async with app.uow_factory() as uow:
        items = await uow.outbox.pending("web:hoa-tab", 0)
    assert [i.event for i in items] == [
        f"receipt:{dossier.id}",
        f"fee-receipt:{dossier.id}",
        "refund:sepay:9001",
    ]
    assert items[2].message["text"]["key"] == "ledger.overpaid"


@pytest.mark.parametrize("account", ["0987654321", "1234567899"])
async def test_a_notice_for_another_account_is_refused_and_kept(
    app: Application, account: str
) -> None:
    dossier = await awaiting_payment(app)
    assert dossier.payment is not None
    body = sepay_body(dossier.payment.reference, 7000, account=account)
    response = await post(app, body, signed(app, body))
    assert response.status_code == 200 and response.json()["outcome"] == "wrong_account"
    after = await dossier_now(app, dossier.id)
    assert after.phase is Phase.AWAITING_PAYMENT and after.payments == ()
    async with app.sessions() as session:
        outcome = (await session.execute(select(PaymentEventRow.outcome))).scalar_one()
    assert outcome == "wrong_account"
    assert await counts(app) == (1, 0)
    spaced = sepay_body(dossier.payment.reference, 7000, transaction=9002, account="1234 567 890")
    assert (await post(app, spaced, signed(app, spaced))).json()["outcome"] == "paid"
