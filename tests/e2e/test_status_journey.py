"""After submission, end to end: a citizen files in the web chat and is also logged in on
Telegram; an officer moves the dossier 1 → 2 → 4 → 5 through the REST API; the citizen sends
the supplement from the web chat; then 4 → 9 (with a result file) → 10. Each status change
reaches both chats exactly once, and the result is in /documents.

Everything real runs in this process (the web app under uvicorn, python-telegram-bot polling
the fake Bot API, the scheduler and its paced senders); only Telegram's servers are faked.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.bootstrap import Application, build, prepare_database
from bot.channels.telegram_runtime import TelegramRuntime, build_telegram
from bot.scheduler import Scheduler
from bot.senders import build_transports
from bot.settings import Settings
from bot.web.app import create_http_app
from services.dossier_codes import DossierStatus
from tests.e2e.fakes.telegram_api import FakeTelegram
from tests.e2e.fakes.telegram_state import SentMessage
from tests.e2e.test_zalo_channel import Served
from tests.privacy import note_codes
from tests.unit.test_filing_flow import PDF
from tests.unit.test_login_flow import HOA_ID, HOA_PHONE
from tests.web_session import session_address

KEY = "officer-key-for-the-province-admins-0001"
TG_CHAT = 4242
WEB_CHAT = "webhoa0001journey"


@dataclass
class WebChat:
    """The web chat's JSON API, as the page uses it."""

    http: httpx.AsyncClient  # its cookie jar holds the session: one client, one chat
    chat_id: str = WEB_CHAT  # a name for the reader; the server never sees it
    seq: int = 0
    replies: list[dict[str, Any]] = field(default_factory=list)
    after: int = 0

    @property
    def keys(self) -> list[str]:
        return [m["key"] for m in self.replies]

    def text(self, message: dict[str, Any] | None = None) -> str:
        return str((message or self.replies[-1])["html"])

    async def _post(self, **body: Any) -> None:
        self.seq += 1
        response = await self.http.post("/chat/api/message", json={"seq": self.seq, **body})
        assert response.status_code == 200, response.text
        self.replies = response.json()["messages"]

    async def send(self, text: str) -> None:
        await self._post(text=text)

    async def press(self, label: str) -> None:
        for message in reversed(self.replies):
            for row in message["buttons"]:
                for button in row:
                    if label in button["label"]:
                        await self._post(payload=button["payload"])
                        return
        raise AssertionError(f"no button {label!r} in {self.keys}")

    async def upload(self, name: str, content: bytes) -> None:
        self.seq += 1
        response = await self.http.post(
            "/chat/api/upload",
            data={"seq": str(self.seq)},
            files={"file": (name, content, "application/pdf")},
        )
        assert response.status_code == 200, response.text
        self.replies = response.json()["messages"]

    async def events(self) -> list[dict[str, Any]]:
        """Pushed messages after the last one seen (acknowledging the earlier ones)."""
        response = await self.http.get("/chat/api/events", params={"after": self.after})
        fresh = [e for e in response.json()["events"] if e["id"] > self.after]
        if fresh:
            self.after = max(e["id"] for e in fresh)
        return [e["message"] for e in fresh]


async def eventually(check: Callable[[], Awaitable[bool]], tries: int = 200) -> None:
    for _ in range(tries):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the condition never held")


