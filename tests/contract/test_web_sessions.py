"""The web chat's sessions and history, through its HTTP API on the real app (SQLite and
PostgreSQL): the chat is the cookie the server issued, never an id the page posts; a forged
cookie opens nothing; admin rights come only from the admin key; `web:` admin chats are
refused at start-up; an idle session ends; the history holds the whole conversation."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from bot.bootstrap import Application, build
from bot.cli import main
from bot.settings import Settings
from bot.web.app import create_http_app
from bot.web.sessions import COOKIE
from tests.contract.test_operations import database_url, seeded_postgres, seeded_sqlite  # noqa: F401
from tests.fakes import FakeClock, RecordingSms
from tests.unit.test_login_flow import HOA_ID, HOA_PHONE
from tests.web_session import BrowserCookie

ADMIN_KEY = "admin-key-" + "k" * 30
PDF = b"%PDF-1.7\n" + b"x" * 2000


@dataclass
class Browser:
    """One browser: its own cookie; every call as the page makes it (plus what an attacker
    might add)."""

    http: httpx.AsyncClient
    cookie: BrowserCookie = field(default_factory=BrowserCookie)
    clock: FakeClock | None = None  # moved a second per message, as time passes in a chat
    seq: int = 0
    last: list[dict[str, Any]] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [m["key"] for m in self.last]

    async def post(self, **body: Any) -> list[dict[str, Any]]:
        self.seq += 1
        if self.clock is not None:
            self.clock.advance(seconds=1)
        response = await self.http.post(
            "/chat/api/message", json={"seq": self.seq, **body}, headers=self.cookie.headers
        )
        self.cookie.take(response)
        assert response.status_code == 200, response.text
        self.last = response.json()["messages"]
        return self.last

    async def press(self, label: str, **extra: Any) -> list[dict[str, Any]]:
        buttons = [b for m in self.last for row in m["buttons"] for b in row]
        button = next(b for b in buttons if label in b["label"])
        return await self.post(payload=button["payload"], label=button["label"], **extra)

    async def upload(self, name: str, content: bytes) -> list[dict[str, Any]]:
        self.seq += 1
        if self.clock is not None:
            self.clock.advance(seconds=1)
        response = await self.http.post(
            "/chat/api/upload",
            data={"seq": str(self.seq)},
            files={"file": (name, content, "application/pdf")},
            headers=self.cookie.headers,
        )
        self.cookie.take(response)
        assert response.status_code == 200, response.text
        self.last = response.json()["messages"]
        return self.last

    async def history(self, **params: Any) -> dict[str, Any]:
        response = await self.http.get(
            "/chat/api/history", params=params, headers=self.cookie.headers
        )
        self.cookie.take(response)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture
async def app(database_url: str, tmp_path: Path) -> AsyncIterator[Application]:  # noqa: F811
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        web_admin_key=ADMIN_KEY,
        _env_file=None,  # type: ignore[call-arg]
    )
    application = await build(settings, prepare=False, clock=FakeClock(), sms=RecordingSms())
    yield application
    await application.close()


@pytest.fixture
async def http(app: Application) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        yield client


async def log_in(app: Application, browser: Browser) -> None:
    sms = app.sms
    assert isinstance(sms, RecordingSms)
    await browser.post(text="/login")
    await browser.press("Tôi đồng ý")
    await browser.post(text=HOA_ID)
    await browser.post(text=HOA_PHONE)
    await browser.post(text=sms.last_code(HOA_PHONE))
    assert browser.keys[0] == "login.success", browser.keys


def said(history: dict[str, Any]) -> list[str]:
    """What the citizen's side of the history shows."""
    return [
        item.get("text") or item.get("name", "")
        for item in history["items"]
        if item["from"] == "citizen"
    ]


async def test_a_posted_chat_id_or_a_forged_cookie_reaches_no_other_citizens_chat(
    app: Application, http: httpx.AsyncClient
) -> None:
    hoa = Browser(http)
    await log_in(app, hoa)
    hoa_chat = await hoa.cookie.address(app)
    await hoa.post(text="/profile")
    assert hoa.keys == ["profile.card"]

    intruder = Browser(http)
    await intruder.post(text="/profile", chat_id=hoa_chat.chat_id)  # the old way to claim it
    assert intruder.keys[0] != "profile.card" and "Nông Thị Hoa" not in str(intruder.last)
    assert await intruder.cookie.address(app) != hoa_chat
    response = await http.get(
        "/chat/api/events", params={"chat_id": hoa_chat.chat_id}, headers=intruder.cookie.headers
    )
    assert response.json() == {"events": []}
    history = await intruder.history(chat_id=hoa_chat.chat_id)
    assert HOA_ID not in str(history) and "Nông Thị Hoa" not in str(history)

    for forged in (secrets.token_urlsafe(32), hoa_chat.chat_id, "x" * 43):
        stranger = Browser(http, BrowserCookie(forged))
        await stranger.post(text="/profile")
        assert stranger.cookie.token != forged  # a new session was issued instead
        assert stranger.keys[0] != "profile.card"
        assert await stranger.cookie.address(app) != hoa_chat


