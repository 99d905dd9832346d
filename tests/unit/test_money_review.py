"""A hostile pass over the money path: what the citizen is told is due, in both languages,
after partial transfers, at the counter and for fees set at reception, never contradicts the
ledger."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from conversations.flow import PaymentAccount
from conversations.notifications import partial_message, receipt_message
from conversations.texts import TextCatalog
from services.catalog_index import Catalog
from services.dossiers import PAYMENT_VALIDITY, PaymentOutcome, Phase, submitted
from services.vietqr import decode
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryStaging, MemoryUnitOfWorkFactory, RecordingSms
from tests.unit.test_fee_flow import fill_card_replacement, fill_extract_copies
from tests.unit.test_login_flow import login
from tests.unit.test_payment_ledger import awaiting, pay, transfer
from tests.unit.test_payment_timeline import file_stay

TEXTS = TextCatalog(strict=True)


async def test_in_english_the_counter_fee_is_still_to_be_paid_not_paid(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
) -> None:
    dossier = await file_stay(chat, sms, staging, uow_factory)
    await pay(uow_factory, clock, transfer(dossier, 4000, "t1"))
    await chat.press("Nộp phí tại bộ phận một cửa")
    await chat.send("/lang")
    await chat.press("English")
    await chat.send(f"/status {dossier.code}")
    card = chat.text()
    assert "7,000" in card and "3,000" in card and "still due" in card
    # 3.000 đ is still due: the card must not claim the fee was paid at the counter.
    assert "VND, paid at the one-stop counter" not in card
    assert "to be paid at the one-stop counter" in card


async def test_a_fee_set_at_reception_is_not_called_free_on_the_receipt(
    clock: FakeClock, catalog: Catalog
) -> None:
    proc = catalog.procedure("dang_ky_lai_khai_sinh")
    assert proc is not None and proc.fees and proc.fees[0].amount is None
    dossier = awaiting(clock, procedure_id=proc.id, fee=None, payment=None)
    dossier = submitted(dossier, clock.now(), clock.now().date(), 5, "citizen")
    assert dossier.phase is Phase.SUBMITTED
    receipt = receipt_message(catalog, dossier)
    said = TEXTS.plain(receipt.text, "vi")
    assert "không thu" not in said  # the agency will charge it: it is not free
    assert "mức thu xác định khi tiếp nhận" in said
    assert "amount set at reception" in TEXTS.plain(receipt.text, "en")
    # A free dossier still says so.
    free = replace(dossier, fee=0)
    assert "không thu" in TEXTS.plain(receipt_message(catalog, free).text, "vi")


async def test_a_fee_cut_ending_between_summary_and_commitment_is_shown_before_paying(
    chat: ChatDriver, sms: RecordingSms, uow_factory: MemoryUnitOfWorkFactory, clock: FakeClock
) -> None:
    # 23:55 on 31/12/2026 in Vietnam (16:55 UTC): the last minutes of the 50 % cut.
    clock.advance(
        seconds=(datetime(2026, 12, 31, 16, 55, tzinfo=UTC) - clock.now()).total_seconds()
    )
    await login(chat, sms)
    await fill_card_replacement(chat)
    assert "35.000 đ" in chat.text() and "giảm 50%" in chat.text()
    await chat.press("Nộp hồ sơ")
    clock.advance(minutes=10)  # 00:05 on 01/01/2027 in Vietnam: the full price applies
    await chat.press("Tôi xin cam đoan")
    # Not a 70.000 đ request under a 35.000 đ summary: the new amount is shown first.
    assert not uow_factory.db.dossiers
    assert chat.keys == ["fees.changed", "submission.summary"], chat.keys
    said = chat.text(chat.replies[0])
    assert "35.000 đ" in said and "70.000 đ" in said
    assert "70.000 đ" in chat.text() and "giảm 50%" not in chat.text()
    await chat.press("Nộp hồ sơ")
    await chat.press("Tôi xin cam đoan")
    (dossier,) = uow_factory.db.dossiers.values()
    assert dossier.fee == 70_000
    qr = decode(chat.last.media_ref.removeprefix("vietqr:"))
    assert qr.qr is not None and qr.qr.amount == 70_000


async def test_copies_changed_from_the_summary_change_the_summary_and_the_vietqr(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    await login(chat, sms)
    await fill_extract_copies(chat, staging, "1")
    assert "1 bản × 8.000 đ" in chat.text()
    # "Sửa tờ khai" on the summary opens the form's review, not the documents again.
    await chat.press("Sửa tờ khai")
    assert chat.keys[-1] == "form.review", chat.keys
    await chat.press("Xác nhận tờ khai")
    assert chat.keys[-1] == "docs.checklist"
    await chat.press("Về tờ khai")  # and so does "back to the form" from the documents
    assert chat.keys[-1] == "form.review", chat.keys
    await chat.press("Số bản sao")
    await chat.send("3")
    if chat.last.text.key != "form.review":
        await chat.press("Bỏ qua")  # the optional refund bank, asked again
    await chat.press("Xác nhận tờ khai")
    await chat.press("Xong phần giấy tờ")
    assert chat.keys == ["submission.summary"]
    assert "3 bản × 8.000 đ = 24.000 đ" in chat.text() and "1 bản" not in chat.text()
    await chat.press("Nộp hồ sơ")
    await chat.press("Tôi xin cam đoan")
    qr = decode(chat.last.media_ref.removeprefix("vietqr:"))
    assert qr.qr is not None and qr.qr.amount == 24_000
    (dossier,) = uow_factory.db.dossiers.values()
    assert dossier.fee == 24_000


async def test_a_partial_transfer_after_the_request_expired_gets_a_qr_still_valid(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
) -> None:
    dossier = await file_stay(chat, sms, staging, uow_factory)
    assert dossier.payment is not None
    clock.advance(hours=30)  # the request expired 6 h ago; the citizen pays part anyway
    outcome, partly = await pay(uow_factory, clock, transfer(dossier, 4000, "t1"))
    assert outcome is PaymentOutcome.PARTIAL and partly is not None
    assert partly.payment is not None and partly.payment.expires_at > clock.now()
    assert partly.payment.expires_at == clock.now() + PAYMENT_VALIDITY
    assert partly.payment.reference == dossier.payment.reference  # still matched
    message = partial_message(PaymentAccount(), partly, 4000)
    said = TEXTS.plain(message.text, "vi")
    assert "còn phải nộp 3.000 đ" in said and "hiệu lực đến 16:00 27/11/2026" in said
    qr = decode(message.media_ref.removeprefix("vietqr:"))
    assert qr.qr is not None and qr.qr.amount == 3000
    # The chat's payment screen agrees: not expired, 3.000 đ still due.
    await chat.press("kiểm tra")
    assert chat.keys[-1] == "ledger.not_yet_partial" and "còn phải nộp 3.000 đ" in chat.text()
