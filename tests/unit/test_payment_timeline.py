"""Paying through the chat on a real timeline: the unpaid reminder arrives before the request
expires, a renewed request asks only for what is still due, the citizen may choose to pay at
the counter, and the dossier card says what was paid, what is due and what is owed back."""

from __future__ import annotations

from dataclasses import replace

from conversations.messages import Outgoing
from conversations.status_messages import StatusMessages
from services.catalog_index import Catalog
from services.codec import from_json
from services.dossier_codes import DossierStatus
from services.dossiers import PAYMENT_VALIDITY, Dossier, PaymentOutcome, Phase
from services.ledger import PaymentMethod
from services.status_pushes import Reminder, send_reminders
from services.vietqr import decode
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryStaging, MemoryUnitOfWorkFactory, RecordingSms
from tests.unit.test_filing_flow import PDF, fill_stay_form, send_file
from tests.unit.test_login_flow import login
from tests.unit.test_payment_ledger import pay, transfer


async def file_stay(
    chat: ChatDriver, sms: RecordingSms, staging: MemoryStaging, uow: MemoryUnitOfWorkFactory
) -> Dossier:
    """Temporary residence filed through the chat: 7.000 đ due online."""
    await login(chat, sms)
    await fill_stay_form(chat)
    await chat.press("Xác nhận tờ khai")
    await send_file(chat, staging, PDF, "chung-minh-cho-o.pdf")
    await chat.press("Xong phần giấy tờ")
    await chat.press("Nộp hồ sơ")
    await chat.press("Tôi xin cam đoan")
    assert chat.keys == ["submission.created", "papers.declaration_caption", "payment.request"]
    (dossier,) = uow.db.dossiers.values()
    return dossier


def reminders(uow: MemoryUnitOfWorkFactory) -> list[Outgoing]:
    return [
        from_json(Outgoing, item.message)
        for item in uow.db.outbox
        if item.event.startswith("remind:payment:")
    ]


async def test_the_unpaid_reminder_comes_before_the_request_expires_once_per_request(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
    catalog: Catalog,
) -> None:
    dossier = await file_stay(chat, sms, staging, uow_factory)
    assert dossier.payment is not None
    expires = dossier.payment.expires_at
    assert expires - clock.now() == PAYMENT_VALIDITY
    messages = StatusMessages(catalog)
    clock.advance(hours=19, minutes=59)  # more than 4 h left: too early
    assert (await send_reminders(uow_factory, messages, clock))[Reminder.PAYMENT] == 0
    clock.advance(minutes=1)  # 20 h after filing: 4 h left
    assert (await send_reminders(uow_factory, messages, clock))[Reminder.PAYMENT] == 1
    assert clock.now() < expires
    (reminder,) = reminders(uow_factory)
    assert reminder.text.key == "remind.payment"
    assert reminder.text.params["amount"].amount == 7000  # type: ignore[union-attr]
    clock.advance(hours=2)
    assert (await send_reminders(uow_factory, messages, clock))[Reminder.PAYMENT] == 0  # once
    # Part of the fee arrives, the request expires, the citizen renews it.
    await pay(uow_factory, clock, transfer(dossier, 4000, "t1"))
    clock.advance(hours=2)
    assert (await send_reminders(uow_factory, messages, clock))[Reminder.PAYMENT] == 0  # expired
    await chat.send("/mydossiers")  # a day later the login has lapsed: the list is private
    assert chat.keys[-2:] == ["identity.dossiers_login", "menu.main"], chat.keys
    await login(chat, sms)
    await chat.send("/mydossiers")
    await chat.press(dossier.code)
    await chat.press("Thanh toán")
    assert chat.keys == ["payment.expired"] and "còn phải nộp 3.000 đ" in chat.text()
    await chat.press("Tạo yêu cầu thanh toán mới")
    assert chat.keys == ["payment.renewed", "ledger.request_rest"]
    renewed = uow_factory.db.dossiers[dossier.id]
    assert renewed.payment is not None and renewed.payment.expires_at == clock.now() + (
        PAYMENT_VALIDITY
    )
    assert renewed.payment.amount == 3000 and renewed.paid_total == 4000  # payments kept
    qr = decode(chat.last.media_ref.removeprefix("vietqr:"))
    assert qr.qr is not None and qr.qr.amount == 3000
    assert "Đã nộp 4.000 đ trên tổng 7.000 đ" in chat.text()
    # The renewed request gets its own reminder, 20 h later, for what is still due.
    clock.advance(hours=20)
    assert (await send_reminders(uow_factory, messages, clock))[Reminder.PAYMENT] == 1
    second = reminders(uow_factory)[-1]
    assert second.text.params["amount"].amount == 3000  # type: ignore[union-attr]
    assert clock.now() < renewed.payment.expires_at


