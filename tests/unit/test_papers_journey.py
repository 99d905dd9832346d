"""Filing through the router hands the citizen the completed e-form as a PDF, kept in the
document store; run at 00:30 Vietnam time (17:30 UTC the day before). The fee receipt on
payment goes through the real webhook: tests/contract/test_papers_webhook.py."""

from __future__ import annotations

import pytest

from conversations.messages import OutgoingKind
from services.documents import DocumentSource
from tests.chat import ChatDriver
from tests.fake_files import MemoryFileStore
from tests.fakes import FakeClock, MemoryStaging, MemoryUnitOfWorkFactory, RecordingSms
from tests.unit.test_filing_flow import PDF, file_free_dossier, fill_stay_form, send_file
from tests.unit.test_login_flow import login
from tests.unit.test_papers import AFTER_MIDNIGHT, _qr_codes, _text


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(AFTER_MIDNIGHT)


async def test_a_free_dossier_sends_its_e_form_pdf_and_keeps_it_in_the_store(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    files: MemoryFileStore,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    await login(chat, sms)
    await file_free_dossier(chat, staging)
    await chat.press("Tôi xin cam đoan")
    (dossier,) = uow_factory.db.dossiers.values()
    (paper,) = [m for m in chat.replies if m.text.key == "papers.declaration_caption"]
    assert paper.kind is OutgoingKind.DOCUMENT
    assert paper.media_name == f"to-khai-{dossier.code}.pdf"
    assert dossier.code in chat.text(paper)
    pdf = files.get(paper.media_ref)
    text = _text(pdf)
    assert dossier.code in text and "Xác nhận điều kiện diện tích bình quân nhà ở" in text
    assert "mau-02.pdf" in text and "Nhận trực tiếp" in text  # an attachment, the delivery
    assert "Tổng diện tích sàn sử dụng (m2) 45" in text  # an answer with its label
    assert "Ngày nộp 00:30 25/11/2026 (giờ Việt Nam)" in text and "24/11/2026" not in text
    assert _qr_codes(pdf) == [f"http://127.0.0.1:8080/status/{dossier.code}"]
    kept = [d for d in uow_factory.db.documents.values() if d.source is DocumentSource.PAPER]
    assert [(d.ref, d.name, d.kind, d.citizen_id) for d in kept] == [
        (paper.media_ref, paper.media_name, "pdf", dossier.citizen_id)
    ]
    await chat.send("/documents")
    assert chat.keys[0] == "documents.list"
    listing = chat.text(chat.replies[0])
    assert f"Tờ khai điện tử: to-khai-{dossier.code}.pdf" in listing
    again = [m for m in chat.replies if m.kind is OutgoingKind.DOCUMENT]
    assert [m.media_ref for m in again] == [paper.media_ref]  # the same file, sent again


async def test_a_dossier_with_a_fee_gets_its_e_form_pdf_with_the_payment_request(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    files: MemoryFileStore,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    await login(chat, sms)
    await fill_stay_form(chat)
    await chat.press("Xác nhận tờ khai")
    await send_file(chat, staging, PDF, "chung-minh-cho-o.pdf")
    await chat.press("Xong phần giấy tờ")
    await chat.press("Nộp hồ sơ")
    await chat.press("Tôi xin cam đoan")
    assert chat.keys == ["submission.created", "papers.declaration_caption", "payment.request"]
    (dossier,) = uow_factory.db.dossiers.values()
    text = _text(files.get(chat.replies[1].media_ref))
    assert "Đăng ký tạm trú" in text and dossier.code in text and "chung-minh-cho-o.pdf" in text
    assert "bưu chính" in text and "Tổ 9" in text
    # Nothing paid yet: no receipt in the store.
    kinds = {d.component for d in uow_factory.db.documents.values()}
    assert "bien_lai_thu_phi" not in kinds and "to_khai_dien_tu" in kinds
