"""The wrong applicant is caught through the real web chat HTTP channel, on SQLite and
PostgreSQL; and the web chat caps login codes per client, whatever tab (chat) it opens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from bot.bootstrap import Application
from bot.sms import DevSms
from bot.web.app import create_http_app
from bot.web.officer_models import detail
from tests.contract.test_operations import (  # noqa: F401 (fixtures)
    app,
    database_url,
    seeded_postgres,
    seeded_sqlite,
)
from tests.unit.test_filing_flow import PDF
from tests.unit.test_login_flow import HOA_ID, HOA_PHONE
from tests.web_session import BrowserCookie

NAM = {"Họ và tên": "Hoàng Văn Nam", "Ngày sinh": "02/07/1988", "Số định danh": "004088688456"}
PRESS = {"Giới tính": "Nam", "Dân tộc": "Bỏ qua", "Email": "Bỏ qua", "Hình thức": "trực tiếp"}
TYPE = {"Điện thoại": "0987112233", "diện tích": "45", "Số người": "3", **NAM}


@dataclass
class WebChat:
    """One browser of the web chat (its own session cookie), through its JSON API."""

    http: httpx.AsyncClient
    seq: int = 0
    last: list[dict[str, Any]] = field(default_factory=list)
    cookie: BrowserCookie = field(default_factory=BrowserCookie)

    @property
    def keys(self) -> list[str]:
        return [m["key"] for m in self.last]

    async def _post(self, path: str, **kwargs: Any) -> list[dict[str, Any]]:
        self.seq += 1
        response = await self.http.post(path, headers=self.cookie.headers, **kwargs)
        self.cookie.take(response)
        assert response.status_code == 200, response.text
        self.last = response.json()["messages"]
        return self.last

    async def say(self, text: str) -> list[dict[str, Any]]:
        body = {"seq": self.seq + 1, "text": text}
        return await self._post("/chat/api/message", json=body)

    async def press(self, label: str) -> list[dict[str, Any]]:
        buttons = [b for m in self.last for row in m["buttons"] for b in row]
        payload = next(b["payload"] for b in buttons if label in b["label"])
        body = {"seq": self.seq + 1, "payload": payload}
        return await self._post("/chat/api/message", json=body)

    async def upload(self, name: str, content: bytes) -> list[dict[str, Any]]:
        data = {"seq": str(self.seq + 1)}
        files = {"file": (name, content, "application/pdf")}
        return await self._post("/chat/api/upload", data=data, files=files)

    def text(self) -> str:
        return self.last[-1]["html"]


@pytest.fixture
async def http(app: Application) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    transport = httpx.ASGITransport(app=create_http_app(app), client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as session:
        yield session


async def last_code(app: Application, chat: WebChat) -> str:  # noqa: F811
    assert isinstance(app.sms, DevSms)
    (*_, message) = app.sms.inbox.for_chat((await chat.cookie.address(app)).key)
    return next(word.strip(",.") for word in message.text.split() if word.strip(",.").isdigit())


async def fill_as_someone_else(chat: WebChat) -> None:
    for _ in range(30):
        if chat.keys[-1] == "form.review":
            return
        if chat.keys[-1] == "form.address_province":
            await chat.press("Cao Bằng")
            await chat.say("Thục Phán")
            await chat.press("Thục Phán")
            await chat.say("Tổ 5")
            continue
        text = chat.text()
        pressed = next((v for k, v in PRESS.items() if k in text), None)
        if pressed is not None:
            await chat.press(pressed)
        else:
            await chat.say(next(v for k, v in TYPE.items() if k in text))
    raise AssertionError(chat.keys)


async def test_the_wrong_applicant_is_caught_through_the_web_chat(
    app: Application,  # noqa: F811
    http: httpx.AsyncClient,
) -> None:
    chat = WebChat(http)
    await chat.say("1.013314")
    await chat.press("Nộp hồ sơ")
    await chat.press("không đăng nhập")
    await chat.press("Tôi đồng ý")
    await chat.say("Thục Phán")
    await chat.press("Thục Phán")
    assert chat.keys == ["form.started", "form.question"]
    await fill_as_someone_else(chat)
    await chat.press("Xác nhận tờ khai")
    await chat.upload("mau-02.pdf", PDF)
    await chat.press("Xong phần giấy tờ")
    assert chat.keys == ["submission.summary"]
    await chat.press("Nộp hồ sơ")
    assert chat.keys[-1] == "login.ask_id"
    await chat.say(HOA_ID)
    await chat.say(HOA_PHONE)
    await chat.say(await last_code(app, chat))
    assert chat.keys == ["login.success", "identity.replaced", "form.review"], chat.keys
    assert "Hoàng Văn Nam" in chat.last[1]["html"] and "Nông Thị Hoa" in chat.last[1]["html"]
    chat_key = (await chat.cookie.address(app)).key
    async with app.uow_factory() as uow:
        assert not await uow.dossiers.list_for(chat_key, None)
    await chat.press("Xác nhận tờ khai")
    await chat.press("Xong phần giấy tờ")
    await chat.press("Nộp hồ sơ")
    await chat.press("Tôi xin cam đoan")
    assert chat.keys[0] == "submission.submitted", chat.keys
    async with app.uow_factory() as uow:
        (dossier,) = await uow.dossiers.list_for(chat_key, None)
    assert dossier.answers["so_dinh_danh"] == HOA_ID and dossier.subject == dossier.filer
    assert dossier.filer is not None and dossier.filer.id_number == HOA_ID
    shown = detail(dossier, app.catalog)  # what the officer API answers
    assert shown.filer is not None and shown.filer.full_name == "Nông Thị Hoa"
    assert shown.relation == "ban_than" and shown.subject == shown.filer


async def test_the_web_chat_caps_codes_per_client_across_tabs(http: httpx.AsyncClient) -> None:
    seen = []
    for n in range(11):  # a new tab for every try, the owner's phone, made-up ID numbers
        tab = WebChat(http)  # a new browser: a new session, a new chat
        await tab.say("/login")
        await tab.press("Tôi đồng ý")
        await tab.say(f"0040950999{n:02d}")
        await tab.say(HOA_PHONE)
        seen.append(tab.keys[0])
    assert seen[:10] == ["login.code_sent"] * 10
    assert seen[10] == "login.too_many_codes"
