"""Filing a dossier with documents and paying its fee, in headless Chromium against `dvc-bot run`.

The acceptance check of the filing issue: log in, fill "Đăng ký tạm trú" (a fee of 7.000 đ
online), attach a real PDF and a real JPEG through the page's file input, reuse a document
from the store for a second component, choose postal delivery, scan the VietQR code the page
shows, pay through the demo bank, and get the receipt PUSHED to the page; /mydossiers lists the
dossier. Then files the bot must refuse, each with its reason; and the page's side of pushed
messages (order, once only, slower polling in a background tab) against a scripted server.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import zxingcpp
from PIL import Image, ImageDraw
from playwright.sync_api import BrowserContext, Request, Route

from tests.e2e.accessibility import review
from tests.e2e.browser import BotMessage, ChatPage
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

# Demo citizens (storage/seed/citizens.yaml): each test logs in with its own phone, so that
# neither waits for the other's resend rule.
HOA_ID, HOA_PHONE = "004195118046", "0912345678"
NAM_ID, NAM_PHONE = "004088688456", "0987112233"
PROOF = "Giấy tờ chứng minh chỗ ở hợp pháp khi dữ liệu không khai thác được"
CONSENT = "Ý kiến đồng ý của cha, mẹ hoặc người giám hộ"
FEE = 7000
UNTIL = (date.today() + timedelta(days=365)).strftime("%d/%m/%Y")
POSTAL = "Qua dịch vụ bưu chính công ích (gửi tận nhà)"
# Label substring -> the button to press, or the text to type (">" prefix).
ANSWERS = (
    ("Email", "Bỏ qua"),
    ("Tạm trú đến ngày", f">{UNTIL}"),
    ("cá nhân / hộ gia đình", "Đăng ký cho cá nhân"),
    ("Chủ hộ", "Có"),
    ("Cha mẹ", "Bỏ qua"),
    ("Hình thức nhận kết quả", POSTAL),
    ("Ngân hàng nhận hoàn tiền", "Bỏ qua"),
)
KEEP = "✔️ Giữ nguyên"
EVENTS_API = "/chat/api/events?"


@pytest.fixture(scope="module")
def filing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"OTP_RESEND_SECONDS": "30", "SMS_BACKEND": "dev", "ENVIRONMENT": "development"}
    server = LiveServer(tmp_path_factory.mktemp("filing"), env=env)
    server.start()
    yield server
    server.stop()
    print(f"--- {server.log_path}\n{server.log_tail()}")  # shown when a test failed


def after_of(request: Request) -> int:
    """The `after` an events poll sent."""
    return int(parse_qs(urlparse(request.url).query)["after"][0])


def keys(messages: list[BotMessage]) -> list[str]:
    """The message ids of some bot bubbles."""
    return [m.key for m in messages]


# ---------------------------------------------------------------------- files


def pdf_bytes() -> bytes:
    """A real one-page PDF (a scanned rental agreement, as Pillow writes it)."""
    page = Image.new("RGB", (300, 400), "white")
    ImageDraw.Draw(page).text((20, 20), "HOP DONG THUE NHA", fill="black")
    out = io.BytesIO()
    page.save(out, "PDF", resolution=72)
    return out.getvalue()


def jpeg_bytes() -> bytes:
    """A real JPEG photo."""
    photo = Image.new("RGB", (320, 240), (200, 180, 150))
    ImageDraw.Draw(photo).rectangle((40, 40, 280, 200), outline="black", width=3)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=80)
    return out.getvalue()


def write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


# ---------------------------------------------------------------------- the journey's steps


def log_in(chat: ChatPage, id_number: str, phone: str) -> None:
    """/login with the code read off the demo phone panel."""
    assert keys(chat.send("/login")) == ["consent.notice"]
    assert keys(chat.click("✅ Tôi đồng ý", exact=True)) == ["consent.thanks", "login.ask_id"]
    assert keys(chat.send(id_number)) == ["login.ask_phone"]
    assert keys(chat.send(phone)) == ["login.code_sent", "login.ask_code"]
    code = chat.read_code(1)
    assert keys(chat.send(code))[0] == "login.success"
    chat.close_phone()


def fill_residence_form(chat: ChatPage) -> str:
    """From the search to the documents checklist; returns the checklist's text."""
    assert chat.send("tam tru")[-1].key == "search.results_page"
    assert chat.click("Đăng ký tạm trú")[-1].key == "proc.card"
    assert chat.click("📝 Nộp hồ sơ trực tuyến", exact=True)[-1].key == "search.ward_ask"
    assert chat.send("Thục Phán")[-1].key == "search.ward_matches"
    assert keys(chat.click("Phường Thục Phán", exact=True)) == ["form.started", "form.prefilled"]
    chat.click("✅ Đúng, dùng thông tin này", exact=True)
    asked: list[str] = []
    while chat.last_key() != "form.review":
        question = chat.question()
        assert len(asked) < question.total, f"the form goes round in circles: {asked}"
        asked.append(question.label)
        answer = next((a for part, a in ANSWERS if part in question.label), None)
        if question.label == "Địa chỉ tạm trú":
            assert chat.click("Tỉnh Cao Bằng", exact=True)[-1].key == "form.address_ward"
            assert chat.send("Nùng Trí")[-1].key == "form.address_ward_matches"
            assert chat.click("Phường Nùng Trí Cao", exact=True)[-1].key == "form.address_detail"
            chat.send("Số 12, đường Vườn Cam")
        elif answer is not None and answer.startswith(">"):
            chat.send(answer[1:])
        elif answer is not None:
            chat.click(answer)  # "⏭️ Bỏ qua": a label equal to the answer comes first
        else:  # the recipient's name, phone and address, pre-filled from the registry
            assert KEEP in question.buttons and "Đang lưu:" in question.text, question
            chat.click(KEEP, exact=True)
    review = chat.last_text("form.review")
    assert POSTAL in review and UNTIL in review
    assert any("người nhận" in label for label in asked), asked
    final = chat.click("✅ Xác nhận tờ khai", exact=True)
    assert keys(final) == ["form.final", "docs.checklist"]
    return final[1].text


