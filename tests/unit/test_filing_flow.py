"""Documents, submission and payment as dialogues: attach, refuse bad files, reuse, submit."""

from __future__ import annotations

from conversations.messages import Incoming, IncomingKind, OutgoingKind, Upload
from services.dossier_codes import DossierStatus, parse_code
from services.dossiers import Phase
from services.vietqr import decode
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryStaging, MemoryUnitOfWorkFactory, RecordingSms
from tests.unit.test_login_flow import login

PDF = b"%PDF-1.7\n" + b"x" * 2000
JPEG = b"\xff\xd8\xff\xe0" + b"j" * 3000
PNG = b"\x89PNG\r\n\x1a\n" + b"p" * 100
EXE = b"MZ\x90\x00" + b"e" * 500
ZIP = b"PK\x03\x04" + b"z" * 500


async def send_file(
    chat: ChatDriver, staging: MemoryStaging, content: bytes, name: str, size: int | None = None
) -> None:
    ref = staging.stage(content) if content else ""
    upload = Upload(ref=ref, name=name, size=len(content) if size is None else size)
    await chat.apply(Incoming(IncomingKind.UPLOAD, upload=upload))


async def fill_stay_form(chat: ChatDriver) -> None:
    """Temporary residence (1.004194): fee 15,000 đ, 7,000 đ online. Logged in, prefilled."""
    await chat.send("1.004194")
    await chat.press("Nộp hồ sơ")
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    await chat.press("Đúng, dùng thông tin này")
    moves = {
        "Email": ("press", "Bỏ qua"),
        "Địa chỉ tạm trú": ("address", ""),
        "Tạm trú đến ngày": ("send", "31/12/2027"),
        "Đăng ký cá nhân": ("press_first", ""),
        "đã đồng ý (người chưa thành niên)": ("press", "Bỏ qua"),
        "Chủ hộ/chủ sở hữu chỗ ở đã đồng ý": ("press", "Có"),
        "Hình thức nhận kết quả": ("press", "bưu chính"),
        "Ngân hàng nhận hoàn tiền": ("press", "Bỏ qua"),
    }
    for _ in range(30):
        if chat.last.text.key == "form.review":
            return
        text = chat.text()
        if chat.last.text.key == "form.prefilled":
            await chat.press("Đúng, dùng thông tin này")
            continue
        if "Đang lưu" in text or (
            chat.last.text.key == "form.address_province" and "Giữ nguyên" in str(chat.buttons())
        ):
            await chat.press("Giữ nguyên")  # a value the registry filled in: confirm it
            continue
        move = next((m for label, m in moves.items() if label in text), None)
        assert move is not None, text
        kind, value = move
        if kind == "press":
            await chat.press(value)
        elif kind == "send":
            await chat.send(value)
        elif kind == "press_first":
            await chat.press_payload(chat.buttons()[0].payload)
        else:
            await chat.press("Cao Bằng")
            await chat.send("Tân Giang")
            await chat.press("Tân Giang")
            await chat.send("Tổ 9")
    raise AssertionError("never reached the review")


