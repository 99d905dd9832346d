"""The fake Telegram and Zalo servers, proved with the real client libraries.

python-telegram-bot and aiogram run unchanged against FakeTelegram, in polling and in webhook
mode; the Zalo fake is called the way a client would call Zalo, and its webhook events are
checked by a receiver that verifies the signature scheme itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from telegram import Bot as PtbBot
from telegram import InlineKeyboardButton as PtbButton
from telegram import InlineKeyboardMarkup as PtbMarkup
from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.e2e.fakes import (
    ERR_PARAMS,
    ERR_TOKEN,
    ERR_WINDOW,
    SIGNATURE_HEADER,
    FakeTelegram,
    FakeZalo,
    LocalServer,
    free_port,
)

CHAT = 5001
SECRET = "s3cret-Token_1"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40


# -- python-telegram-bot ------------------------------------------------------------------------


async def ptb_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = PtbMarkup([[PtbButton("Khai sinh", callback_data="proc:1.001193")]])
    await update.effective_message.reply_text(
        "<b>Chọn thủ tục</b>", parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def ptb_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("Đã nhận")
    await query.edit_message_text(f"Đã chọn {query.data}")


async def ptb_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    try:
        file = await message.document.get_file()
    except BadRequest as exc:
        await message.reply_text(f"refused: {exc.message}")
        return
    data = await file.download_as_bytearray()
    await message.reply_text(f"got {len(data)} {hashlib.sha256(data).hexdigest()[:16]}")


async def ptb_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    contact = update.effective_message.contact
    own = contact.user_id == update.effective_user.id
    await update.effective_message.reply_text(f"contact own={own} {contact.phone_number}")


def ptb_app(tg: FakeTelegram) -> Application:
    app = (
        Application.builder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", ptb_start))
    app.add_handler(CallbackQueryHandler(ptb_pressed))
    app.add_handler(MessageHandler(filters.Document.ALL, ptb_document))
    app.add_handler(MessageHandler(filters.CONTACT, ptb_contact))
    return app


async def test_ptb_polling_conversation() -> None:
    async with FakeTelegram() as tg:
        app = ptb_app(tg)
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=dt.timedelta(seconds=1))
            try:
                await tg.user_text(CHAT, "/start")
                [menu] = await tg.wait_for(CHAT, 1)
                assert (menu.method, menu.parse_mode) == ("sendMessage", "HTML")
                assert menu.callback_data == ["proc:1.001193"]

                await tg.user_press(CHAT, menu.message_id, "proc:1.001193")
                edit = (await tg.wait_for(CHAT, 2))[-1]
                assert (edit.method, edit.message_id) == ("editMessageText", menu.message_id)
                assert tg.message(CHAT, menu.message_id)["text"] == "Đã chọn proc:1.001193"
                assert [a.text for a in tg.callback_answers] == ["Đã nhận"]

                await tg.user_document(CHAT, PDF, "giay-to.pdf", "application/pdf")
                got = (await tg.wait_for(CHAT, 3))[-1]
                assert got.text == f"got {len(PDF)} {hashlib.sha256(PDF).hexdigest()[:16]}"

                await tg.user_document(CHAT, b"", "video.mp4", "video/mp4", file_size=25 << 20)
                refused = (await tg.wait_for(CHAT, 4))[-1]
                assert refused.text == "refused: File is too big"

                await tg.user_contact(CHAT, "84912345678")
                assert (await tg.wait_for(CHAT, 5))[-1].text == "contact own=True 84912345678"
                last = await tg.user_contact(CHAT, "84987654321", user_id=None)
                assert (await tg.wait_for(CHAT, 6))[-1].text == "contact own=False 84987654321"
            finally:
                await app.updater.stop()
                await app.stop()
        offsets = [c.get("offset") for c in tg.calls("getUpdates")]
        assert offsets[-1] == str(last["update_id"] + 1)  # PTB confirmed every update


async def test_ptb_bot_api_methods_and_errors() -> None:
    async with FakeTelegram() as tg:
        tg.register_chat(CHAT)
        app = ptb_app(tg)
        async with app:
            bot = app.bot
            with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag"):
                await bot.send_message(CHAT, "a<br>b", parse_mode=ParseMode.HTML)
            with pytest.raises(BadRequest, match="end tag corresponding"):
                await bot.send_message(CHAT, "<b>open", parse_mode=ParseMode.HTML)
            with pytest.raises(BadRequest, match="Message is too long"):
                await bot.send_message(CHAT, "x" * 4097)
            await bot.send_message(CHAT, "<i>" + "x" * 4096 + "</i>", parse_mode=ParseMode.HTML)
            long_data = PtbMarkup([[PtbButton("x", callback_data="d" * 65)]])
            with pytest.raises(BadRequest, match="Button_data_invalid"):
                await bot.send_message(CHAT, "hi", reply_markup=long_data)
            with pytest.raises(BadRequest, match="Chat not found"):
                await bot.send_message(777, "hi")

            photo = await bot.send_photo(CHAT, b"\x89PNG fake", caption="QR")
            await bot.send_photo(CHAT, photo.photo[-1].file_id)
            await bot.send_document(CHAT, PDF, filename="bien-nhan.pdf")
            uploaded, by_id, doc = tg.sent(CHAT)[-3:]
            assert (uploaded.photo, uploaded.caption) == (b"\x89PNG fake", "QR")
            assert by_id.file_ref == photo.photo[-1].file_id and by_id.photo is None
            assert (doc.document, doc.file_name) == (PDF, "bien-nhan.pdf")

            ask = ReplyKeyboardMarkup([[KeyboardButton("Gửi số", request_contact=True)]])
            await bot.send_message(CHAT, "Số điện thoại?", reply_markup=ask)
            assert tg.sent(CHAT)[-1].reply_markup["keyboard"][0][0]["request_contact"] is True
            await bot.send_message(CHAT, "Cảm ơn", reply_markup=ReplyKeyboardRemove())
            assert tg.sent(CHAT)[-1].reply_markup == {"remove_keyboard": True}
            keyboard = PtbMarkup([[PtbButton("A", callback_data="a")]])
            menu = await bot.send_message(CHAT, "menu", reply_markup=keyboard)
            await bot.edit_message_reply_markup(CHAT, menu.message_id, reply_markup=None)
            with pytest.raises(BadRequest, match="not modified"):
                await bot.edit_message_reply_markup(CHAT, menu.message_id, reply_markup=None)
            await bot.delete_message(CHAT, menu.message_id)
            assert tg.message(CHAT, menu.message_id) is None
            await bot.send_chat_action(CHAT, "upload_document")
            assert tg.chat_actions(CHAT) == ["upload_document"]
            upd = await tg.user_photo(CHAT, b"\xff\xd8 user photo")
            photo_file = await bot.get_file(upd["message"]["photo"][-1]["file_id"])
            assert await photo_file.download_as_bytearray() == b"\xff\xd8 user photo"

            await bot.set_my_commands([("start", "Bắt đầu")], language_code="vi")
            assert tg.commands("vi") == [{"command": "start", "description": "Bắt đầu"}]
            assert [c.command for c in await bot.get_my_commands(language_code="vi")] == ["start"]
            assert await bot.get_my_commands() == ()

            tg.block_chat(CHAT)
            with pytest.raises(Forbidden, match="bot was blocked by the user"):
                await bot.send_message(CHAT, "hi")

    async with FakeTelegram() as tg:
        request = HTTPXRequest()
        try:
            wrong = PtbBot("1:wrong", base_url=tg.base_url, request=request)
            with pytest.raises(InvalidToken):  # the fake answered 401 Unauthorized to getMe
                await wrong.initialize()
        finally:
            await request.shutdown()


async def test_ptb_webhook_secret_retries_duplicates() -> None:
    async with FakeTelegram(webhook_retries=2, retry_delay=0.01) as tg:
        app = ptb_app(tg)
        port = free_port()
        async with app:
            await app.start()
            await app.updater.start_webhook(
                listen="127.0.0.1",
                port=port,
                url_path="tg",
                secret_token=SECRET,
                webhook_url=f"http://127.0.0.1:{port}/tg",
            )
            try:
                info = await app.bot.get_webhook_info()
                assert info.url == f"http://127.0.0.1:{port}/tg"

                start = await tg.user_text(CHAT, "/start")
                assert tg.deliveries[-1].statuses == [200]
                assert tg.deliveries[-1].attempts[0].secret_token == SECRET
                [menu] = await tg.wait_for(CHAT, 1)
                assert menu.callback_data == ["proc:1.001193"]

                forged = await tg.user_text(CHAT, "/start", deliver=False)
                delivery = await tg.deliver(forged, secret_token="not-the-secret")
                assert delivery is not None and delivery.statuses == [403, 403, 403]
                assert not delivery.delivered
                assert {a.secret_token for a in delivery.attempts} == {"not-the-secret"}
                info = await app.bot.get_webhook_info()
                assert "403" in (info.last_error_message or "")

                again = await tg.redeliver(start)
                assert again.update["update_id"] == start["update_id"] and again.delivered
                await tg.wait_for(CHAT, 2)

                burst = [await tg.user_text(CHAT, "/start", deliver=False) for _ in range(5)]
                results = await tg.deliver_many(burst)
                assert all(d is not None and d.delivered for d in results)
                await tg.wait_for(CHAT, 7)
            finally:
                await app.updater.stop()
                await app.stop()


async def test_ptb_sees_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with FakeTelegram() as tg:
        tg.register_chat(CHAT)
        async with ptb_app(tg) as app:
            tg.fail_next("sendMessage", 429, retry_after=7)
            with pytest.raises(RetryAfter) as caught:
                await app.bot.send_message(CHAT, "hi")
            assert caught.value.retry_after == dt.timedelta(seconds=7)
            await app.bot.send_message(CHAT, "hi")  # only the next call failed
            assert [m.text for m in tg.sent(CHAT)] == ["hi"]


async def test_rate_limits_answer_429(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    now = [1000.0]
    async with FakeTelegram(clock=lambda: now[0]) as tg:
        for chat in (1, 2, 3):
            tg.register_chat(chat)
        tg.enforce_rate(global_per_s=2, per_chat_per_s=1)
        async with ptb_app(tg) as app:
            await app.bot.send_message(1, "a")
            with pytest.raises(RetryAfter):
                await app.bot.send_message(1, "b")  # same chat within a second
            await app.bot.send_message(2, "c")
            with pytest.raises(RetryAfter):
                await app.bot.send_message(3, "d")  # third send in one second
            now[0] += 1.0
            await app.bot.send_message(1, "b")
            await app.bot.send_message(3, "d")


# -- aiogram ------------------------------------------------------------------------------------


def aiogram_dispatcher() -> Dispatcher:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        button = InlineKeyboardButton(text="Hộ tịch", callback_data="cat:hotich")
        markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
        await message.answer("Xin chào", reply_markup=markup)

    @router.callback_query(F.data.startswith("cat:"))
    async def pressed(query: CallbackQuery) -> None:
        await query.answer("ok")
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"Đã chọn {query.data}")

    dp = Dispatcher()
    dp.include_router(router)
    return dp


def aiogram_bot(tg: FakeTelegram) -> Bot:
    return Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.url)))


@contextlib.asynccontextmanager
async def aiogram_polling(tg: FakeTelegram, dp: Dispatcher, bot: Bot) -> AsyncIterator[None]:
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        await tg.wait_until(lambda: bool(tg.calls("getUpdates")) or task.done())
        yield
    finally:
        with contextlib.suppress(RuntimeError):  # polling never started
            await dp.stop_polling()
        await asyncio.wait_for(task, 5)


async def test_aiogram_polling_conversation() -> None:
    async with FakeTelegram() as tg:
        bot = aiogram_bot(tg)
        async with aiogram_polling(tg, aiogram_dispatcher(), bot):
            await tg.user_text(CHAT, "/start")
            [hello] = await tg.wait_for(CHAT, 1)
            assert (hello.text, hello.callback_data) == ("Xin chào", ["cat:hotich"])
            await tg.user_press(CHAT, hello.message_id, "cat:hotich")
            edit = (await tg.wait_for(CHAT, 2))[-1]
            assert (edit.method, edit.text) == ("editMessageText", "Đã chọn cat:hotich")
            assert [a.text for a in tg.callback_answers] == ["ok"]


async def test_aiogram_webhook() -> None:
    async with FakeTelegram(webhook_retries=0) as tg:
        dp, bot = aiogram_dispatcher(), aiogram_bot(tg)
        app = web.Application()
        SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=SECRET).register(app, "/hook")
        server = LocalServer(app)
        await server.start()
        try:
            await bot.set_webhook(f"{server.url}/hook", secret_token=SECRET)
            await tg.user_text(CHAT, "/start")
            [hello] = await tg.wait_for(CHAT, 1)
            await tg.user_press(CHAT, hello.message_id, "cat:hotich")
            await tg.wait_for(CHAT, 2)
            assert [d.statuses for d in tg.deliveries] == [[200], [200]]

            forged = await tg.user_text(CHAT, "/start", deliver=False)
            rejected = await tg.deliver(forged, secret_token=None)  # no secret header
            assert rejected is not None and rejected.statuses == [401]
        finally:
            await server.stop()
            await bot.session.close()


async def test_aiogram_retry_after_forbidden_and_download() -> None:
    async with FakeTelegram() as tg:
        update = await tg.user_document(CHAT, PDF, "to-khai.pdf")
        bot = aiogram_bot(tg)
        try:
            downloaded = await bot.download(update["message"]["document"]["file_id"])
            assert downloaded is not None and downloaded.read() == PDF

            tg.fail_next("sendMessage", retry_after=3, times=2)
            for _ in range(2):
                with pytest.raises(TelegramRetryAfter) as caught:
                    await bot.send_message(CHAT, "hi")
                assert caught.value.retry_after == 3
            await bot.send_message(CHAT, "hi")

            tg.block_chat(CHAT)
            with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
                await bot.send_message(CHAT, "hi")
        finally:
            await bot.session.close()


# -- raw Bot API protocol -----------------------------------------------------------------------


async def test_get_updates_offsets_limits_and_encodings() -> None:
    async with FakeTelegram() as tg, httpx.AsyncClient(base_url=tg.base_url + tg.token) as http:
        for n in range(3):
            await tg.user_text(CHAT, f"m{n}")
        body = (await http.post("/getUpdates", json={"limit": 2})).json()
        first, second = body["result"]
        assert [first["message"]["text"], second["message"]["text"]] == ["m0", "m1"]
        form = {"offset": str(second["update_id"] + 1), "timeout": "0"}
        rest = (await http.post("/getUpdates", data=form)).json()["result"]
        assert [u["message"]["text"] for u in rest] == ["m2"]

        waiting = asyncio.create_task(
            http.get("/getUpdates", params={"offset": rest[0]["update_id"] + 1, "timeout": 5})
        )
        await tg.wait_until(lambda: len(tg.calls("getUpdates")) == 3)
        pressed = await tg.user_text(CHAT, "late")
        assert (await waiting).json()["result"][0]["update_id"] == pressed["update_id"]

        multipart = {
            "offset": (None, str(pressed["update_id"] + 1)),
            "allowed_updates": (None, json.dumps(["callback_query"])),
        }
        assert (await http.post("/getUpdates", files=multipart)).json()["result"] == []
        await tg.user_text(CHAT, "filtered out")
        assert (await http.post("/getUpdates", json={"timeout": 0})).json()["result"] == []

        await http.post("/setWebhook", json={"url": "http://127.0.0.1:9/none"})
        conflict = await http.post("/getUpdates")
        assert conflict.status_code == 409 and "webhook is active" in conflict.json()["description"]

        missing = await http.post("/noSuchMethod")
        assert (missing.status_code, missing.json()["description"]) == (404, "Not Found")
        unauthorized = await http.post(f"{tg.url}/bot1:nope/getMe")
        assert unauthorized.json() == {
            "ok": False,
            "error_code": 401,
            "description": "Unauthorized",
        }


# -- Zalo ----------------------------------------------------------------------------------------


def to_user(user_id: str, **message: Any) -> dict[str, Any]:
    """A /v3.0/oa/message/cs body."""
    return {"recipient": {"user_id": user_id}, "message": message}


def template(kind: str, **payload: Any) -> dict[str, Any]:
    return {"type": "template", "payload": {"template_type": kind, **payload}}


class ZaloClient:
    """Calls the fake the way a Zalo client does: JSON, multipart and form bodies, headers."""

    def __init__(self, zalo: FakeZalo, http: httpx.AsyncClient) -> None:
        self.zalo, self.http = zalo, http

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"access_token": self.zalo.access_token}
        response = await self.http.post("/v3.0/oa/message/cs", json=body, headers=headers)
        return dict(response.json())

    async def upload(self, kind: str, name: str, data: bytes, ctype: str) -> dict[str, Any]:
        response = await self.http.post(
            f"/v2.0/oa/upload/{kind}",
            files={"file": (name, data, ctype)},
            headers={"access_token": self.zalo.access_token},
        )
        return dict(response.json())

    async def refresh(self, token: str, secret_key: str | None = None) -> dict[str, Any]:
        form = {"refresh_token": token, "app_id": self.zalo.app_id, "grant_type": "refresh_token"}
        headers = {"secret_key": secret_key or self.zalo.app_secret}
        response = await self.http.post("/v4/oa/access_token", data=form, headers=headers)
        return dict(response.json())


@contextlib.asynccontextmanager
async def zalo_client() -> AsyncIterator[ZaloClient]:
    async with FakeZalo() as zalo, httpx.AsyncClient(base_url=zalo.url) as http:
        yield ZaloClient(zalo, http)


async def test_zalo_sends_templates_and_uploads() -> None:
    async with zalo_client() as client:
        zalo = client.zalo
        zalo.user_wrote("u1")  # as if a user_send_text event had gone to the bot
        ok = await client.send(to_user("u1", text="chào"))
        assert ok["error"] == 0 and ok["message"] == "Success"
        assert ok["data"]["user_id"] == "u1" and ok["data"]["quota"]["remain"] == 7

        elements = [{"title": f"Thủ tục {i}", "subtitle": "x"} for i in range(6)]
        buttons = [
            {"title": "Chọn", "type": "oa.query.hide", "payload": "#chon_tthc:1.001193"},
            {"title": "Cổng DVC", "type": "oa.open.url", "payload": {"url": "https://x.vn"}},
        ]
        six = template("list", elements=elements, buttons=buttons)
        assert (await client.send(to_user("u1", attachment=six)))["error"] == ERR_PARAMS
        five = template("list", elements=elements[:5], buttons=buttons)
        assert (await client.send(to_user("u1", attachment=five)))["error"] == 0
        assert zalo.sent("u1")[-1].payloads == ["#chon_tthc:1.001193"]

        image = await client.upload("image", "qr.png", b"\x89PNG", "image/png")
        element = {"media_type": "image", "attachment_id": image["data"]["attachment_id"]}
        media = template("media", elements=[element])
        assert (await client.send(to_user("u1", attachment=media)))["error"] == 0
        pdf = await client.upload("file", "ket-qua.pdf", PDF, "application/pdf")
        file = {"type": "file", "payload": {"token": pdf["data"]["token"]}}
        assert (await client.send(to_user("u1", attachment=file)))["error"] == 0
        assert [m.kind for m in zalo.sent("u1")] == ["text", "list", "media", "file"]
        forged = {"type": "file", "payload": {"token": "made-up"}}
        assert (await client.send(to_user("u1", attachment=forged)))["error"] == ERR_PARAMS


async def test_zalo_reply_window() -> None:
    async with zalo_client() as client:
        zalo = client.zalo
        assert (await client.send(to_user("u1", text="chào")))["error"] == ERR_WINDOW  # never wrote
        zalo.user_wrote("u1")
        for n in range(8):
            assert (await client.send(to_user("u1", text=f"r{n}")))["error"] == 0
        assert (await client.send(to_user("u1", text="9th")))["error"] == ERR_WINDOW
        zalo.user_wrote("u1")  # a new user message resets the count
        assert (await client.send(to_user("u1", text="again")))["error"] == 0
        zalo.advance(48 * 3600 + 1)
        await client.refresh(zalo.refresh_token)  # the 25-hour access token ran out too
        assert (await client.send(to_user("u1", text="late")))["error"] == ERR_WINDOW


async def test_zalo_token_expiry_and_single_use_refresh() -> None:
    async with zalo_client() as client:
        zalo = client.zalo
        zalo.user_wrote("u1")
        zalo.expire_access_token()
        assert await client.send(to_user("u1", text="x")) == {
            "error": ERR_TOKEN,
            "message": "Access token is invalid",
        }
        old_refresh = zalo.refresh_token
        fresh = await client.refresh(old_refresh)
        assert fresh["expires_in"] == "90000" and fresh["refresh_token"] != old_refresh
        assert fresh["access_token"] == zalo.access_token and zalo.refresh_count == 1
        assert (await client.send(to_user("u1", text="x")))["error"] == 0
        reused = await client.refresh(old_refresh)
        assert reused["error"] < 0 and "access_token" not in reused
        assert (await client.refresh(zalo.refresh_token, secret_key="nope"))["error"] < 0
        zalo.advance(25 * 3600)
        assert (await client.send(to_user("u1", text="x")))["error"] == ERR_TOKEN


async def test_zalo_webhook_events_are_signed() -> None:
    received: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    zalo = FakeZalo(oa_secret="oa-secret")

    async def receive(request: web.Request) -> web.Response:
        raw = await request.read()
        event = json.loads(raw)
        expected = hashlib.sha256(
            (event["app_id"] + raw.decode() + event["timestamp"] + "oa-secret").encode()
        ).hexdigest()
        if request.headers.get(SIGNATURE_HEADER) != f"mac={expected}":
            return web.Response(status=401)
        if abs(zalo.now() * 1000 - int(event["timestamp"])) > 5 * 60 * 1000:
            return web.Response(status=408)
        msg_id = event.get("message", {}).get("msg_id")
        if msg_id in seen_ids:
            return web.Response(status=208)
        if msg_id:
            seen_ids.add(msg_id)
        received.append(event)
        return web.Response(status=200)

    receiver_app = web.Application()
    receiver_app.router.add_post("/zalo", receive)
    receiver = LocalServer(receiver_app)
    await receiver.start()
    try:
        async with zalo, httpx.AsyncClient() as http:
            zalo.webhook_url = f"{receiver.url}/zalo"
            text = await zalo.user_text("u7", "#chon_tthc:1.001193")
            assert text.status == 200
            event = received[-1]
            assert event["event_name"] == "user_send_text"
            assert event["sender"] == {"id": "u7"} and event["recipient"] == {"id": zalo.oa_id}
            assert event["message"]["text"] == "#chon_tthc:1.001193"
            assert event["timestamp"].isdigit() and event["user_id_by_app"]

            assert (await zalo.user_image("u7", b"\xff\xd8jpeg")).status == 200
            [image] = received[-1]["message"]["attachments"]
            assert (await http.get(image["payload"]["url"])).content == b"\xff\xd8jpeg"
            assert (await zalo.user_file("u7", PDF, "to-khai.pdf")).status == 200
            [file] = received[-1]["message"]["attachments"]
            assert file["type"] == "file" and file["payload"]["name"] == "to-khai.pdf"
            assert file["payload"]["size"] == str(len(PDF)) and file["payload"]["type"] == "pdf"
            assert (await http.get(file["payload"]["url"])).content == PDF
            assert (await zalo.user_follow("u8")).status == 200
            assert received[-1]["follower"] == {"id": "u8"}
            assert (await zalo.user_unfollow("u8")).status == 200

            assert (await zalo.user_text("u7", "forged", forge=True)).status == 401
            stale_ms = int((zalo.now() - 3600) * 1000)
            assert (await zalo.user_text("u7", "old", timestamp_ms=stale_ms)).status == 408
            assert (await zalo.replay(text)).status == 208
            assert len(received) == 5
    finally:
        await receiver.stop()
