"""The Zalo OA channel end to end: FakeZalo POSTs real signed events to the real app's webhook
(served by uvicorn), and the bot answers through the fake's OA API with list templates,
uploads and a token that expires, is refreshed once, and is persisted."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import select, text

from bot.bootstrap import Application, build
from bot.channels.zalo import ZaloChannel, build_zalo_channel
from bot.channels.zalo_api import ZaloApi, build_zalo_api
from bot.channels.zalo_delivery import Outcome
from bot.keys import storage_keys
from bot.sender_loop import Senders
from bot.senders import ZaloTransport
from bot.settings import Settings
from bot.web.app import create_http_app
from conversations.messages import ChatAddress, Outgoing, Platform, Text, raw, say
from conversations.texts import TextCatalog
from services.codec import from_json
from services.inbox import MAX_ATTEMPTS
from storage.database import create_engine
from storage.tables import ZaloTokenRow, ZaloUserRow
from tests.contract.conftest import (
    postgres_url,  # noqa: F401 - the PostgreSQL fixture
)
from tests.e2e.fakes import FakeZalo, ZaloDelivery, ZaloSent
from tests.e2e.fakes.zalo_events import EventSource, SignedEvent, attachment, message_event
from tests.e2e.reply_parts import delivered
from tests.privacy import note_codes
from tests.unit.test_filing_flow import JPEG, PDF, fill_stay_form
from tests.unit.test_login_flow import HOA_ID, HOA_PHONE

APP_ID, OA_SECRET, APP_SECRET = "3301234567890123456", "oa-secret-for-tests", "app-secret-tests"
HOURS = 3600


class FollowClock:
    """The app's clock is the fake's: advancing the fake moves both (windows, token life)."""

    def __init__(self, zalo: FakeZalo) -> None:
        self._zalo = zalo

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._zalo.now(), UTC)


class Served:
    """An ASGI app served by uvicorn on a loopback port chosen by the kernel."""

    def __init__(self, asgi: FastAPI) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        config = uvicorn.Config(asgi, log_config=None, access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        while not self._server.started:  # noqa: ASYNC110 - uvicorn offers only a flag
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
        self._socket.close()


@dataclass
class Bot:
    app: Application
    zalo: FakeZalo
    channel: ZaloChannel
    seed: str  # ZALO_REFRESH_TOKEN as configured
    recipients: list[dict[str, Any]]  # `recipient` of each send, in order

    def chat(self, user_id: str) -> ZaloChat:
        return ZaloChat(self, user_id)


@pytest.fixture
async def bot(tmp_path: Path, seeded_database: Path) -> AsyncIterator[Bot]:
    shutil.copyfile(seeded_database, tmp_path / "db.sqlite3")
    async with FakeZalo(app_id=APP_ID, oa_secret=OA_SECRET, app_secret=APP_SECRET) as zalo:
        seed = zalo.refresh_token
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
            data_dir=tmp_path,
            payment_simulator=False,
            zalo_app_id=APP_ID,
            zalo_oa_secret_key=OA_SECRET,
            zalo_app_secret=APP_SECRET,
            zalo_refresh_token=seed,
            zalo_api_base_url=zalo.url,
            zalo_oauth_base_url=zalo.url,
            _env_file=None,  # type: ignore[call-arg]
        )
        app = await build(settings, prepare=False, clock=FollowClock(zalo), strict_texts=True)
        recipients: list[dict[str, Any]] = []

        async def record(request: httpx.Request) -> None:
            if request.url.path.endswith("/message/cs"):
                recipients.append(json.loads(request.content)["recipient"])

        client = httpx.AsyncClient(event_hooks={"request": [record]})
        channel = build_zalo_channel(app, client)
        assert channel is not None
        if app.zalo is not None:  # the one build() made, replaced by one on the recording client
            await app.zalo.close()
        app.zalo = channel  # create_http_app serves /zalo/webhook with it
        http = create_http_app(app)
        served = Served(http)
        await served.start()
        zalo.webhook_url = f"{served.url}/zalo/webhook"
        senders = Senders(app, [ZaloTransport(app, channel)])  # they send the replies
        senders.start()
        try:
            yield Bot(app, zalo, channel, seed, recipients)
        finally:
            await senders.stop()
            await served.stop()
            await app.close()  # closes the channel too
            await client.aclose()


@dataclass(frozen=True)
class WireButton:
    """A query button as the user sees it; `payload` without the "#"."""

    title: str
    payload: str


@dataclass
class ZaloChat:
    """One Zalo user: writes through the fake, reads the wire and the replies the router
    recorded for each message (their catalogue keys)."""

    bot: Bot
    user_id: str
    wire: list[ZaloSent] = field(default_factory=list)
    replies: list[Outgoing] = field(default_factory=list)
    lang: str = "vi"
    texts: TextCatalog = field(default_factory=lambda: TextCatalog(strict=True))

    @property
    def zalo(self) -> FakeZalo:
        return self.bot.zalo

    @property
    def address(self) -> ChatAddress:
        return ChatAddress(Platform.ZALO, self.user_id)

    async def _deliver(self, send: Any, *args: Any, **kwargs: Any) -> ZaloDelivery:
        before = len(self.zalo.sent(self.user_id))
        delivery: ZaloDelivery = await send(self.user_id, *args, **kwargs)
        assert delivery.status == 200, delivery.body
        await self.bot.channel.drained()  # answered at once, applied just after
        await delivered(self.bot.app, self.address.key)  # the paced sender sends the replies
        self.wire = self.zalo.sent(self.user_id)[before:]
        message = delivery.event.get("message") or {}
        if message.get("text") != "#more":
            self.replies = await self.recorded(str(message.get("msg_id", "")))
        self.lang = await self.bot.app.router.lang_of(self.address)
        return delivery

    async def recorded(self, msg_id: str) -> list[Outgoing]:
        async with self.bot.app.uow_factory() as uow:
            stored = await uow.conversations.load(self.address.key, msg_id)
        return [from_json(Outgoing, item) for item in stored.replies or []]

    async def send(self, message: str) -> list[Outgoing]:
        await self._deliver(self.zalo.user_text, message)
        return self.replies

    async def image(self, data: bytes) -> list[Outgoing]:
        await self._deliver(self.zalo.user_image, data)
        return self.replies

    async def file(self, data: bytes, name: str) -> list[Outgoing]:
        await self._deliver(self.zalo.user_file, data, name)
        return self.replies

    @property
    def keys(self) -> list[str]:
        return [m.text.key for m in self.replies]

    @property
    def last(self) -> Outgoing:
        return self.replies[-1]

    def text(self, message: Outgoing | None = None) -> str:
        return self.texts.plain((message or self.last).text, self.lang)

    def lists(self) -> list[ZaloSent]:
        return [m for m in self.wire if m.kind == "list"]

    def buttons(self, message: Outgoing | None = None) -> list[WireButton]:
        return [
            WireButton(str(b["title"]), str(b["payload"])[1:])
            for sent in self.lists()
            for b in sent.buttons
        ]

    async def press_payload(self, payload: str) -> list[Outgoing]:
        return await self.send("#" + payload)

    async def press(self, label: str) -> list[Outgoing]:
        """Press the button whose title holds `label`, paging with "➕ Xem thêm" to find it."""
        for _ in range(20):
            shown = self.buttons()
            found = next((b for b in shown if label in b.title), None)
            if found is not None:
                return await self.press_payload(found.payload)
            if not any(b.payload == "more" for b in shown):
                raise AssertionError(f"no button {label!r} in {[b.title for b in shown]}")
            await self.send("#more")
        raise AssertionError(f"no button {label!r}")

    def otp(self) -> str:
        inbox = self.bot.app.sms.inbox  # type: ignore[attr-defined]
        sms = inbox.for_chat(self.address.key)[-1].text
        note_codes(sms)
        return str(re.search(r"\b\d{6}\b", sms).group(0))  # type: ignore[union-attr]


async def user_row(app: Application, user_id: str) -> Any:
    async with app.engine.connect() as connection:
        table = ZaloUserRow.__table__  # type: ignore[attr-defined]
        return (await connection.execute(select(table).where(table.c.user_id == user_id))).first()


async def count(app: Application, table: str) -> int:
    async with app.engine.connect() as connection:
        return int((await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


# -- conversation ----------------------------------------------------------------------------


async def test_start_menu_more_buttons_and_search(bot: Bot) -> None:
    chat = bot.chat("5001")
    start = await chat._deliver(bot.zalo.user_text, "/start")
    assert chat.keys == ["common.welcome", "menu.main"]
    [menu] = chat.wire  # the welcome and the menu: ONE message, the text heading the list
    reply_to = {"message_id": start.event["message"]["msg_id"]}  # billed as a reply to it
    assert bot.recipients == [reply_to]
    heading = menu.elements[0]["title"] + "\n" + menu.elements[0]["subtitle"]
    assert "Dịch vụ công trực tuyến" in heading and "Bạn cần làm gì?" in heading
    assert "<b>" not in heading  # markup stripped
    assert menu.kind == "list" and len(menu.buttons) == 5
    assert {b["type"] for b in menu.buttons} == {"oa.query.hide"}
    assert menu.payloads[:2] == ["#m:search", "#m:browse"] and menu.payloads[-1] == "#more"

    await chat.send("#more")  # the channel pages the rest itself
    [page] = chat.wire
    assert page.payloads == ["#m:dossiers", "#m:profile", "#m:human", "#m:help", "#m:lang"]
    await chat.press("Ngôn ngữ")
    assert chat.keys == ["lang.choose"]
    await chat.press("English")
    assert chat.keys[0] == "lang.changed" and chat.lang == "en"
    await chat.send("/menu")
    assert chat.lists()[-1].buttons[-1]["title"] == "➕ More"
    await chat.press_payload("l:vi")  # the earlier "Tiếng Việt" button still works
    assert chat.lang == "vi"
    await chat.send("tra cuu ho so")  # a menu button's label, typed as text: pressed
    assert chat.keys == ["dossiers.ask_code"]
    await chat.send("menu")  # a word that works everywhere
    assert chat.keys[-1] == "menu.main"

    await chat.send("tạm trú")
    assert chat.keys[-1] == "search.results_page"
    await chat.press("Đăng ký tạm trú")
    assert chat.keys[0] == "proc.card", chat.keys
    card = chat.wire[0]
    assert card.kind == "text" and "Đăng ký tạm trú" in (card.text or "")
    assert chat.wire[-1].kind == "list" and "#d:apply" in chat.wire[-1].payloads


async def test_an_image_and_a_pdf_reach_the_router_through_staging(bot: Bot) -> None:
    chat = bot.chat("5002")
    await chat.send("/start")
    await chat.image(JPEG)
    assert "common.unexpected_upload" in chat.keys
    await chat.file(PDF, "to-khai.pdf")
    assert "common.unexpected_upload" in chat.keys
    staged = {p.read_bytes() for p in (bot.app.settings.data_dir / "incoming").iterdir()}
    assert {JPEG, PDF} <= staged  # downloaded, kept only in staging


async def test_documents_step_after_logging_in_on_zalo(bot: Bot) -> None:
    chat = bot.chat("5003")
    await chat.send("/login")
    if chat.keys[-1] == "consent.notice":
        await chat.press("Tôi đồng ý")
    assert chat.keys[-1] == "login.ask_id"
    await chat.send(HOA_ID)
    await chat.send(HOA_PHONE)
    assert chat.keys == ["login.code_sent", "login.ask_code"]
    await chat.send(chat.otp())
    assert chat.keys[0] == "login.success"

    await fill_stay_form(chat)  # type: ignore[arg-type]
    await chat.press("Xác nhận tờ khai")
    assert chat.keys == ["form.final", "docs.checklist"]
    await chat.file(PDF, "chung-minh-cho-o.pdf")
    assert chat.keys == ["docs.received", "docs.checklist"]
    await chat.image(JPEG)
    assert chat.keys == ["docs.received", "docs.checklist"]
    assert "2 tệp" in chat.text()
    async with bot.app.uow_factory() as uow:
        documents = await uow.documents.list_for(chat.address.key, None)
    assert len(documents) >= 2

    # Declared over 10 MB: refused by size, never fetched (its URL would answer 404).
    msg_id = bot.zalo.user_wrote(chat.user_id)
    payload = {"name": "quet.pdf", "size": str(11 * 1024 * 1024), "type": "pdf"}
    huge = attachment("file", f"{bot.zalo.url}/media/none/quet.pdf", **payload)
    event = message_event(
        EventSource(APP_ID, bot.zalo.oa_id),
        "user_send_file",
        chat.user_id,
        int(bot.zalo.now() * 1000),
        {"msg_id": msg_id, "attachments": [huge]},
    )
    delivery = await bot.zalo.send_event(event)
    assert delivery.status == 200, delivery.body
    await bot.channel.drained()
    replies = await chat.recorded(msg_id)
    assert [m.text.key for m in replies] == ["docs.rejected", "docs.checklist"]
    assert "10" in chat.text(replies[0])


# -- trust -----------------------------------------------------------------------------------


async def test_forged_stale_replayed_and_unknown_events_have_no_effect(bot: Bot) -> None:
    chat = bot.chat("5004")
    first = await chat._deliver(bot.zalo.user_text, "/start")
    sent, updates = len(bot.zalo.sent()), await count(bot.app, "processed_update")
    window = await user_row(bot.app, chat.user_id)
    bot.zalo.advance(60)  # a moment later, so a touched window would show

    forged = await bot.zalo.user_text(chat.user_id, "/help", forge=True)
    stale_ms = int((bot.zalo.now() - 10 * 60) * 1000)
    stale = await bot.zalo.user_text(chat.user_id, "/help", timestamp_ms=stale_ms)
    unsigned = await bot.zalo.send_event(
        stale.event | {"timestamp": str(int(bot.zalo.now() * 1000))}, unsigned=True
    )
    replayed = await bot.zalo.replay(first)
    sticker = message_event(
        EventSource(APP_ID, bot.zalo.oa_id), "user_send_sticker", chat.user_id,
        int(bot.zalo.now() * 1000), {"msg_id": "st1", "attachments": []},
    )  # fmt: skip
    ignored = await bot.zalo.send_event(sticker)
    garbage = await bot.zalo.post(SignedEvent({}, b"{nope", first.signed.headers))
    await bot.channel.drained()

    assert [forged.status, stale.status, unsigned.status] == [401, 401, 401]
    assert replayed.status == 200 and ignored.status == 200 and garbage.status == 400
    assert len(bot.zalo.sent()) == sent  # nothing sent
    assert await count(bot.app, "processed_update") == updates  # the router saw nothing
    assert await user_row(bot.app, chat.user_id) == window  # the window was not touched


# -- tokens ----------------------------------------------------------------------------------


async def token_row(app: Application) -> Any:
    async with app.engine.connect() as connection:
        table = ZaloTokenRow.__table__  # type: ignore[attr-defined]
        return (await connection.execute(select(table))).one()


async def test_an_expired_token_is_refreshed_once_and_the_new_pair_persisted(bot: Bot) -> None:
    chat = bot.chat("5005")
    await chat.send("/start")  # the first call bootstrapped from ZALO_REFRESH_TOKEN
    assert bot.zalo.refresh_count == 1
    bot.zalo.expire_access_token()
    await chat.send("/menu")
    assert chat.keys == ["menu.main"] and len(chat.wire) == 1  # answered after a refresh
    assert bot.zalo.refresh_count == 2

    row = await token_row(bot.app)
    stored = json.dumps(row.tokens)
    assert bot.zalo.access_token not in stored and bot.zalo.refresh_token not in stored
    cipher = storage_keys(bot.app.settings).cipher
    assert cipher.open(row.tokens["secret"], "zalo_token.tokens") == {
        "access": bot.zalo.access_token,
        "refresh": bot.zalo.refresh_token,
    }

    # A restarted worker uses the persisted pair: no refresh, and the next refresh works with
    # the persisted refresh token (the configured one is burnt: the fake refuses it).
    restarted = build_zalo_api(bot.app)
    try:
        assert await restarted.tokens.access_token() == bot.zalo.access_token
        assert bot.zalo.refresh_count == 2
        bot.zalo.user_wrote(chat.user_id)
        bot.zalo.expire_access_token()
        answer = await restarted.send(chat.user_id, {"text": "ok"})
        assert answer["error"] == 0 and bot.zalo.refresh_count == 3
    finally:
        await restarted.close()
    # A worker configured without ZALO_REFRESH_TOKEN keeps the stored pair too.
    unseeded = bot.app.settings.model_copy(update={"zalo_refresh_token": None})
    cipher = storage_keys(bot.app.settings).cipher
    bare = ZaloApi(unseeded, bot.app.engine, cipher, bot.app.clock)
    try:
        assert await bare.tokens.access_token() == bot.zalo.access_token
    finally:
        await bare.close()
    async with httpx.AsyncClient(base_url=bot.zalo.url) as http:
        form = {"refresh_token": bot.seed, "app_id": APP_ID, "grant_type": "refresh_token"}
        old = await http.post("/v4/oa/access_token", data=form, headers={"secret_key": APP_SECRET})
    assert old.json()["error"] < 0


async def test_two_workers_refreshing_at_once_burn_one_refresh_token(bot: Bot) -> None:
    chat = bot.chat("5006")
    await chat.send("/start")
    workers = [build_zalo_api(bot.app) for _ in range(3)]  # each its own lock: other processes
    try:
        bot.zalo.user_wrote(chat.user_id)
        bot.zalo.expire_access_token()
        before = bot.zalo.refresh_count
        answers = await asyncio.gather(*(w.send(chat.user_id, {"text": "x"}) for w in workers))
        assert [a["error"] for a in answers] == [0, 0, 0]
        assert bot.zalo.refresh_count == before + 1
    finally:
        for worker in workers:
            await worker.close()


@pytest.mark.postgres
async def test_two_workers_share_one_refresh_on_postgresql(
    postgres_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    async with FakeZalo(app_id=APP_ID, oa_secret=OA_SECRET, app_secret=APP_SECRET) as zalo:
        settings = Settings(
            database_url=postgres_url,
            data_dir=tmp_path,
            zalo_app_id=APP_ID,
            zalo_oa_secret_key=OA_SECRET,
            zalo_app_secret=APP_SECRET,
            zalo_refresh_token=zalo.refresh_token,
            zalo_api_base_url=zalo.url,
            zalo_oauth_base_url=zalo.url,
            _env_file=None,  # type: ignore[call-arg]
        )
        engine = create_engine(postgres_url)
        async with engine.begin() as connection:
            await connection.execute(text("TRUNCATE zalo_token"))
        cipher = storage_keys(settings).cipher
        clock = FollowClock(zalo)
        workers = [ZaloApi(settings, engine, cipher, clock) for _ in range(3)]
        try:
            zalo.user_wrote("u1")
            answers = await asyncio.gather(*(w.send("u1", {"text": "x"}) for w in workers))
            assert [a["error"] for a in answers] == [0, 0, 0] and zalo.refresh_count == 1
            zalo.expire_access_token()
            zalo.user_wrote("u1")
            answers = await asyncio.gather(*(w.send("u1", {"text": "y"}) for w in workers))
            assert [a["error"] for a in answers] == [0, 0, 0] and zalo.refresh_count == 2
        finally:
            for worker in workers:
                await worker.close()
            await engine.dispose()


# -- window, push, follows -------------------------------------------------------------------


async def test_push_only_within_the_window_of_eight_replies_in_48_hours(bot: Bot) -> None:
    chat = bot.chat("5007")
    notice = Outgoing(raw("Hồ sơ đã có kết quả"))
    assert await bot.channel.push_outcome("5999", notice, "vi") is Outcome.NEVER_WROTE
    await chat.send("/start")  # one message out: the welcome heading the menu
    assert len(bot.zalo.sent(chat.user_id)) == 1
    for _ in range(7):
        assert await bot.channel.push(chat.user_id, notice, "vi") is True
    assert bot.recipients[-1] == {"user_id": chat.user_id}  # a push answers no message
    sent = len(bot.zalo.sent(chat.user_id))
    assert sent == 8
    assert await bot.channel.push_outcome(chat.user_id, notice, "vi") is Outcome.REPLIES_USED_UP
    await chat.send("/menu")  # the user writes again: the count restarts
    assert await bot.channel.push(chat.user_id, say("menu.main"), "vi") is True
    sent = len(bot.zalo.sent(chat.user_id))

    bot.zalo.advance(48 * HOURS + 60)
    assert await bot.channel.push(chat.user_id, notice, "vi") is False
    assert await bot.channel.push_outcome(chat.user_id, notice, "vi") is Outcome.WINDOW_CLOSED
    assert len(bot.zalo.sent(chat.user_id)) == sent  # nothing went out


async def test_follow_and_unfollow_are_recorded(bot: Bot) -> None:
    chat = bot.chat("5008")
    follow = await bot.zalo.user_follow(chat.user_id)
    await bot.channel.drained()
    assert follow.status == 200 and (await user_row(bot.app, chat.user_id)).following is True
    assert bot.zalo.sent(chat.user_id) == []  # following opens no reply window
    await chat.send("xin chào")
    assert chat.keys[0] == "common.welcome"  # so the first message brings the welcome
    assert (await bot.zalo.user_unfollow(chat.user_id)).status == 200
    await bot.channel.drained()
    assert (await user_row(bot.app, chat.user_id)).following is False
    before = len(bot.zalo.sent(chat.user_id))
    assert (await bot.zalo.user_follow(chat.user_id)).status == 200  # within the window now
    await bot.channel.drained()
    await delivered(bot.app, chat.address.key)
    [menu] = bot.zalo.sent(chat.user_id)[before:]  # the welcome heading the menu
    assert menu.kind == "list"
    assert (await user_row(bot.app, chat.user_id)).following is True


async def test_a_failing_event_is_answered_retried_then_the_user_is_told_once(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = bot.chat("5009")
    await chat.send("/start")
    calls: list[str] = []

    async def broken(update: Any) -> Any:
        calls.append(update.update_id)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(bot.app.router, "handle", broken)
    before = len(bot.zalo.sent(chat.user_id))
    failed = await bot.zalo.user_text(chat.user_id, "/help")
    assert failed.status == 200  # recorded: applied (and retried) after the answer
    await bot.channel.drained()
    [sorry] = bot.zalo.sent(chat.user_id)[before:]
    assert sorry.text == chat.texts.plain(Text("common.error"), "vi")
    assert calls == [failed.event["message"]["msg_id"]] * MAX_ATTEMPTS
    monkeypatch.undo()
    replayed = await bot.zalo.replay(failed)  # Zalo delivers it again: recorded once
    await bot.channel.drained()
    assert replayed.status == 200 and "duplicate" in replayed.body
    assert len(bot.zalo.sent(chat.user_id)) == before + 1  # told once, nothing more
    await chat.send("/help")
    assert chat.keys[0] == "common.help"


async def test_an_event_is_answered_while_its_file_downloads_and_applied_once_after_restart(
    bot: Bot,
) -> None:
    chat = bot.chat("5010")
    await chat.send("/start")
    before = len(bot.zalo.sent(chat.user_id))
    bot.zalo.hold_media = asyncio.Event()  # Zalo's file server, slow with a large file
    upload = await bot.zalo.user_file(chat.user_id, PDF, "giay-to.pdf")
    assert upload.status == 200  # answered while the file has not even been read
    async with asyncio.timeout(10):
        while bot.zalo.media_started == 0:  # noqa: ASYNC110 - the fake counts, signals nothing
            await asyncio.sleep(0.01)
    assert await inbox(bot.app) == [("pending", 0)]

    await bot.channel._inbox.stop()  # the process dies mid-download…
    assert len(bot.zalo.sent(chat.user_id)) == before
    bot.zalo.hold_media.set()
    await bot.channel.start()  # …and the next start applies what it left
    await bot.channel.drained()
    await delivered(bot.app, chat.address.key)  # the paced sender sends the answer
    msg_id = upload.event["message"]["msg_id"]
    replies = await chat.recorded(msg_id)
    assert replies and await inbox(bot.app) == [("applied", 0)]
    answer = len(bot.zalo.sent(chat.user_id)) - before
    assert answer > 0  # the user got the answer
    assert bot.zalo.media_started == 2  # downloaded again, whole, by the next start
    replayed = await bot.zalo.replay(upload)
    await bot.channel.drained()
    assert replayed.status == 200
    assert len(bot.zalo.sent(chat.user_id)) - before == answer  # once


async def inbox(app: Application) -> list[tuple[str, int]]:
    async with app.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT status, attempts FROM inbox WHERE platform = 'zalo' ORDER BY id")
        )
        return [(r[0], r[1]) for r in rows.all()][-1:]