async def test_attach_refuse_reuse_submit_and_pay(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    await login(chat, sms)
    await fill_stay_form(chat)
    await chat.press("Xác nhận tờ khai")
    assert chat.keys == ["form.final", "docs.checklist"]
    checklist = chat.text()
    assert "tờ khai điện tử đã điền" in checklist  # CT01 is the e-form just filled in
    # A renamed executable, an empty file, a zip and a 25 MB file are refused with reasons.
    for content, name, size, why in (
        (EXE, "photo.jpg", None, "tệp chương trình (EXE)"),
        (b"", "empty.pdf", 0, "0 byte"),
        (ZIP, "giay-to.zip", None, "tệp nén (ZIP)"),
        (b"", "video.pdf", 25 * 1024 * 1024, "25"),
    ):
        await send_file(chat, staging, content, name, size)
        assert chat.keys == ["docs.rejected", "docs.checklist"], name
        assert why in chat.text(chat.replies[0]), chat.text(chat.replies[0])
    assert staging.stored == {} and staging.staged == {}  # nothing reached the store
    assert uow_factory.db.documents == {}
    await send_file(chat, staging, PDF, "chung-minh-cho-o.pdf")
    assert chat.keys == ["docs.received", "docs.checklist"]
    await send_file(chat, staging, JPEG, "anh-nha.jpg")
    assert "2 tệp" in chat.text()
    assert len(staging.stored) == 2 and len(uow_factory.db.documents) == 2
    await chat.press("Gỡ tệp")
    await chat.press("anh-nha.jpg")
    assert chat.keys == ["docs.removed", "docs.checklist"] and "1 tệp" in chat.text()
    await chat.press("Kho dữ liệu")  # the removed photo is still in the store: reuse it
    assert chat.keys == ["docs.store_pick"]
    await chat.press("anh-nha.jpg")
    assert chat.keys == ["docs.reused", "docs.checklist"]
    await chat.press("Xong phần giấy tờ")
    assert chat.keys == ["submission.summary"]
    summary = chat.text()
    assert "chung-minh-cho-o.pdf" in summary and "bưu chính" in summary and "7.000 đ" in summary
    await chat.press("Nộp hồ sơ")
    assert chat.keys == ["submission.commitment"] and "cam đoan" in chat.text()
    await chat.press("Tôi xin cam đoan")
    assert (
        chat.keys == ["submission.created", "submission.payment"]
        or chat.keys[0] == "submission.created"
    )
    payment = chat.replies[-1]
    assert payment.kind is OutgoingKind.IMAGE and payment.text.key == "payment.request"
    (dossier,) = uow_factory.db.dossiers.values()
    code = parse_code(dossier.code)
    assert code is not None and code.agency == "000.01.51.H04" and code.sequence == 1  # police
    assert dossier.phase is Phase.AWAITING_PAYMENT and dossier.payment is not None
    qr = decode(payment.media_ref.removeprefix("vietqr:"))
    assert qr.ok and qr.qr is not None
    assert (qr.qr.amount, qr.qr.purpose) == (7000, dossier.payment.reference)
    assert dossier.payment.reference in chat.text(payment)
    assert {a.name for a in dossier.attachments} == {"chung-minh-cho-o.pdf", "anh-nha.jpg"}
    assert dossier.answers["hinh_thuc_nhan_kq"] == "buu_chinh" and "tk_so" not in dossier.answers
    await chat.press("kiểm tra")
    assert chat.keys == ["payment.not_yet"]  # a short note: the QR is not sent again
    assert "kiểm tra" in " ".join(chat.label(b) for b in chat.buttons())


async def test_mandatory_documents_are_required(chat: ChatDriver, sms: RecordingSms) -> None:
    await login(chat, sms)
    await chat.send("1.001193")  # birth registration: the birth notice is mandatory
    await chat.press("Nộp hồ sơ")
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    assert chat.keys[-1] == "form.prefilled"


async def fill_housing_form(chat: ChatDriver) -> None:
    """Housing area confirmation (1.013314): free, 2 working days; logged in, prefilled; up
    to the review."""
    await chat.send("1.013314")
    await chat.press("Nộp hồ sơ")
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    await chat.press("Đúng, dùng thông tin này")
    for _ in range(20):
        if chat.last.text.key == "form.review":
            return
        text = chat.text()
        if "Email" in text or "Bỏ qua" in " ".join(chat.label(b) for b in chat.buttons()):
            await chat.press("Bỏ qua")
        elif chat.last.text.key == "form.address_province":
            await chat.press("Cao Bằng")
            await chat.send("Thục Phán")
            await chat.press("Thục Phán")
            await chat.send("Tổ 5")
        elif "Hình thức nhận kết quả" in text:
            await chat.press("trực tiếp")
        elif "diện tích" in text.lower():
            await chat.send("45")
        else:
            await chat.send("3")
    raise AssertionError("never reached the review")


async def file_free_dossier(chat: ChatDriver, staging: MemoryStaging) -> None:
    """Housing area confirmation (1.013314: free, 2 working days), up to the commitment."""
    await fill_housing_form(chat)
    await chat.press("Xác nhận tờ khai")
    await send_file(chat, staging, PDF, "mau-02.pdf")
    await chat.press("Xong phần giấy tờ")
    assert "Không thu phí" in chat.text()
    await chat.press("Nộp hồ sơ")


async def test_a_free_procedure_is_submitted_at_once_with_a_receipt(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
) -> None:
    await login(chat, sms)
    await file_free_dossier(chat, staging)
    await chat.press("Tôi xin cam đoan")
    assert chat.keys == [
        "submission.submitted",
        "receipt.caption",
        "papers.declaration_caption",  # the e-form as a PDF (tests/unit/test_papers_journey.py)
        "menu.main",
    ]
    receipt = chat.replies[1]
    assert receipt.kind is OutgoingKind.IMAGE and receipt.media_ref.startswith("receipt:")
    (dossier,) = uow_factory.db.dossiers.values()
    assert dossier.status is DossierStatus.SUBMITTED and dossier.phase is Phase.SUBMITTED
    assert dossier.due_date is not None and dossier.due_date > clock.now().date()
    await chat.send("/mydossiers")
    assert chat.keys == ["dossiers.list"] and dossier.code in chat.label(chat.buttons()[0])


async def test_submitting_needs_a_login_and_continues_after_it(
    chat: ChatDriver, sms: RecordingSms, staging: MemoryStaging
) -> None:
    await chat.send("1.004194")
    await chat.apply_as_guest()
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    # A guest fills the form without login…
    assert chat.keys[-2:] == ["form.started", "form.question"]
