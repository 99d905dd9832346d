"""Fees in the dialogue: the rule on the card, the computed breakdown in the summary and in the
VietQR, what the procedure offers (result forms, visits) said before the citizen pays."""

from __future__ import annotations

from datetime import UTC, datetime

from conversations.messages import OutgoingKind
from services.dossiers import Phase
from services.vietqr import decode
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryStaging, MemoryUnitOfWorkFactory, RecordingSms
from tests.unit.test_filing_flow import PDF, send_file
from tests.unit.test_login_flow import login


async def open_card(chat: ChatDriver, query: str, name: str) -> str:
    await chat.send(query)
    if chat.keys != ["proc.card"]:
        await chat.press(name)
    assert chat.keys == ["proc.card"], chat.keys
    return chat.text()


async def fill_extract_form(chat: ChatDriver, copies: str) -> None:
    """Civil-status extract copies (2.000635), logged in, up to the form's review."""
    await chat.send("2.000635")
    await chat.press("Nộp hồ sơ")
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    moves = {
        "Loại trích lục": ("press", "Khai sinh"),
        "Họ tên người có sự kiện": ("send", "Nông Minh An"),
        "Ngày sinh người có sự kiện": ("send", "01/11/2020"),
        "Nơi đã đăng ký": ("send", "UBND phường Thục Phán"),
        "Số bản sao": ("send", copies),
        "Hình thức nhận kết quả": ("press", "trực tiếp"),
        "Ngân hàng nhận hoàn tiền": ("press", "Bỏ qua"),
        "Email": ("press", "Bỏ qua"),
    }
    for _ in range(30):
        if chat.last.text.key == "form.review":
            break
        if chat.last.text.key == "form.prefilled":
            await chat.press("Đúng, dùng thông tin này")
            continue
        text = chat.text()
        if chat.last.text.key == "form.address_province" or "Đang lưu" in text:
            await chat.press("Giữ nguyên")
            continue
        kind, value = next((m for label, m in moves.items() if label in text), ("", ""))
        assert kind, text
        await (chat.press(value) if kind == "press" else chat.send(value))
    assert chat.last.text.key == "form.review", chat.keys


async def fill_extract_copies(chat: ChatDriver, staging: MemoryStaging, copies: str) -> None:
    """The same, with the identity document attached, up to the final summary."""
    await fill_extract_form(chat, copies)
    await chat.press("Xác nhận tờ khai")
    await send_file(chat, staging, PDF, "cccd.pdf")
    await chat.press("Xong phần giấy tờ")
    assert chat.keys == ["submission.summary"], chat.keys