async def test_checking_after_a_partial_transfer_says_what_is_still_due(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
) -> None:
    dossier = await file_stay(chat, sms, staging, uow_factory)
    await chat.press("kiểm tra")
    assert chat.keys == ["payment.not_yet"]
    outcome, _ = await pay(uow_factory, clock, transfer(dossier, 5000, "t1"))
    assert outcome is PaymentOutcome.PARTIAL
    await chat.press("kiểm tra")
    assert chat.keys == ["ledger.not_yet_partial"]
    assert "Đã nhận 5.000 đ trên tổng 7.000 đ; còn phải nộp 2.000 đ" in chat.text()
    await pay(uow_factory, clock, transfer(dossier, 2000, "t2"))
    await chat.press("kiểm tra")
    assert chat.keys[0] == "receipt.caption"
    assert "đã thanh toán 7.000 đ" in chat.text(chat.replies[0])


async def test_paying_at_the_counter_submits_the_dossier_unpaid_with_the_fee_noted(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
    catalog: Catalog,
) -> None:
    dossier = await file_stay(chat, sms, staging, uow_factory)
    proc = catalog.procedure(dossier.procedure_id)
    assert proc is not None and proc.counter_payment
    await chat.press("Nộp phí tại bộ phận một cửa")
    assert chat.keys[0] == "ledger.counter_chosen" and "7.000 đ" in chat.text(chat.replies[0])
    after = uow_factory.db.dossiers[dossier.id]
    assert after.phase is Phase.SUBMITTED and after.status is DossierStatus.SUBMITTED
    assert after.payment_method is PaymentMethod.COUNTER and after.due == 7000
    assert after.due_date is not None
    await chat.send(f"/status {dossier.code}")
    assert chat.keys == ["dossiers.card"]
    assert "nộp tại bộ phận một cửa" in chat.text() and "còn phải nộp 7.000 đ" in chat.text()


async def test_the_counter_is_offered_only_where_the_procedure_allows_it(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
) -> None:
    dossier = await file_stay(chat, sms, staging, uow_factory)
    assert any("một cửa" in chat.label(b) for b in chat.buttons())
    # The same dossier under the extension of stay, a procedure without the flag.
    other = catalog.procedure("gia_han_tam_tru")
    assert other is not None and not other.counter_payment
    uow_factory.db.dossiers[dossier.id] = replace(dossier, procedure_id=other.id)
    await chat.send("/mydossiers")
    await chat.press(dossier.code)
    await chat.press("Thanh toán")
    assert chat.keys == ["payment.request"]
    assert not any("một cửa" in chat.label(b) for b in chat.buttons())
    await chat.press_payload("d:counter")  # a stale or forged button does nothing
    assert uow_factory.db.dossiers[dossier.id].phase is Phase.AWAITING_PAYMENT


async def test_the_card_shows_payments_due_and_refunds(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
) -> None:
    dossier = await file_stay(chat, sms, staging, uow_factory)
    await pay(uow_factory, clock, transfer(dossier, 5000, "t1"))
    await chat.send(f"/status {dossier.code}")
    card = chat.text()
    assert "7.000 đ; đã nộp 5.000 đ; còn phải nộp 2.000 đ" in card
    assert "nhận 5.000 đ (SePay)" in card
    await pay(uow_factory, clock, transfer(dossier, 3000, "t2", "casso"))
    await chat.send(f"/status {dossier.code}")
    card = chat.text()
    assert "đã thanh toán 7.000 đ; hoàn lại 1.000 đ" in card
    assert "nhận 3.000 đ (Casso)" in card and "Hoàn lại 1.000 đ (chuyển thừa)" in card
