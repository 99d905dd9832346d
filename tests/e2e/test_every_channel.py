"""One citizen journey, unchanged, through six paths — and the same dossier at the end of each.

    /start → search "đăng ký tạm trú" → open it → apply → log in (OTP from the SMS inbox)
    → fill the temporary-residence form (1.004194) → attach a PDF → confirm → commitment
    → VietQR payment request → a signed SePay notification to /payments/webhook
    → the receipt with the dossier code, pushed on that channel → /status <code>

Paths: python-telegram-bot and aiogram, each by polling and by webhook; Zalo OA (signed
events to /zalo/webhook); the web chat through its JSON API, as the page calls it (the browser
itself walks this journey in test_filing_web.py). Everything real runs in this process: the
app from bot.bootstrap, its ASGI app under uvicorn, the Telegram libraries, the scheduler with
its paced senders (which push the receipt to Telegram and Zalo), SQLite; only Telegram's and
Zalo's servers are the local fakes.

Each path gets its own copy of one seeded database (so one demo citizen logs in on each, with
no OTP resend wait) and a clock starting at the same moment, so the dossiers compare whole: the
first path to run is the reference, every other must file the same dossier.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import shutil
import sqlite3
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import zxingcpp
from PIL import Image
from pydantic import SecretStr

from bot.bootstrap import Application, build
from bot.channels.telegram_runtime import TelegramRuntime, build_telegram
from bot.channels.telegram_webhook import PATH
from bot.scheduler import Scheduler
from bot.senders import build_transports
from bot.settings import BotFramework, Settings
from bot.web.app import create_http_app
from services.clock import VIETNAM
from services.dossier_codes import DossierStatus, parse_code
from services.dossiers import Dossier, Phase
from services.payments import sign_sepay
from services.vietqr import decode
from tests.e2e.fakes import FakeTelegram, FakeZalo
from tests.e2e.journey import Chat, StartedClock, TelegramChat, WebChat, ZaloChat
from tests.e2e.test_zalo_channel import Served
from tests.unit.test_filing_flow import PDF
from tests.unit.test_login_flow import HOA_ID, HOA_PHONE

pytestmark = pytest.mark.timeout(90)

# The citizen answers at machine speed, so with Telegram's 1 message/s per chat every step of
# the ~40 waits about a second for its reply: one path walks it with the real limits on (a 429
# is waited out, nothing is lost), the others with a short per-chat interval.
PACED = "ptb-webhook"
PATHS = ["ptb-polling", "ptb-webhook", "aiogram-polling", "aiogram-webhook", "zalo", "web"]
START = datetime(2026, 11, 24, 9, 0, tzinfo=VIETNAM)  # a Tuesday morning
SEPAY_SECRET = "sepay-secret-for-the-journey-0123456789"
WEBHOOK_SECRET = "journey-webhook-Secret_1"
ZALO = {"app_id": "3301234567890123456", "oa_secret": "oa-secret", "app_secret": "app-secret"}
TELEGRAM_CHAT, ZALO_USER = 6001, "6001"
SHARED_PHONE = "84" + HOA_PHONE[1:]  # Telegram shares the number in international form
ATTACHMENT = "chung-minh-cho-o.pdf"
FEE = 7000


# -- the six paths -----------------------------------------------------------------------------


def settings_for(folder: Path) -> Settings:
    """The settings of a deployment serving only this path."""
    return Settings(
        database_url=f"sqlite+aiosqlite:///{folder}/db.sqlite3",
        data_dir=folder,
        payment_simulator=False,
        sepay_webhook_secret=SecretStr(SEPAY_SECRET),
        status_sync_seconds=1,
        _env_file=None,  # type: ignore[call-arg]
    )


async def fake_platform(
    path: str, clock: StartedClock, stack: contextlib.AsyncExitStack
) -> tuple[dict[str, Any], FakeTelegram | None, FakeZalo | None]:
    """Telegram's or Zalo's servers for this path (none for the web chat), and the settings
    that point the app at them."""
    if path.startswith(("ptb", "aiogram")):
        tg = await stack.enter_async_context(FakeTelegram())
        config = {
            "telegram_bot_token": SecretStr(tg.token),
            "telegram_api_base_url": tg.url,
            "bot_framework": BotFramework(path.partition("-")[0]),
        }
        if path == PACED:
            tg.enforce_rate()  # Telegram's limits (30/s, 1/s per chat) with 429 + retry_after
        else:  # the pacing is proven on PACED; here a reply may follow the last at once
            config["telegram_chat_interval_seconds"] = 0.05
        return config, tg, None
    if path == "zalo":
        zalo = FakeZalo(
            app_id=ZALO["app_id"],
            oa_secret=ZALO["oa_secret"],
            app_secret=ZALO["app_secret"],
            clock=lambda: clock.now().timestamp(),  # event times checked against the app's
        )
        await stack.enter_async_context(zalo)
        config = {
            "zalo_app_id": ZALO["app_id"],
            "zalo_oa_secret_key": SecretStr(ZALO["oa_secret"]),
            "zalo_app_secret": SecretStr(ZALO["app_secret"]),
            "zalo_refresh_token": SecretStr(zalo.refresh_token),
            "zalo_api_base_url": zalo.url,
            "zalo_oauth_base_url": zalo.url,
        }
        return config, None, zalo
    return {}, None, None


@contextlib.asynccontextmanager
async def deployed(
    path: str, folder: Path, database: Path
) -> AsyncIterator[tuple[Application, Chat, httpx.AsyncClient]]:
    """The app of one path, served, with its channel and the scheduler running; the
    citizen's chat on that path; a client of the app's HTTP surface."""
    shutil.copyfile(database, folder / "db.sqlite3")
    clock = StartedClock(START)
    async with contextlib.AsyncExitStack() as stack:
        config, tg, zalo = await fake_platform(path, clock, stack)
        settings = settings_for(folder).model_copy(update=config)
        app = await build(settings, prepare=False, clock=clock, strict_texts=True)
        stack.push_async_callback(app.close)
        http = create_http_app(app)
        served = Served(http)
        telegram = _telegram(app, served, path.endswith("webhook")) if tg else None
        if telegram is not None and telegram.webhook:
            http.include_router(telegram.webhook_router())
        await served.start()
        stack.push_async_callback(served.stop)
        if telegram is not None:
            await telegram.start()
            stack.push_async_callback(telegram.stop)
        scheduler = Scheduler(app, await build_transports(app))
        await scheduler.start()
        stack.push_async_callback(scheduler.stop)
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=served.url))
        chat: Chat = WebChat(app, client, "journey-tab-0001")
        if tg is not None:
            chat = TelegramChat(app, tg, TELEGRAM_CHAT)
        elif zalo is not None:
            zalo.webhook_url = f"{served.url}/zalo/webhook"
            chat = ZaloChat(app, zalo, ZALO_USER)
        yield app, chat, client


def _telegram(app: Application, served: Served, webhook: bool) -> TelegramRuntime:
    """The configured library, by polling or by webhook to the served app."""
    if webhook:
        app.settings = app.settings.model_copy(
            update={
                "telegram_webhook_url": served.url + PATH,
                "telegram_webhook_secret": SecretStr(WEBHOOK_SECRET),
            }
        )
    runtime = build_telegram(app, poll_timeout=1)
    assert runtime is not None and runtime.webhook == webhook
    return runtime


# -- the journey, the same on every path -------------------------------------------------------


async def find_and_apply(chat: Chat) -> None:
    await chat.send("/start")
    assert chat.keys == ["common.welcome", "menu.main"]
    assert "Dịch vụ công trực tuyến" in chat.text()
    await chat.send("đăng ký tạm trú")
    assert chat.keys == ["search.results_page"]
    await chat.press("Đăng ký tạm trú")
    assert chat.keys == ["proc.card"] and "1.004194" in chat.text()
    await chat.press("Nộp hồ sơ")
    assert chat.keys == ["login.offer"]


async def log_in(chat: Chat, phone: str) -> None:
    await chat.press("Đăng nhập")
    assert chat.keys == ["consent.notice"]
    await chat.press("Tôi đồng ý")
    assert chat.keys == ["consent.thanks", "login.ask_id"]
    await chat.send(HOA_ID)
    assert chat.keys == ["login.ask_phone"]
    await chat.give_phone(phone)
    assert chat.keys == ["login.code_sent", "login.ask_code"]
    await chat.send(chat.otp())
    assert chat.keys[0] == "login.success" and "Nông Thị Hoa" in chat.text()


ANSWERS = {  # question (a part of its label) → how the citizen answers it
    "Email": ("press", "Bỏ qua"),
    "Địa chỉ tạm trú": ("address", ""),
    "Tạm trú đến ngày": ("send", "31/12/2027"),
    "Đăng ký cá nhân": ("press_first", ""),
    "đã đồng ý (người chưa thành niên)": ("press", "Bỏ qua"),
    "Chủ hộ/chủ sở hữu chỗ ở đã đồng ý": ("press", "Có"),
    "Hình thức nhận kết quả": ("press", "bưu chính"),
    "Ngân hàng nhận hoàn tiền": ("press", "Bỏ qua"),
}


async def fill_the_form(chat: Chat) -> None:
    """The ward, then the e-form (as tests.unit.test_filing_flow.fill_stay_form fills it)."""
    await chat.send("Thục Phán")
    await chat.press("Thục Phán")
    for _ in range(30):
        if chat.keys[-1] == "form.review":
            return
        question = chat.question()
        keep = any("Giữ nguyên" in c.title for c in chat.choices)
        if chat.keys[-1] == "form.prefilled":
            await chat.press("Đúng, dùng thông tin này")
        elif "Đang lưu" in question or (chat.keys[-1] == "form.address_province" and keep):
            await chat.press("Giữ nguyên")  # a value the registry filled in: confirm it
        else:
            move = next((m for label, m in ANSWERS.items() if label in question), None)
            assert move is not None, question
            await _answer(chat, *move)
    raise AssertionError("never reached the review")


async def _answer(chat: Chat, how: str, value: str) -> None:
    if how == "press":
        await chat.press(value)
    elif how == "send":
        await chat.send(value)
    elif how == "press_first":
        await chat.press_payload(chat.choices[0].payload)
    else:
        await chat.press("Cao Bằng")
        await chat.send("Tân Giang")
        await chat.press("Tân Giang")
        await chat.send("Tổ 9")


async def attach_and_commit(chat: Chat) -> None:
    await chat.press("Xác nhận tờ khai")
    assert chat.keys == ["form.final", "docs.checklist"]
    await chat.upload(ATTACHMENT, PDF)
    assert chat.keys == ["docs.received", "docs.checklist"] and ATTACHMENT in chat.text()
    await chat.press("Xong phần giấy tờ")
    assert chat.keys == ["submission.summary"]
    assert ATTACHMENT in chat.text() and "7.000 đ" in chat.text() and "bưu chính" in chat.text()
    await chat.press("Nộp hồ sơ")
    assert chat.keys == ["submission.commitment"] and "cam đoan" in chat.text()
    await chat.press("Tôi xin cam đoan")
    assert chat.keys == ["submission.created", "papers.declaration_caption", "payment.request"]


async def pay_by_bank(app: Application, http: httpx.AsyncClient, reference: str) -> None:
    """The bank-watching service reports the transfer, signed as SePay signs."""
    now = app.clock.now()
    body = json.dumps(
        {
            "id": 90001,
            "gateway": "VietinBank",
            "transactionDate": now.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M:%S"),
            "accountNumber": app.settings.payment_account_number,
            "code": None,
            "content": f"MBVCB.884.{reference.replace(' ', '')}.CT tu 0912 NONG THI HOA",
            "transferType": "in",
            "transferAmount": FEE,
            "accumulated": 0,
            "referenceCode": "FT26328000001",
            "description": "",
        }
    ).encode()
    headers = {"Content-Type": "application/json"}
    headers |= sign_sepay(body, SEPAY_SECRET, int(now.timestamp()))
    response = await http.post("/payments/webhook", content=body, headers=headers)
    assert response.status_code == 200 and response.json()["outcome"] == "paid", response.text


async def payment_requested(app: Application, chat: Chat) -> str:
    """The dossier awaits its fee; the citizen was shown the code, the amount, the transfer
    reference and a VietQR code that a banking app reads as that amount and reference."""
    dossier = await the_dossier(app, chat)
    assert dossier.phase is Phase.AWAITING_PAYMENT and dossier.payment is not None
    reference = dossier.payment.reference
    assert dossier.code in chat.text() and reference in chat.text() and "7.000 đ" in chat.text()
    [qr] = [decode(text) for picture in await chat.pictures() for text in qr_texts(picture)]
    assert qr.ok and qr.qr is not None and (qr.qr.amount, qr.qr.purpose) == (FEE, reference)
    return reference


async def receipt_pushed(app: Application, chat: Chat) -> str:
    """The receipt reached the chat by itself, once: its code, the fee paid, and a picture
    whose QR code holds the code. Returns the code."""
    dossier = await the_dossier(app, chat)
    assert dossier.phase is Phase.SUBMITTED
    receipt = "\n".join(await chat.pushed(dossier.code, functools.partial(settled, app, chat)))
    assert "đã thanh toán 7.000 đ" in receipt, receipt
    [picture] = await chat.pictures()
    assert any(dossier.code in text for text in qr_texts(picture))
    # Queued once, sent once: the slip, then the fee receipt PDF. On Zalo the slip is one
    # transaction message (no reply spent) and the filing's answer costs fewer replies than
    # the 8 a user's message allows, so the PDF goes out in the reply window too.
    pushes = [row for row in outbox_of(app, chat) if not row[0].startswith("reply:")]
    assert pushes == [
        (f"receipt:{dossier.id}", "sent"),
        (f"fee-receipt:{dossier.id}", "sent"),
    ]
    return dossier.code


def qr_texts(picture: bytes) -> list[str]:
    """What a banking app reads from an image's QR codes."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture)).convert("RGB"))
    return [code.text for code in found if code.format == zxingcpp.BarcodeFormat.QRCode]