def checklist_line(text: str, component: str) -> str:
    """The checklist's line about a component."""
    lines = [line for line in text.splitlines() if component in line and line[:1] in "✅⬜▫"]
    assert len(lines) == 1, text
    return lines[0]


# ---------------------------------------------------------------------- VietQR


def emv(payload: str) -> dict[str, str]:
    """The top-level fields of an EMVCo QR payload (id, 2-digit length, value)."""
    fields, at = {}, 0
    while at < len(payload):
        tag, size = payload[at : at + 2], int(payload[at + 2 : at + 4])
        fields[tag] = payload[at + 4 : at + 4 + size]
        at += 4 + size
    assert at == len(payload), payload
    return fields


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE, as EMVCo QR codes end with."""
    crc = 0xFFFF
    for byte in data.encode():
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def decode_qr(content: bytes) -> list[str]:
    """The texts of the QR codes in an image."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(content)).convert("RGB"))
    return [code.text for code in found if code.format == zxingcpp.BarcodeFormat.QRCode]


# ---------------------------------------------------------------------- the acceptance check


def test_file_pay_and_receive_the_receipt(
    filing_server: LiveServer, context: BrowserContext, tmp_path: Path, axe: str
) -> None:
    chat = ChatPage.open(context, filing_server.url)
    polls: list[Request] = []
    chat.page.on("request", lambda r: polls.append(r) if EVENTS_API in r.url else None)
    log_in(chat, HOA_ID, HOA_PHONE)
    checklist = fill_residence_form(chat)
    assert "✅ Tờ khai thay đổi thông tin cư trú - Mẫu CT01" in checklist
    assert checklist_line(checklist, PROOF).startswith("▫️")  # optional, nothing yet
    assert checklist_line(checklist, CONSENT).startswith("▫️")
    assert f"Đang nhận tệp cho: {PROOF}" in checklist

    # A real PDF for the proof of residence, sent through the file input.
    pdf = write(tmp_path, "hop-dong-thue-nha.pdf", pdf_bytes())
    received = chat.attach(pdf)
    assert keys(received) == ["docs.received", "docs.checklist"], received
    assert received[0].text == f"Đã nhận tệp “hop-dong-thue-nha.pdf” cho: {PROOF}."
    line = checklist_line(received[1].text, PROOF)
    assert line == f"✅ {PROOF} — 1 tệp: hop-dong-thue-nha.pdf"
    states = chat.upload_states()
    assert states[0].name == "hop-dong-thue-nha.pdf"
    assert states[0].meta.startswith("Đang tải lên…") and "KB" in states[0].meta, states
    assert states[-1].state == "sent" and re.fullmatch(r"[\d,]+ KB", states[-1].meta), states
    assert chat.user_texts()[-1] == "hop-dong-thue-nha.pdf"

    # A real JPEG for the parents' consent, then the PDF again, from the store.
    assert chat.click(f"📎 {CONSENT}", exact=True)[-1].key == "docs.checklist"
    assert f"Đang nhận tệp cho: {CONSENT}" in chat.last_text()
    photo = write(tmp_path, "y-kien-cha-me.jpg", jpeg_bytes())
    assert keys(chat.attach(photo)) == ["docs.received", "docs.checklist"]
    picker = chat.click("🗂️ Chọn từ Kho dữ liệu", exact=True)[-1]
    assert picker.key == "docs.store_pick"
    stored = [b for b in picker.buttons if "hop-dong-thue-nha.pdf" in b]
    assert len(stored) == 1, picker.buttons
    reused = chat.click(stored[0], exact=True)
    assert keys(reused) == ["docs.reused", "docs.checklist"]
    assert reused[0].text == f"Đã dùng “hop-dong-thue-nha.pdf” từ Kho dữ liệu cho: {CONSENT}."
    assert checklist_line(reused[1].text, CONSENT) == (
        f"✅ {CONSENT} — 2 tệp: y-kien-cha-me.jpg, hop-dong-thue-nha.pdf"
    )
    assert checklist_line(reused[1].text, PROOF).startswith(f"✅ {PROOF} — 1 tệp")

    summary = chat.click("✅ Xong phần giấy tờ", exact=True)[-1]
    assert summary.key == "submission.summary"
    assert f"Nhận kết quả: {POSTAL}" in summary.text
    assert summary.text.count("• hop-dong-thue-nha.pdf") == 2
    assert "• y-kien-cha-me.jpg" in summary.text
    assert keys(chat.click("📤 Nộp hồ sơ", exact=True)) == ["submission.commitment"]
    created = chat.click("✅ Tôi xin cam đoan và nộp hồ sơ", exact=True)
    assert keys(created) == ["submission.created", "papers.declaration_caption", "payment.request"]
    code = re.search(r"mã (\S+)\.", created[0].text)
    assert code is not None, created[0].text
    dossier = code.group(1)
    # The completed e-form: a PDF the page links to, with the dossier code inside.
    form_pdf = chat.fetch(created[1].media)
    assert form_pdf.startswith(b"%PDF-") and dossier in created[1].text

    # The VietQR code: a loaded image, big enough to scan, that pays exactly this dossier.
    payment = created[2]
    assert dossier in payment.text
    assert "Số tiền: 7.000 đ" in payment.text, payment.text
    codes = chat.page.locator('.msg.bot[data-key="payment.request"]').last.locator("code")
    account, reference = codes.all_inner_texts()  # both copied on a tap
    assert f"Nội dung chuyển khoản (giữ nguyên): {reference}" in payment.text, payment.text
    qr = chat.image("payment.request")
    assert qr.get_attribute("alt") == "Mã QR thanh toán"
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 240, box
    assert chat.page.locator('[data-key="payment.request"] a.media-frame').last.get_attribute(
        "href"
    ) == qr.get_attribute("src")  # tap: the full-size image
    [text] = decode_qr(chat.fetch(payment.media))
    fields = emv(text)
    assert fields["54"] == str(FEE) and fields["53"] == "704"  # 7000, in đồng
    napas = emv(fields["38"])
    assert napas["00"] == "A000000727" and napas["02"] == "QRIBFTTA"  # VietQR, to an account
    assert emv(napas["01"])["01"] == account == "1234567890"
    assert emv(fields["62"])["08"] == reference  # the exact transfer reference
    assert fields["63"] == crc16(text[:-4])
    review(chat.page, axe, "payment")  # axe-core on a phone and a desktop, and screenshots

    # The demo bank pays; the receipt arrives by itself (pushed, not a reply).
    paying = chat.click("🏦 Giả lập chuyển khoản (bản demo)", exact=True)
    assert keys(paying)[0] == "payment.simulating"
    receipt = chat.wait_for_event("receipt.caption")
    assert f"Mã hồ sơ: {dossier}" in receipt.text
    assert "Phí, lệ phí: đã thanh toán 7.000 đ" in receipt.text, receipt.text
    assert receipt.buttons == ("📂 Hồ sơ đã nộp",)
    picture = chat.image("receipt.caption")
    assert picture.get_attribute("alt") == "Biên nhận hồ sơ"
    assert dossier in decode_qr(chat.fetch(receipt.media))
    chat.page.wait_for_timeout(300)  # the image has settled: scrolled into view
    review(chat.page, axe, "receipt")
    # Then the electronic fee receipt, a PDF, also pushed.
    fee_receipt = chat.wait_for_event("papers.receipt_caption")
    assert f"BL-{dossier}-01" in fee_receipt.text and "7.000 đ" in fee_receipt.text
    assert chat.fetch(fee_receipt.media).startswith(b"%PDF-")
    shown = chat.page.evaluate("sessionStorage.getItem('dvc.chat.events')")
    assert shown == fee_receipt.event_id

    # Every poll asked for what comes after the last message shown (which acknowledges it).
    after = [after_of(r) for r in polls]
    assert after == sorted(after) and after[0] == 0, after
    chat.page.wait_for_timeout(2500)  # a poll or two more (requests reach Python meanwhile)
    assert after_of(polls[-1]) == int(shown)

    assert chat.click("📂 Hồ sơ đã nộp", exact=True)[-1].key == "dossiers.list"
    dossiers = chat.send("/mydossiers")[-1]
    assert dossiers.key == "dossiers.list"
    listed = [b for b in (*dossiers.buttons, *dossiers.text.splitlines()) if dossier in b]
    assert len(listed) == 1 and "Mới đăng ký" in listed[0], dossiers

    # "Tra cứu hồ sơ" in the page's menu: the owner sees the dossier's own card.
    chat.page.locator("#menu-toggle").click()
    chat.page.locator('[data-menu="track"]').click()
    chat.page.locator("#track-code").fill(dossier)
    before = chat.bot_count()
    chat.page.locator("#track-code").press("Enter")
    card = chat.replies_after(before)[-1]
    assert card.key == "dossiers.card" and dossier in card.text, card
    assert chat.user_texts()[-1] == f"Tra cứu hồ sơ {dossier}"

    # A reload keeps the whole chat, the QR code and the receipts pushed after it included,
    # each once; a pushed message is not shown again by the poll.
    before = [(m.key, m.text) for m in chat.messages()]
    restored = chat.reload()
    restored_keys = [m.key for m in restored]
    for key in (
        "papers.declaration_caption",
        "payment.request",
        "receipt.caption",
        "papers.receipt_caption",
    ):
        assert restored_keys.count(key) == 1, restored_keys
    assert [(m.key, m.text) for m in restored] == before
    assert dossier in decode_qr(chat.fetch(chat.last("receipt.caption").media))
    chat.page.wait_for_timeout(2500)
    assert chat.page.locator(".msg.bot[data-event-id]").count() == 0
    assert [(m.key, m.text) for m in chat.messages()] == before
    assert chat.errors == []