class ShiftedClock:
    """The real time, moved forward when the test needs minutes to pass."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


CLOCK = ShiftedClock()


@pytest.fixture
async def world(
    tmp_path: Path,
) -> AsyncIterator[tuple[Application, FakeTelegram, httpx.AsyncClient]]:
    async with FakeTelegram() as tg:
        tg.register_chat(TG_CHAT)
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
            data_dir=tmp_path,
            telegram_bot_token=tg.token,
            telegram_api_base_url=tg.url,
            officer_api_keys={KEY: "*"},
            status_sync_seconds=1,
            payment_simulator=False,
            _env_file=None,  # type: ignore[call-arg]
        )
        engine = await prepare_database(settings)
        await engine.dispose()
        CLOCK.offset = timedelta()
        app = await build(settings, prepare=False, clock=CLOCK)
        telegram: TelegramRuntime | None = build_telegram(app, poll_timeout=1)
        assert telegram is not None
        served = Served(create_http_app(app))
        await served.start()
        await telegram.start()
        scheduler = Scheduler(app, await build_transports(app))
        await scheduler.start()
        try:
            async with httpx.AsyncClient(base_url=served.url, timeout=30) as http:
                yield app, tg, http
        finally:
            await scheduler.stop()
            await telegram.stop()
            await served.stop()
            await app.close()


def otp(app: Application, chat_key: str) -> str:
    text = app.sms.inbox.for_chat(chat_key)[-1].text  # type: ignore[attr-defined]
    note_codes(text)
    return str(re.search(r"\b\d{6}\b", text).group(0))  # type: ignore[union-attr]


async def login_on_web(app: Application, web: WebChat) -> None:
    await web.send("/login")
    if "consent.notice" in web.keys:
        await web.press("Tôi đồng ý")
    await web.send(HOA_ID)
    await web.send(HOA_PHONE)
    await web.send(otp(app, (await session_address(app, web.http.cookies["dvc_chat"])).key))
    assert web.keys[0] == "login.success", web.keys


async def tg_say(tg: FakeTelegram, text: str, expect: str) -> SentMessage:
    """Send a text (or press a button labelled `text[1:]` when it starts with "▶") and wait
    for the bot's message containing `expect`."""
    before = len(tg.sent(TG_CHAT))
    if text.startswith("▶"):
        message, button = next(
            (m, b) for m in reversed(tg.sent(TG_CHAT)) if m.reply_markup
            for row in m.reply_markup.get("inline_keyboard", []) for b in row
            if text[1:] in b["text"]
        )  # fmt: skip
        await tg.user_press(TG_CHAT, message.message_id, button["callback_data"])
    else:
        await tg.user_text(TG_CHAT, text)

    def says(m: SentMessage) -> bool:
        return expect in (m.text or m.caption or "")

    earlier = sum(1 for m in tg.sent(TG_CHAT)[:before] if says(m))
    found = await tg.wait_for(TG_CHAT, where=says, timeout=10, count=earlier + 1)
    return found[-1]


async def login_on_telegram(app: Application, tg: FakeTelegram) -> None:
    await tg_say(tg, "/login", "Bạn có đồng ý không?")
    await tg_say(tg, "▶Tôi đồng ý", "số định danh cá nhân")
    await tg_say(tg, HOA_ID, "số điện thoại di động")
    before = len(tg.sent(TG_CHAT))
    await tg.user_contact(TG_CHAT, HOA_PHONE)
    await tg.wait_for(TG_CHAT, count=before + 2, timeout=10)  # code sent, enter the code
    await eventually(lambda: _has_code(app), tries=50)
    await tg_say(tg, otp(app, f"telegram:{TG_CHAT}"), "Nông Thị Hoa")


async def _has_code(app: Application) -> bool:
    return bool(app.sms.inbox.for_chat(f"telegram:{TG_CHAT}"))  # type: ignore[attr-defined]


async def file_free_dossier(web: WebChat) -> str:
    """Housing area confirmation (1.013314): free, submitted at once with a receipt."""
    await web.send("1.013314")
    await web.press("Nộp hồ sơ")
    await web.send("Thục Phán")
    await web.press("Thục Phán")
    await web.press("Đúng, dùng thông tin này")
    for _ in range(25):
        if web.keys[-1] == "form.review":
            break
        text = web.text()
        labels = " ".join(b["label"] for m in web.replies for row in m["buttons"] for b in row)
        if web.keys[-1] == "form.prefilled":
            await web.press("Đúng, dùng thông tin này")
        elif "Email" in text or "Bỏ qua" in labels:
            await web.press("Bỏ qua")
        elif web.keys[-1] == "form.address_province":
            await web.press("Cao Bằng")
            await web.send("Thục Phán")
            await web.press("Thục Phán")
            await web.send("Tổ 5")
        elif "Hình thức nhận kết quả" in text:
            await web.press("trực tiếp")
        elif "diện tích" in text.lower():
            await web.send("45")
        else:
            await web.send("3")
    await web.press("Xác nhận tờ khai")
    await web.upload("mau-02.pdf", PDF)
    await web.press("Xong phần giấy tờ")
    await web.press("Nộp hồ sơ")
    await web.press("Tôi xin cam đoan")
    assert web.keys[:2] == ["submission.submitted", "receipt.caption"], web.keys
    match = re.search(r"\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}", web.text(web.replies[1]))
    assert match is not None
    return match.group(0)


