"""The papers on the real app and database (SQLite and PostgreSQL): a citizen files a dossier
with a fee at 00:30 Vietnam time through the router, gets the e-form PDF, pays by a signed
bank notification through the real webhook, and gets the electronic fee receipt as a PDF in
the chat (through the outbox) and in /documents."""

from __future__ import annotations

import io
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import text

from bot.bootstrap import Application, build
from bot.settings import Settings
from bot.web.app import create_http_app
from conversations.messages import Outgoing, OutgoingKind
from services.codec import from_json
from services.fee_receipts import receipt_number
from tests.chat import ChatDriver
from tests.contract.conftest import TABLES
from tests.contract.test_payment_webhook import SEPAY_SECRET, post, sepay_body, signed
from tests.fakes import FakeClock, RecordingSms
from tests.unit.test_filing_flow import PDF, fill_stay_form, send_file
from tests.unit.test_login_flow import login
from tests.unit.test_papers import AFTER_MIDNIGHT, _qr_codes


@pytest.fixture
def sms() -> RecordingSms:
    return RecordingSms()


@pytest.fixture(params=["sqlite", "postgres"])
async def app(
    request: pytest.FixtureRequest, tmp_path: Path, sms: RecordingSms
) -> AsyncIterator[Application]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3"
    else:
        url = request.getfixturevalue("postgres_url")
    settings = Settings(
        database_url=url,
        data_dir=tmp_path,
        sepay_webhook_secret=SEPAY_SECRET,
        payment_simulator=False,
        public_base_url="https://dvc.caobang.example.vn/",
        _env_file=None,  # type: ignore[call-arg]
    )
    application = await build(settings, clock=FakeClock(AFTER_MIDNIGHT), sms=sms)
    if request.param == "postgres":  # the session's PostgreSQL database is shared: clean it
        async with application.engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {', '.join(TABLES)}"))
    yield application
    await application.close()


async def get(app: Application, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        return await client.get(path)


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def test_paying_the_fee_sends_and_keeps_the_electronic_receipt(
    app: Application, sms: RecordingSms
) -> None:
    chat = ChatDriver(app.router, chat_id="hoa-" + secrets.token_hex(4))
    await login(chat, sms)
    await fill_stay_form(chat)
    await chat.press("Xác nhận tờ khai")
    await send_file(chat, app.staging, PDF, "chung-minh-cho-o.pdf")  # type: ignore[arg-type]
    await chat.press("Xong phần giấy tờ")
    await chat.press("Nộp hồ sơ")
    await chat.press("Tôi xin cam đoan")
    assert chat.keys == ["submission.created", "papers.declaration_caption", "payment.request"]
    form_ref = chat.replies[1].media_ref
    form_pdf = await app.media.resolve(form_ref, "vi")
    assert form_pdf is not None and form_pdf.mime == "application/pdf"
    async with app.uow_factory() as uow:
        (dossier,) = await uow.dossiers.list_for(chat.address.key, None)
    assert dossier.payment is not None
    url = f"https://dvc.caobang.example.vn/status/{dossier.code}"
    assert _qr_codes(form_pdf.content) == [url] and url in _pdf_text(form_pdf.content)
    waiting = await get(app, url.removeprefix("https://dvc.caobang.example.vn"))
    assert waiting.status_code == 200 and "Chờ thanh toán" in waiting.text

    body = sepay_body(dossier.payment.reference, 7000)
    response = await post(app, body, signed(app, body))
    assert response.json()["outcome"] == "paid"
    async with app.uow_factory() as uow:
        queued = await uow.outbox.pending(chat.address.key, 0)
    assert [item.event for item in queued] == [
        f"receipt:{dossier.id}",
        f"fee-receipt:{dossier.id}",
    ]
    message = from_json(Outgoing, queued[1].message)
    number = receipt_number(dossier.code)
    assert message.kind is OutgoingKind.DOCUMENT and message.text.key == "papers.receipt_caption"
    assert chat.texts.plain(message.text, "vi").count(number) == 1
    receipt = await app.media.resolve(message.media_ref, "vi")
    assert receipt is not None and receipt.mime == "application/pdf"
    printed = _pdf_text(receipt.content)
    for expected in (
        f"Số: {number}",
        dossier.code,
        "Nông Thị Hoa",
        "Lệ phí đăng ký cư trú",
        "Tổng cộng 7.000 đ",
        "sepay:9001",
        "Thời điểm thanh toán 00:30 25/11/2026 (giờ Việt Nam)",
    ):
        assert expected in printed, expected
    assert "24/11/2026" not in printed

    # The QR code's page: anyone may see the status and dates, not the citizen's data.
    page = await get(app, f"/status/{dossier.code}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert dossier.code in page.text and "Mới đăng ký" in page.text and "25/11/2026" in page.text
    assert "Nông Thị Hoa" not in page.text and "004195118046" not in page.text
    english = await get(app, f"/status/{dossier.code}?lang=en")
    assert "Status:" in english.text
    missing = await get(app, "/status/000.01.51.H04-261125-0999")
    assert missing.status_code == 404 and "000.01.51.H04-261125-0999" in missing.text

    await chat.send("/documents")
    listing = chat.text(chat.replies[0])
    assert f"Tờ khai điện tử: to-khai-{dossier.code}.pdf" in listing
    assert f"Biên lai thu phí, lệ phí: bien-lai-{dossier.code}.pdf" in listing
    sent = {m.media_ref for m in chat.replies if m.kind is OutgoingKind.DOCUMENT}
    assert sent == {form_ref, message.media_ref}  # both papers, sent again from the store