async def the_dossier(app: Application, chat: Chat) -> Dossier:
    async with app.uow_factory() as uow:
        [dossier] = await uow.dossiers.list_for(chat.address.key, None)
    return dossier


def outbox_of(app: Application, chat: Chat) -> list[tuple[str, str]]:
    """(event, status) of every message queued for the chat. Read on a connection of its
    own: a transaction of the app's async engine would hold SQLite's write lock across awaits
    while the chat units of work run inline (see storage.sqlite_inline)."""
    database = Path(app.settings.data_dir) / "db.sqlite3"
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        query = "SELECT event, status FROM outbox WHERE recipient = ? ORDER BY id"
        return [(event, status) for event, status in db.execute(query, (chat.address.key,))]


async def settled(app: Application, chat: Chat) -> bool:
    """Every message queued for the chat has been dealt with (sent, or given up)."""
    rows = outbox_of(app, chat)
    return bool(rows) and all(status not in ("pending", "sending") for _, status in rows)


# -- the test --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filed:
    """A dossier as stored, without what belongs to the chat it was filed from."""

    procedure: str
    agency: str
    code: tuple[str, date, int]  # agency code, day, daily sequence
    answers: Mapping[str, Any]
    attachments: tuple[tuple[str, str, str, int], ...]  # component, name, kind, size
    fee: int | None
    payment: tuple[int, int, str]  # asked, paid, by which provider
    phase: Phase
    status: DossierStatus | None
    due: date | None
    history: tuple[int, ...]