async def officer(http: httpx.AsyncClient, code: str, path: str, **kwargs: Any) -> httpx.Response:
    response = await http.post(
        f"/api/v1/dossiers/{code}/{path}", headers={"X-API-Key": KEY}, **kwargs
    )
    assert response.status_code == 200, response.text
    return response


def pushes_on_telegram(tg: FakeTelegram, code: str) -> list[str]:
    return [
        m.text or ""
        for m in tg.sent(TG_CHAT)
        if "chuyển trạng thái" in (m.text or "") and code in (m.text or "")
    ]


async def test_officer_moves_citizen_hears_once_on_every_channel(
    world: tuple[Application, FakeTelegram, httpx.AsyncClient],
) -> None:
    app, tg, http = world
    web = WebChat(http)
    await web.send("/start")
    await login_on_web(app, web)
    CLOCK.offset += timedelta(seconds=61)  # a new code for the same person: a minute later
    await tg_say(tg, "/start", "Bạn cần làm gì?")
    await login_on_telegram(app, tg)
    code = await file_free_dossier(web)
    web_pushes: list[dict[str, Any]] = []

    async def arrived(count: int) -> None:
        async def check() -> bool:
            web_pushes.extend(m for m in await web.events() if m["key"] == "push.status")
            return len(web_pushes) >= count and len(pushes_on_telegram(tg, code)) >= count

        await eventually(check)

    await officer(http, code, "status", json={"status": 2, "note": "Đã nhận đủ hồ sơ"})
    await arrived(1)
    await officer(http, code, "status", json={"status": 4, "note": ""})
    await arrived(2)
    await officer(
        http, code, "supplement",
        json={"components": ["Bản chụp sổ đỏ"], "note": "Bổ sung bản chụp sổ đỏ"},
    )  # fmt: skip
    await arrived(3)
    assert (
        "Bản chụp sổ đỏ" in web_pushes[-1]["html"]
        and "Bản chụp sổ đỏ" in pushes_on_telegram(tg, code)[-1]
    )
    # The citizen answers from the web chat, with the button under the push.
    web.replies = [web_pushes[-1]]
    await web.press("Nộp bổ sung")
    assert web.keys == ["supplement.checklist"]
    await web.upload("so-do.pdf", PDF)
    await web.press("Gửi bổ sung")
    assert web.keys[0] == "supplement.sent", web.keys
    await arrived(4)  # 5 → 4, back with the officer
    await officer(
        http, code, "result",
        data={"note": "Đã có kết quả"}, files={"file": ("xac-nhan.pdf", PDF, "application/pdf")},
    )  # fmt: skip
    await arrived(5)
    await officer(http, code, "status", json={"status": 10, "note": "Đã trả kết quả"})
    await arrived(6)
    await asyncio.sleep(2.5)  # two more sync rounds: nothing arrives twice
    web_pushes.extend(m for m in await web.events() if m["key"] == "push.status")
    labels = [DossierStatus(s).label("vi") for s in (2, 4, 5, 4, 9, 10)]
    on_web = [next(label for label in set(labels) if label in m["html"]) for m in web_pushes]
    on_telegram = [
        next(label for label in set(labels) if label in t) for t in pushes_on_telegram(tg, code)
    ]
    assert Counter(on_web) == Counter(labels) == Counter(on_telegram)
    # The result is in the document store, on either channel.
    await web.send("/documents")
    assert web.keys[0] == "documents.list" and "xac-nhan.pdf" in web.text(web.replies[0])
    assert any(m["kind"] == "document" and m["media_name"] == "xac-nhan.pdf" for m in web.replies)
    sent_before = len(tg.sent(TG_CHAT))
    await tg.user_text(TG_CHAT, "/documents")
    await tg.wait_until(
        lambda: any(m.method == "sendDocument" for m in tg.sent(TG_CHAT)[sent_before:])
    )
    document = next(m for m in tg.sent(TG_CHAT)[sent_before:] if m.method == "sendDocument")
    assert document.document == PDF
    response = await http.get(f"/api/v1/dossiers/{code}", headers={"X-API-Key": KEY})
    history = response.json()["history"]
    assert [h["status"] for h in history] == [1, 2, 4, 5, 4, 9, 10]