async def test_three_copies_cost_three_times_the_unit_price_in_the_review_and_the_vietqr(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    await login(chat, sms)
    card = await open_card(chat, "2.000635", "")
    assert "8.000 đ/bản" in card
    await fill_extract_copies(chat, staging, "3")
    summary = chat.text()
    assert "24.000 đ" in summary and "3 bản × 8.000 đ" in summary
    await chat.press("Nộp hồ sơ")
    await chat.press("Tôi xin cam đoan")
    payment = chat.replies[-1]
    assert payment.kind is OutgoingKind.IMAGE
    (dossier,) = uow_factory.db.dossiers.values()
    assert dossier.phase is Phase.AWAITING_PAYMENT and dossier.fee == 24_000
    qr = decode(payment.media_ref.removeprefix("vietqr:"))
    assert qr.ok and qr.qr is not None and qr.tags["54"] == "24000"
    request = chat.text(payment)
    assert "3 bản × 8.000 đ = 24.000 đ" in request and dossier.code in request
    chat.lang = "en"
    assert "3 × 8,000 VND/copy = 24,000 VND" in chat.text(payment)


async def test_one_copy_costs_the_unit_price(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    await login(chat, sms)
    await fill_extract_copies(chat, staging, "1")
    assert "1 bản × 8.000 đ" in chat.text()
    await chat.press("Nộp hồ sơ")
    await chat.press("Tôi xin cam đoan")
    qr = decode(chat.replies[-1].media_ref.removeprefix("vietqr:"))
    assert qr.ok and qr.tags["54"] == "8000"


async def test_the_identity_card_offers_no_electronic_result_and_says_to_come_in(
    chat: ChatDriver, clock: FakeClock
) -> None:
    card = await open_card(chat, "cấp đổi thẻ căn cước", "Cấp đổi thẻ Căn cước")
    assert "giảm 50% đến 31/12/2026: 25.000 đ" in card
    assert "không thu khi đổi thẻ lúc đủ 14, 25, 40, 60 tuổi" in card
    assert "không có kết quả điện tử" in card and "Kết quả điện tử" not in card
    assert "Cần đến trực tiếp" in card and "vân tay" in card


async def test_the_cut_is_announced_until_it_ends(chat: ChatDriver, clock: FakeClock) -> None:
    card = await open_card(chat, "cấp lại thẻ căn cước", "Cấp lại thẻ Căn cước")
    assert "giảm 50% đến 31/12/2026: 35.000 đ" in card
    clock.advance(seconds=(datetime(2027, 1, 1, 1, tzinfo=UTC) - clock.now()).total_seconds())
    card = await open_card(chat, "cấp lại thẻ căn cước", "Cấp lại thẻ Căn cước")
    assert "70.000 đ" in card and "giảm 50%" not in card


async def test_the_card_words_exemptions_and_extra_certificates(chat: ChatDriver) -> None:
    card = await open_card(chat, "lý lịch tư pháp", "Cấp Phiếu lý lịch tư pháp")
    assert "miễn cho trẻ em dưới 16 tuổi" in card
    assert "5.000 đ/phiếu từ phiếu thứ 3" in card and "100.000 đ cho sinh viên" in card
    copies = await open_card(chat, "chứng thực bản sao", "Chứng thực bản sao từ bản chính")
    assert "1.000 đ/trang từ trang thứ 3" in copies and "tối đa 200.000 đ/bản" in copies


async def fill_card_replacement(chat: ChatDriver, delivery: list[str] | None = None) -> None:
    """A lost identity card (cấp lại thẻ Căn cước), logged in, up to the final summary; the
    delivery choices offered are added to `delivery`."""
    await open_card(chat, "cấp lại thẻ căn cước", "Cấp lại thẻ Căn cước")
    await chat.press("Nộp hồ sơ")
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    for _ in range(30):
        if chat.last.text.key == "form.review":
            break
        text = chat.text()
        if chat.last.text.key == "form.prefilled":
            await chat.press("Đúng, dùng thông tin này")
        elif chat.last.text.key == "form.address_province" or "Đang lưu" in text:
            await chat.press("Giữ nguyên")
        elif "Lý do cấp lại" in text:
            await chat.press("Bị mất thẻ")
        elif "miễn lệ phí" in text:
            await chat.press("Không thuộc trường hợp miễn")
        elif "Hình thức nhận kết quả" in text:
            if delivery is not None:
                delivery.extend(chat.label(b) for b in chat.buttons())
            await chat.press("trực tiếp")
        else:
            await chat.press("Bỏ qua")  # email, refund account: optional
    await chat.press("Xác nhận tờ khai")
    if chat.keys[-1] == "docs.checklist":
        await chat.press("Xong phần giấy tờ")
    assert chat.keys == ["submission.summary"], chat.keys


async def test_before_paying_the_citizen_is_told_to_come_in_and_gets_no_electronic_result(
    chat: ChatDriver, sms: RecordingSms, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await login(chat, sms)
    labels: list[str] = []
    await fill_card_replacement(chat, labels)
    assert not any("điện tử" in label for label in labels), labels
    assert any("bưu chính" in label for label in labels), labels
    summary = chat.text()
    assert "35.000 đ" in summary and "giảm 50%" in summary
    assert "Lưu ý trước khi nộp phí" in summary and "vân tay" in summary
    await chat.press("Nộp hồ sơ")
    await chat.press("Tôi xin cam đoan")
    (dossier,) = uow_factory.db.dossiers.values()
    assert dossier.fee == 35_000