async def test_admin_rights_come_from_the_admin_key_only(
    app: Application, http: httpx.AsyncClient
) -> None:
    browser = Browser(http)
    await browser.post(text="/thongke", chat_id="admin-desk-0001", admin=True)
    assert "admin.refused" in browser.keys

    wrong = await http.post(
        "/chat/admin", data={"key": ADMIN_KEY[:-1] + "x"}, headers=browser.cookie.headers
    )
    assert wrong.status_code == 403 and COOKIE not in wrong.cookies
    await browser.post(text="/thongke")
    assert browser.keys[0] == "admin.refused"

    before = browser.cookie.token
    chat = await browser.cookie.address(app)
    signed = await http.post("/chat/admin", data={"key": ADMIN_KEY}, headers=browser.cookie.headers)
    assert signed.status_code == 303 and signed.headers["location"] == "/chat"
    browser.cookie.take(signed)
    assert browser.cookie.token != before  # a new token for the same chat
    assert await browser.cookie.address(app) == chat
    await browser.post(text="/thongke")
    assert browser.keys[0] != "admin.refused", browser.keys

    old = Browser(http, BrowserCookie(before))  # the token from before the sign-in is over
    await old.post(text="/thongke")
    assert "admin.refused" in old.keys and old.cookie.token != before


async def test_the_admin_sign_in_does_not_exist_without_a_key(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        data_dir=tmp_path,
        _env_file=None,  # type: ignore[call-arg]
    )
    application = await build(settings, prepare=True, clock=FakeClock(), sms=RecordingSms())
    transport = httpx.ASGITransport(app=create_http_app(application))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        assert (await client.get("/chat/admin")).status_code == 404
        assert (await client.post("/chat/admin", data={"key": ""})).status_code == 404
    await application.close()


def test_a_web_admin_chat_is_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="web chat id proves nothing"):
        Settings(admin_chats=["web:admin-desk-0001"], _env_file=None)  # type: ignore[call-arg]
    monkeypatch.chdir(tmp_path)  # no .env file here
    monkeypatch.setenv("ADMIN_CHATS", '["telegram:1", "web:admin-desk-0001"]')
    assert main(["migrate"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "web:admin-desk-0001" in lines[0] and "WEB_ADMIN_KEY" in lines[0]


async def test_the_cookie_is_httponly_strict_and_secure_behind_tls(
    http: httpx.AsyncClient,
) -> None:
    plain = await http.get("/chat/api/history")
    header = plain.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=strict" in header and "path=/chat" in header
    assert "secure" not in header
    fresh = {"cookie": f"{COOKIE}=", "x-forwarded-proto": "https"}  # another browser
    behind_tls = await http.get("/chat/api/history", headers=fresh)
    assert "; secure" in behind_tls.headers["set-cookie"].lower()
    page = await http.get("/chat")
    assert "set-cookie" not in page.headers  # a link from elsewhere does not replace a session


async def test_an_idle_session_ends_and_a_live_one_keeps_history_and_login(
    app: Application, http: httpx.AsyncClient
) -> None:
    clock = app.clock
    assert isinstance(clock, FakeClock)
    hoa = Browser(http, clock=clock)
    await log_in(app, hoa)
    await hoa.post(text="1.013314")
    await hoa.press("Nộp hồ sơ")
    await hoa.upload("mau-02.pdf", PDF)
    clock.advance(minutes=app.settings.session_idle_minutes - 1)

    second_tab = Browser(http, BrowserCookie(hoa.cookie.token))  # same cookie: same chat
    history = await second_tab.history()
    assert second_tab.cookie.token == hoa.cookie.token
    shown = said(history)
    assert shown[:4] == ["/login", "✅ Tôi đồng ý", HOA_ID, HOA_PHONE]
    assert shown[4] == "••••••"  # the login code is never kept
    assert shown[5:] == ["1.013314", "📝 Nộp hồ sơ trực tuyến", "mau-02.pdf"]
    keys = [item["key"] for item in history["items"] if item["from"] == "bot"]
    assert "login.success" in keys and "proc.card" in keys, keys
    upload = next(i for i in history["items"] if i["from"] == "citizen" and i["kind"] == "upload")
    assert upload["size"] == len(PDF) and history["items"][-1]["from"] == "bot"
    assert all(item["at"].endswith("+00:00") for item in history["items"])
    await second_tab.post(text="/profile")
    assert second_tab.keys == ["profile.card"]  # still logged in

    clock.advance(minutes=app.settings.session_idle_minutes + 1)
    await hoa.post(text="/profile")
    assert hoa.cookie.token != second_tab.cookie.token  # the idle session ended: a new one
    assert hoa.keys[0] != "profile.card"
    assert said(await hoa.history()) == ["/profile"]


async def test_a_long_history_comes_in_pages_newest_first(
    app: Application, http: httpx.AsyncClient
) -> None:
    browser = Browser(http)
    for n in range(7):
        await browser.post(text=f"tin nhắn {n}")
        app.clock.advance(seconds=5)  # type: ignore[attr-defined]
    newest = await browser.history(limit=3)
    assert said(newest) == ["tin nhắn 4", "tin nhắn 5", "tin nhắn 6"]
    middle = await browser.history(limit=3, before=newest["before"])
    assert said(middle) == ["tin nhắn 1", "tin nhắn 2", "tin nhắn 3"]
    oldest = await browser.history(limit=3, before=middle["before"])
    assert said(oldest) == ["tin nhắn 0"] and oldest["before"] is None
    bot = [item for item in oldest["items"] if item["from"] == "bot"]
    assert bot and {"key", "kind", "html", "buttons", "media", "at"} <= set(bot[0])


async def test_erasing_a_chat_erases_what_its_history_said(app: Application) -> None:
    key = "web:erase-me-0001"
    async with app.uow_factory() as uow:
        said = {"text": HOA_PHONE}
        await uow.conversations.record(key, "1-x", [], said=said, at=app.clock.now())
        await uow.commit()
    async with app.uow_factory() as uow:
        assert [e.said for e in (await uow.history.page(key, None, 10)).entries] == [said]
        await uow.conversations.erase([key])
        await uow.commit()
    async with app.uow_factory() as uow:
        assert [e.said for e in (await uow.history.page(key, None, 10)).entries] == [None]