# ---------------------------------------------------------------------- refused files

REFUSED = (
    # name, content (or a size for a large PDF), what the bot must say
    (
        "photo.jpg",
        b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200),
        "nội dung thực là: tệp chương trình (EXE)",
    ),
    ("trong.pdf", b"", "Tệp “trong.pdf” trống (0 byte)."),
    ("giay-to.zip", b"PK\x03\x04\x14\x00\x00\x00" + bytes(200), "nội dung thực là: tệp nén (ZIP)"),
    ("ban-scan.pdf", 25 * 1024 * 1024, "quá lớn (25 MB, tối đa 10 MB mỗi tệp)"),
)


def test_refused_files_say_why_and_attach_nothing(
    filing_server: LiveServer, context: BrowserContext, tmp_path: Path
) -> None:
    chat = ChatPage.open(context, filing_server.url)
    log_in(chat, NAM_ID, NAM_PHONE)
    fill_residence_form(chat)
    for name, content, says in REFUSED:
        if isinstance(content, int):  # a real PDF start, padded to the size
            path = tmp_path / name
            with path.open("wb") as out:
                out.write(b"%PDF-1.4\n")
                out.truncate(content)
        else:
            path = write(tmp_path, name, content)
        replies = chat.attach(path)
        assert keys(replies) == ["docs.rejected", "docs.checklist"], (name, replies)
        assert replies[0].text.startswith("⚠️ ") and says in replies[0].text, replies[0].text
        assert replies[0].text.endswith("Tệp này chưa được lưu.")
        assert checklist_line(replies[1].text, PROOF) == f"▫️ {PROOF} (không bắt buộc)"
        assert "tệp:" not in replies[1].text  # nothing attached anywhere
        assert chat.upload_states()[-1].state == "refused"
    warnings = {s.name: s.warning for s in chat.upload_states()}
    assert warnings["ban-scan.pdf"] == "Tệp lớn hơn 10 MB, có thể bị từ chối."
    assert warnings["giay-to.zip"].startswith("Chỉ nhận PDF, JPG, PNG")
    assert warnings["photo.jpg"] == ""  # only the server can tell
    assert "🗑️ Gỡ tệp đã gửi" not in chat.last().buttons  # nothing to remove

    # A proxy in front of the bot refusing a large body (nginx answers 413 in HTML): the page
    # says why, and offers no retry that could never work.
    chat.page.route("**/chat/api/upload", lambda route: route.fulfill(status=413, body="<html>"))
    refused = chat.attach(write(tmp_path, "scan.pdf", pdf_bytes()))
    assert keys(refused) == ["client.too_large"] and refused[0].buttons == ()
    assert refused[0].text.startswith("Tệp quá lớn nên không gửi được")
    assert chat.upload_states()[-1].state == "refused"
    assert chat.errors == []


