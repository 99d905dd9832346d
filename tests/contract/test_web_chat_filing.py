"""Through a real channel: the web chat's HTTP API on the real application and database
(SQLite and PostgreSQL). A citizen files at 00:30 Vietnam time and sees Vietnam's date
everywhere; the same citizen in two browsers presses the commitment in both at once and
gets one dossier."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.bootstrap import Application, build
from bot.settings import Settings
from bot.web.app import create_http_app
from services.dossier_codes import parse_code
from tests.contract.test_operations import database_url, seeded_postgres, seeded_sqlite  # noqa: F401
from tests.fakes import FakeClock, RecordingSms
from tests.web_session import BrowserCookie

AFTER_MIDNIGHT = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # 00:30 on 26/11 in Vietnam
HOA_ID, HOA_PHONE = "004195118046", "0912345678"
PDF = b"%PDF-1.7\n" + b"x" * 2000


@dataclass
class Tab:
    """One browser of the web chat: its session cookie, its counter, what it last showed."""

    http: httpx.AsyncClient
    seq: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)
    cookie: BrowserCookie = field(default_factory=BrowserCookie)

    async def _post(self, text: str = "", payload: str = "") -> None:
        self.seq += 1
        body = {"seq": self.seq, "text": text or None, "payload": payload or None}
        response = await self.http.post("/chat/api/message", json=body, headers=self.cookie.headers)
        self.cookie.take(response)
        assert response.status_code == 200, response.text
        self.messages = response.json()["messages"]

    async def send(self, text: str) -> None:
        await self._post(text=text)

    async def press(self, label: str) -> None:
        for message in reversed(self.messages):
            for row in message["buttons"]:
                for button in row:
                    if label in button["label"]:
                        return await self._post(payload=button["payload"])
        raise AssertionError(f"no button {label!r} in {self.keys}")

    async def upload(self, name: str, content: bytes) -> None:
        self.seq += 1
        data = {"seq": str(self.seq)}
        files = {"file": (name, content, "application/pdf")}
        response = await self.http.post(
            "/chat/api/upload", data=data, files=files, headers=self.cookie.headers
        )
        self.cookie.take(response)
        assert response.status_code == 200, response.text
        self.messages = response.json()["messages"]

    @property
    def keys(self) -> list[str]:
        return [m["key"] for m in self.messages]

    def text(self, index: int = -1) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", self.messages[index]["html"]))

    def labels(self) -> str:
        return " | ".join(b["label"] for m in self.messages for row in m["buttons"] for b in row)


@pytest.fixture
async def app(database_url: str, tmp_path: Path) -> AsyncIterator[Application]:  # noqa: F811
    settings = Settings(database_url=database_url, data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    application = await build(
        settings, prepare=False, clock=FakeClock(AFTER_MIDNIGHT), sms=RecordingSms()
    )
    yield application
    await application.close()


@pytest.fixture
async def http(app: Application) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        yield client


async def log_in(tab: Tab, sms: RecordingSms) -> None:
    await tab.send("/login")
    await tab.press("Tôi đồng ý")
    await tab.send(HOA_ID)
    await tab.send(HOA_PHONE)
    await tab.send(sms.last_code(HOA_PHONE))
    assert tab.keys[0] == "login.success", tab.keys


async def fill_housing_form(tab: Tab) -> None:
    """Housing area confirmation (1.013314): free, 2 working days."""
    for move in ("1.013314", "b:Nộp hồ sơ", "Thục Phán", "b:Thục Phán", "b:Đúng, dùng"):
        await (tab.press(move[2:]) if move.startswith("b:") else tab.send(move))
    for _ in range(20):
        if tab.keys[-1] == "form.review":
            return
        if "Email" in tab.text() or "Bỏ qua" in tab.labels():
            await tab.press("Bỏ qua")
        elif tab.keys[-1] == "form.address_province":
            for move in ("b:Cao Bằng", "Thục Phán", "b:Thục Phán", "Tổ 5"):
                await (tab.press(move[2:]) if move.startswith("b:") else tab.send(move))
        elif "Hình thức nhận kết quả" in tab.text():
            await tab.press("trực tiếp")
        else:
            await tab.send("45" if "diện tích" in tab.text().lower() else "3")
    raise AssertionError("never reached the review")


async def test_a_filing_at_00_30_shows_vietnams_date_on_the_web_chat(
    app: Application, http: httpx.AsyncClient
) -> None:
    sms = app.sms
    assert isinstance(sms, RecordingSms)
    tab = Tab(http)
    await log_in(tab, sms)
    await tab.send("/mydata")
    assert "26/11/2026" in tab.text(0), tab.text(0)
    await tab.send("/menu")
    await fill_housing_form(tab)
    await tab.send("/menu")
    await tab.press("Hồ sơ nháp")
    assert "26/11/2026" in tab.labels(), tab.labels()
    await tab.press("26/11/2026")
    await tab.press("Làm tiếp")
    await tab.press("Xác nhận tờ khai")
    await tab.upload("mau-02.pdf", PDF)
    await tab.press("Xong phần giấy tờ")
    await tab.press("Nộp hồ sơ")
    await tab.press("Tôi xin cam đoan")
    assert tab.keys[:2] == ["submission.submitted", "receipt.caption"], tab.keys
    assert "00:30 26/11/2026" in tab.text(1)  # the receipt
    code = re.search(r"[0-9.A-Z]+-\d{6}-\d{4}", tab.text(0))
    assert code is not None
    parsed = parse_code(code.group())
    assert parsed is not None and f"{parsed.day:%d/%m/%Y}" == "26/11/2026"
    await tab.send(f"/status {code.group()}")
    assert "26/11/2026" in tab.text(0)
    await tab.send("/documents")
    assert tab.keys[0] == "documents.list" and "26/11/2026" in tab.text(0)


async def test_two_tabs_committing_at_once_make_one_dossier(
    app: Application, http: httpx.AsyncClient
) -> None:
    sms = app.sms
    assert isinstance(sms, RecordingSms)
    first, second = Tab(http), Tab(http)  # two browsers: two sessions, two chats
    await log_in(first, sms)
    app.clock.advance(seconds=61)  # type: ignore[attr-defined]
    await log_in(second, sms)
    await fill_housing_form(first)
    await first.press("Xác nhận tờ khai")
    await first.upload("mau-02.pdf", PDF)
    await second.send("/menu")
    await second.press("Hồ sơ nháp")
    await second.press(" · ")  # the draft: "procedure · answered/total · day"
    await second.press("Làm tiếp")
    for tab in (first, second):
        await tab.press("Xong phần giấy tờ")
        await tab.press("Nộp hồ sơ")
        assert tab.keys == ["submission.commitment"], tab.keys
    await asyncio.gather(first.press("Tôi xin cam đoan"), second.press("Tôi xin cam đoan"))
    assert sorted([first.keys[0], second.keys[0]]) == ["submission.submitted", "sync.submitted"]
    first_chat, second_chat = await first.cookie.address(app), await second.cookie.address(app)
    async with app.uow_factory() as uow:
        dossiers = await uow.dossiers.list_for(first_chat.key, None)
        theirs = await uow.dossiers.list_for(second_chat.key, dossiers[0].citizen_id)
    assert len(theirs) == 1