def filed(dossier: Dossier) -> Filed:
    code = parse_code(dossier.code)
    assert code is not None and dossier.payment is not None
    return Filed(
        procedure=dossier.procedure_id,
        agency=dossier.agency_id,
        code=(code.agency, code.day, code.sequence),
        answers=dict(dossier.answers),
        attachments=tuple((a.component, a.name, a.kind, a.size) for a in dossier.attachments),
        fee=dossier.fee,
        payment=(
            dossier.payment.amount,
            dossier.payment.paid_amount,
            dossier.payment.transaction_id.partition(":")[0],
        ),
        phase=dossier.phase,
        status=dossier.status,
        due=dossier.due_date,
        history=tuple(h.status for h in dossier.history),
    )


@pytest.fixture(scope="module")
def produced() -> dict[str, Filed]:
    """What each path filed, in the order they ran (the first is the reference)."""
    return {}


@pytest.mark.parametrize("path", PATHS)
async def test_one_journey_files_the_same_dossier(
    path: str, tmp_path: Path, seeded_database: Path, produced: dict[str, Filed]
) -> None:
    async with deployed(path, tmp_path, seeded_database) as (app, chat, http):
        await find_and_apply(chat)
        await log_in(chat, SHARED_PHONE if isinstance(chat, TelegramChat) else HOA_PHONE)
        await fill_the_form(chat)
        await attach_and_commit(chat)
        reference = await payment_requested(app, chat)
        await pay_by_bank(app, http, reference)
        code = await receipt_pushed(app, chat)
        await chat.send(f"/status {code}")
        assert chat.keys == ["dossiers.card"]
        assert code in chat.text() and DossierStatus.SUBMITTED.label("vi") in chat.text()
        await chat.send("/documents")  # the e-form and the fee receipt PDFs are kept
        assert chat.keys[0] == "documents.list", chat.keys
        assert f"to-khai-{code}.pdf" in chat.text() and f"bien-lai-{code}.pdf" in chat.text()
        assert chat.keys.count("documents.paper_caption") == 2
        stored = await the_dossier(app, chat)
    if isinstance(chat, TelegramChat):  # the updates came the way the path says
        posted = {tuple(d.statuses) for d in chat.tg.deliveries}
        polls = chat.tg.calls("getUpdates")
        if path.endswith("webhook"):
            assert posted == {(200,)} and not polls  # each POST (secret checked) taken at once
        else:
            assert polls and not posted

    assert stored.owner == chat.address.key and stored.citizen_id is not None
    assert stored.submitted_at is not None
    assert stored.submitted_at.astimezone(VIETNAM).date() == START.date()
    mine = filed(stored)
    agency = app.catalog.agencies.get(mine.agency)
    assert agency is not None and mine.code == (agency.code, START.date(), 1)
    assert (mine.procedure, mine.fee, mine.payment) == ("dang_ky_tam_tru", FEE, (FEE, FEE, "sepay"))
    assert (mine.phase, mine.status, mine.history) == (Phase.SUBMITTED, DossierStatus(1), (1,))
    assert [a[1:] for a in mine.attachments] == [(ATTACHMENT, "pdf", len(PDF))]
    first_path, first = next(iter(produced.items()), (path, mine))
    assert mine == first, f"{path} filed another dossier than {first_path}"
    produced[path] = mine