# ---------------------------------------------------------------------- pushed messages


def pushed(event_id: int, key: str, html: str, **media: str) -> dict[str, Any]:
    """An event as GET /chat/api/events returns it."""
    message: dict[str, Any] = {
        "key": key,
        "kind": "text",
        "html": html,
        "buttons": [],
        "media": None,
    }
    return {"id": event_id, "message": {**message, **media}}


def test_pushed_messages_in_order_once_and_not_polled_when_hidden(
    filing_server: LiveServer, context: BrowserContext
) -> None:
    """The page's side of /chat/api/events, against a scripted server."""
    waiting: list[dict[str, Any]] = []
    asked: list[int] = []

    def events(route: Route) -> None:
        after = after_of(route.request)
        asked.append(after)
        route.fulfill(json={"events": [e for e in waiting if e["id"] > after]})

    page = context.new_page()
    page.route(re.compile(r"/chat/api/events\?"), events)
    chat = ChatPage(page, filing_server.url)
    chat.goto()
    waiting += [  # out of order, as a careless server might send them
        pushed(
            9,
            "dossiers.card",
            "Kết quả",
            kind="document",
            media="/chat/media?ref=x",
            media_name="ket-qua.pdf",
        ),
        pushed(4, "payment.extra", "Hồ sơ đã được thanh toán trước đó"),
    ]
    page.locator('.msg.bot[data-event-id="9"]').wait_for(state="attached")
    assert [m.event_id for m in chat.messages() if m.event_id] == ["4", "9"]
    link = page.locator('[data-event-id="9"] a.doc-link')
    assert link.inner_text() == "ket-qua.pdf" and link.locator("svg.icon-file").count() == 1
    assert link.get_attribute("download") == "ket-qua.pdf"
    page.wait_for_timeout(2500)  # polled again, with the same events still offered
    assert asked[-1] == 9 and page.locator(".msg.bot[data-event-id]").count() == 2

    # A message that updates in place (Outgoing.replaces): swapped, not added.
    waiting.append(pushed(11, "broadcast.progress", "Đã gửi 1/3", replaces="b:1"))
    page.locator('.msg.bot[data-event-id="11"]').wait_for(state="attached")
    waiting.append(pushed(12, "broadcast.progress", "Đã gửi 3/3", replaces="b:1"))
    page.locator('.msg.bot[data-event-id="12"]').wait_for(state="attached")
    progress = [m for m in chat.messages() if m.key == "broadcast.progress"]
    assert [(m.event_id, m.text) for m in progress] == [("12", "Đã gửi 3/3")]
    assert [m.event_id for m in chat.messages() if m.event_id] == ["4", "9", "12"]

    chat.reload()  # same tab: the last id shown survives, nothing is shown again
    page.wait_for_timeout(500)
    assert asked[-1] == 12 and page.locator(".msg.bot[data-event-id]").count() == 0

    chat.set_visible(False)
    page.wait_for_timeout(300)
    hidden_at = len(asked)
    page.wait_for_timeout(3000)
    assert len(asked) == hidden_at  # a hidden tab waits far longer than 2 s
    chat.set_visible(True)
    chat.wait_until(lambda: len(asked) > hidden_at)  # back in view: a look at once
    assert chat.errors == []
