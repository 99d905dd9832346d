"""The Telegram channel end to end: the real app and database, python-telegram-bot and aiogram
unchanged, against the local fake Bot API — by polling and by webhook.

Messages are identified by their catalogue id: `key_of` finds the template a sent text came
from, so the assertions survive a change of wording.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import logging
import re
import shutil
import string
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from aiogram.types import Update as AiogramUpdate
from fastapi import FastAPI
from pydantic import SecretStr
from telegram import Update as PtbUpdate

from bot.bootstrap import Application, build
from bot.channels.telegram_commands import COMMANDS
from bot.channels.telegram_inbound import parse_update
from bot.channels.telegram_runtime import TelegramRuntime, build_telegram
from bot.channels.telegram_webhook import PATH, SECRET_HEADER
from bot.disk_space import DiskGuard
from bot.sender_loop import Senders
from bot.settings import BotFramework, Settings
from bot.sms import DevSms
from bot.web.app import create_http_app
from conversations.messages import ChatAddress, Platform
from conversations.router import Reply, Update
from conversations.texts import TextCatalog
from tests.chat import ChatDriver
from tests.e2e.fakes import FakeTelegram, SentMessage, free_port
from tests.e2e.reply_parts import joined_keys, split_joined
from tests.privacy import note_codes
from tests.unit.test_filing_flow import fill_stay_form
from tests.unit.test_telegram_render import GROUP, USER, message

pytestmark = pytest.mark.timeout(60)

CHAT, OTHER = 5001, 5002
SECRET = "s3cret-Token_1"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40
JPEG = b"\xff\xd8\xff\xe0" + b"j" * 3000
BIG = 25 * 1024 * 1024
HOA_ID, HOA_PHONE = "004195118046", "84912345678"  # a demo citizen (storage/seed)
FRAMEWORKS = ["ptb", "aiogram"]
STICKER = {
    "file_id": "CAACAgIAAxkBAAEB",
    "file_unique_id": "AgADsw",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}


# -- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(webhook_retries=2, retry_delay=0.05) as fake:
        yield fake


@pytest.fixture
async def app(
    tmp_path: Path, tg: FakeTelegram, seeded_database: Path
) -> AsyncIterator[Application]:
    shutil.copyfile(seeded_database, tmp_path / "db.sqlite3")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        data_dir=tmp_path,
        telegram_bot_token=tg.token,
        telegram_api_base_url=tg.url,
        telegram_chat_interval_seconds=0,  # the fake does not enforce limits here
        payment_simulator=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    application = await build(settings, prepare=False)
    assert isinstance(application.sms, DevSms)
    yield application
    await application.close()


def configure(app: Application, framework: str, webhook_url: str = "") -> None:
    """Choose the library (and webhook mode) as the environment would."""
    app.settings = app.settings.model_copy(
        update={
            "bot_framework": BotFramework(framework),
            "telegram_webhook_url": webhook_url,
            "telegram_webhook_secret": SecretStr(SECRET) if webhook_url else None,
        }
    )


class Sleeps(list[float]):
    """Records flood-control waits instead of sleeping."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@contextlib.asynccontextmanager
async def polling(
    app: Application, framework: str, sleep: Callable[[float], Awaitable[None]] | None = None
) -> AsyncIterator[TelegramRuntime]:
    configure(app, framework)
    runtime = build_telegram(app, poll_timeout=1, sleep=Sleeps() if sleep is None else sleep)
    assert runtime is not None and not runtime.webhook
    await runtime.start()
    try:
        async with Senders.running(app):  # replies go out through the outbox
            yield runtime
    finally:
        await runtime.stop()


@contextlib.asynccontextmanager
async def serving(http: FastAPI, port: int) -> AsyncIterator[None]:
    """The ASGI app on 127.0.0.1:`port`, in this event loop."""
    config = uvicorn.Config(
        http, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        await task


_PATTERNS: dict[tuple[str, str], tuple[re.Pattern[str], int]] = {}


def _pattern(texts: TextCatalog, key: str, lang: str) -> tuple[re.Pattern[str], int]:
    if (key, lang) not in _PATTERNS:
        parts, literal = [], 0
        for text, field, _, _ in string.Formatter().parse(texts.template(key, lang).strip()):
            parts.append(re.escape(text))
            literal += len(text.strip())
            if field is not None:
                parts.append("(?s:.*?)")
        _PATTERNS[key, lang] = re.compile("".join(parts), re.S), literal
    return _PATTERNS[key, lang]


def key_of(sent: SentMessage, texts: TextCatalog, lang: str = "vi") -> str:
    """The catalogue id a sent message was rendered from ("share_phone" for the keyboard hint)."""
    if sent.reply_markup and "keyboard" in sent.reply_markup:
        return "share_phone"
    return key_of_text((sent.text or sent.caption or "").strip(), texts, lang)


def key_of_text(body: str, texts: TextCatalog, lang: str = "vi") -> str:
    """The catalogue id a text was rendered from ("?" when none)."""
    return _match(body, texts, lang)[0]


def _match(body: str, texts: TextCatalog, lang: str = "vi") -> tuple[str, int]:
    """The best catalogue id for a text, and how many of its characters the template's
    literal text accounts for."""
    best, weight = "?", 0
    for key in texts.keys(lang):
        pattern, literal = _pattern(texts, key, lang)
        if literal > weight and pattern.fullmatch(body):
            best, weight = key, literal
    return best, weight


def parts_of(
    sent: SentMessage, texts: TextCatalog, joined: list[tuple[str, ...]]
) -> list[SentMessage]:
    """One message on the wire as the messages the bot meant: a reply's texts joined into
    one message read as they were before joining (the buttons under the last)."""
    if sent.method != "sendMessage" or not joined:
        return [sent]
    pieces = split_joined((sent.text or "").strip(), joined, lambda k: _pattern(texts, k, "vi")[0])
    last = len(pieces) - 1
    return [
        dataclasses.replace(sent, text=p, reply_markup=sent.reply_markup if i == last else None)
        for i, p in enumerate(pieces)
    ]


class Transcript:
    """What the bot sent in one chat, read in order (joined texts read as their parts)."""

    def __init__(self, tg: FakeTelegram, app: Application, chat: int = CHAT) -> None:
        self.tg, self.app, self.texts, self.chat, self.seen = tg, app, app.texts, chat, 0

    def _parts(self) -> list[SentMessage]:
        joined = joined_keys(self.app, f"telegram:{self.chat}")
        return [p for m in self.tg.sent(self.chat) for p in parts_of(m, self.texts, joined)]

    async def next(self, count: int) -> list[SentMessage]:
        """The next `count` messages, waiting for them."""
        while len(parts := self._parts()) < self.seen + count:
            await self.tg.wait_for(self.chat, len(self.tg.sent(self.chat)) + 1)
        new = parts[self.seen : self.seen + count]
        self.seen += count
        return new

    async def keys(self, count: int) -> list[str]:
        """The catalogue ids of the next `count` messages."""
        return [key_of(m, self.texts) for m in await self.next(count)]

    def nothing_new(self) -> bool:
        return len(self._parts()) == self.seen


async def eventually(condition: Callable[[], Awaitable[bool]]) -> None:
    """Wait until an async condition holds (database state the fake cannot see)."""
    for _ in range(250):
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition never held")


def member_update(tg: FakeTelegram, chat: int, status: str) -> dict[str, Any]:
    """my_chat_member: the user blocked ("kicked") or restarted ("member") the bot."""
    user = {"id": chat, "is_bot": False, "first_name": f"User{chat}"}
    bot = {**tg.bot, "is_bot": True}
    change = {
        "chat": {"id": chat, "type": "private", "first_name": user["first_name"]},
        "from": user,
        "date": 1764000000,
        "old_chat_member": {"user": bot, "status": "kicked" if status == "member" else "member"},
        "new_chat_member": {"user": bot, "status": status},
    }
    if status == "kicked":
        change["new_chat_member"]["until_date"] = 0
    else:
        change["old_chat_member"]["until_date"] = 0
    return tg.updates.new_update("my_chat_member", change)


async def press(tg: FakeTelegram, sent: SentMessage, label: str) -> None:
    """Press the inline button of `sent` whose label contains `label`."""
    [data] = [b["callback_data"] for b in sent.buttons if label in b["text"]]
    await tg.user_press(sent.chat_id, sent.message_id, data)


def staged_files(app: Application) -> list[Path]:
    folder = Path(app.settings.data_dir) / "incoming"
    return [p for p in folder.iterdir() if not p.name.startswith(".")] if folder.is_dir() else []


# -- polling, both libraries -------------------------------------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_menu_search_card_and_stale_buttons(
    app: Application, tg: FakeTelegram, framework: str
) -> None:
    async with polling(app, framework):
        chat = Transcript(tg, app)
        assert tg.commands()[0] == {"command": "start", "description": "Bắt đầu lại"}
        assert [c["command"] for c in tg.commands("en")] == list(COMMANDS)

        await tg.user_text(CHAT, "/start")
        welcome, menu = await chat.next(2)
        assert [key_of(welcome, app.texts), key_of(menu, app.texts)] == [
            "common.welcome",
            "menu.main",
        ]
        assert menu.parse_mode == "HTML" and "m:search" in menu.callback_data
        assert welcome.text is not None and "<b>Dịch vụ công trực tuyến</b>" in welcome.text

        await tg.user_text(CHAT, "dang ky tam tru")
        [results] = await chat.next(1)
        assert key_of(results, app.texts) == "search.results_page"
        assert "p:r:dang_ky_tam_tru" in results.callback_data

        await tg.user_press(CHAT, results.message_id, "p:r:dang_ky_tam_tru")
        [card] = await chat.next(1)
        assert key_of(card, app.texts) == "proc.card" and "d:apply" in card.callback_data
        assert "1.004194" in (card.text or "")
        await tg.wait_until(lambda: len(tg.callback_answers) == 1)

        await tg.user_press(CHAT, card.message_id, "d:back")
        assert await chat.keys(1) == ["search.results_page"]
        await tg.user_press(CHAT, card.message_id, "d:apply")  # the card is no longer shown
        assert await chat.keys(2) == ["common.stale_button", "search.results_page"]
        await tg.user_press(CHAT, card.message_id, "p:zz:forged", strict=False)
        assert await chat.keys(2) == ["common.stale_button", "search.results_page"]
        await tg.wait_until(lambda: len(tg.callback_answers) == 4)  # every press answered
        assert tg.state.open_callbacks == {}

        # A sticker is not understood, and said so (it changes nothing in the chat's state).
        sender = {"id": CHAT, "is_bot": False, "first_name": "Hoa"}
        sent = tg.state.new_message(CHAT, sender, sticker=STICKER)
        await tg.deliver(tg.updates.new_update("message", sent))
        assert await chat.keys(1) == ["common.not_understood"]

        # Words that work everywhere, and a button's label typed: pressed (the same engine
        # rule on every channel).
        await tg.user_text(CHAT, "menu")
        assert await chat.keys(1) == ["menu.main"]
        await tg.user_text(CHAT, "tra cuu ho so")
        assert await chat.keys(1) == ["dossiers.ask_code"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_login_by_shared_contact_and_documents(
    app: Application, tg: FakeTelegram, framework: str
) -> None:
    async with polling(app, framework):
        chat = Transcript(tg, app)
        # A file sent when none is expected is answered, and not kept.
        await tg.user_document(CHAT, PDF, "giay-to.pdf")
        assert await chat.keys(3) == ["common.welcome", "common.unexpected_upload", "menu.main"]
        assert staged_files(app) == [] and len(tg.calls("getFile")) == 1

        await tg.user_text(CHAT, "/login")
        [notice] = await chat.next(1)
        await tg.user_press(CHAT, notice.message_id, "d:accept")
        assert await chat.keys(2) == ["consent.thanks", "login.ask_id"]
        await tg.user_text(CHAT, HOA_ID)
        question, share = await chat.next(2)
        assert key_of(question, app.texts) == "login.ask_phone"
        assert question.callback_data == ["d:back", "d:cancel"]
        assert share.reply_markup is not None and share.reply_markup["one_time_keyboard"] is True
        assert share.reply_markup["keyboard"] == [
            [{"text": "📱 Chia sẻ số điện thoại của tôi", "request_contact": True}]
        ]

        await tg.user_contact(CHAT, "84987654321", user_id=777)  # someone else's number
        refused = await chat.keys(3)
        assert refused == ["login.not_own_contact", "login.ask_phone", "share_phone"]
        await tg.user_contact(CHAT, HOA_PHONE)  # their own
        sent, ask_code = await chat.next(2)
        assert key_of(sent, app.texts) == "login.code_sent"
        assert sent.reply_markup == {"remove_keyboard": True}  # the share keyboard goes away
        assert key_of(ask_code, app.texts) == "login.ask_code"
        [sms] = app.sms.inbox.for_chat(f"telegram:{CHAT}")  # type: ignore[attr-defined]
        note_codes(sms.text)
        code = re.search(r"\b\d{6}\b", sms.text)
        assert code is not None
        await tg.user_text(CHAT, code.group(0))
        assert await chat.keys(2) == ["login.success", "menu.main"]

        # The form itself is covered elsewhere: fill it through the router, in this chat.
        driver = ChatDriver(app.router, chat_id=str(CHAT), platform=Platform.TELEGRAM)
        await fill_stay_form(driver)
        await driver.press("Xác nhận tờ khai")
        assert driver.keys == ["form.final", "docs.checklist"]

        await tg.user_document(CHAT, PDF, "chung-minh-cho-o.pdf")
        received, checklist = await chat.next(2)
        assert key_of(received, app.texts) == "docs.received"
        assert "chung-minh-cho-o.pdf" in (received.text or "")
        assert key_of(checklist, app.texts) == "docs.checklist"
        await tg.user_photo(CHAT, JPEG)
        assert await chat.keys(2) == ["docs.received", "docs.checklist"]
        assert len(tg.calls("getFile")) == 3 and staged_files(app) == []

        await tg.user_document(CHAT, b"", "video.pdf", file_size=BIG)
        rejected, checklist = await chat.next(2)
        assert key_of(rejected, app.texts) == "docs.rejected"
        assert "25" in (rejected.text or "")
        assert len(tg.calls("getFile")) == 3  # refused before any download

        # On to the fee: the VietQR code comes as a photo, its text as the caption.
        await press(tg, checklist, "Xong phần giấy tờ")
        [summary] = await chat.next(1)
        await press(tg, summary, "Nộp hồ sơ")
        [commitment] = await chat.next(1)
        await press(tg, commitment, "Tôi xin cam đoan")
        [qr] = await tg.wait_for(CHAT, where=lambda m: m.method == "sendPhoto")
        assert qr.photo is not None and qr.photo.startswith(b"\x89PNG")
        assert key_of(qr, app.texts) == "payment.request" and qr.parse_mode == "HTML"
        assert qr.callback_data  # "check the payment" and the like, under the code


async def test_while_the_disk_is_low_a_file_is_refused_unfetched_and_text_still_answered(
    app: Application, tg: FakeTelegram
) -> None:
    app.disk = DiskGuard(Path(app.settings.data_dir), 10**12)  # a floor no disk reaches
    async with polling(app, "ptb"):
        chat = Transcript(tg, app)
        await tg.user_document(CHAT, PDF, "giay-to.pdf")
        [paused] = await chat.next(1)
        assert key_of(paused, app.texts) == "upload.paused"
        assert "tạm ngừng nhận tệp" in (paused.text or "")
        assert tg.calls("getFile") == [] and staged_files(app) == []
        await tg.user_text(CHAT, "/start")
        assert await chat.keys(2) == ["common.welcome", "menu.main"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_a_blocked_chat_is_marked_inactive_and_the_bot_carries_on(
    app: Application, tg: FakeTelegram, framework: str
) -> None:
    key = ChatAddress(Platform.TELEGRAM, str(CHAT)).key
    async with polling(app, framework):
        chat = Transcript(tg, app)
        await tg.user_text(CHAT, "/start")
        await chat.next(2)
        tg.block_chat(CHAT)
        attempts = len(tg.calls("sendMessage"))
        await tg.user_text(CHAT, "/help")
        await eventually(lambda: _inactive(app, key))
        assert len(tg.calls("sendMessage")) == attempts + 1  # stopped at the first refusal
        assert chat.nothing_new()

        other = Transcript(tg, app, OTHER)
        await tg.user_text(OTHER, "/start")
        assert await other.keys(2) == ["common.welcome", "menu.main"]

        tg.unblock_chat(CHAT)
        await tg.deliver(member_update(tg, CHAT, "member"))
        await eventually(lambda: _active(app, key))
        await tg.deliver(member_update(tg, CHAT, "kicked"))
        await eventually(lambda: _inactive(app, key))


async def _inactive(app: Application, key: str) -> bool:
    return not await _active(app, key)


async def _active(app: Application, key: str) -> bool:
    async with app.uow_factory() as uow:
        return await uow.chats.is_active(key)


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_flood_control_is_waited_out_and_nothing_is_dropped(
    app: Application, tg: FakeTelegram, framework: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 23's form (22 warns about the int one)
    async with polling(app, framework):
        chat = Transcript(tg, app)
        tg.fail_next("sendMessage", 429, retry_after=1)
        await tg.user_text(CHAT, "/start")
        assert await chat.keys(2) == ["common.welcome", "menu.main"]  # one message
        assert len(tg.calls("sendMessage")) == 2  # the refused one, and again after the wait

        # Refused again: the reply waits, and the next one comes after it, never before.
        tg.fail_next("sendMessage", 429, retry_after=1, times=2)
        await tg.user_text(CHAT, "/cancel")
        await tg.user_text(CHAT, "/menu")
        assert await chat.keys(3) == ["common.cancelled", "menu.main", "menu.main"]
        assert len(tg.calls("sendMessage")) == 6  # each reply is one message


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_a_failure_in_polling_gets_an_apology_and_no_personal_data_is_logged(
    app: Application,
    tg: FakeTelegram,
    framework: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def database_down(update: Update) -> Reply:
        raise RuntimeError(f"database is down while saving {update.incoming.text!r}")

    async with polling(app, framework):
        chat = Transcript(tg, app)
        await tg.user_text(CHAT, "/start")
        await chat.next(2)
        monkeypatch.setattr(app.router, "handle", database_down)
        with caplog.at_level(logging.INFO):
            update = await tg.user_text(CHAT, f"CCCD {HOA_ID}")
            assert await chat.keys(1) == ["common.error"]
        failed = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
        assert failed and "RuntimeError" in failed[0] and f"{update['update_id']:x}" in failed[0]
        assert HOA_ID not in caplog.text and "CCCD" not in caplog.text
        monkeypatch.undo()
        await tg.user_text(CHAT, "/menu")
        assert await chat.keys(1) == ["menu.main"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_a_press_telegram_no_longer_lets_the_bot_answer_still_gets_its_step(
    app: Application, tg: FakeTelegram, framework: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A press that waited too long (a slow network, the bot busy, a redelivery): Telegram
    refuses its answerCallbackQuery ("query is too old"). The press is still a press: its step
    runs and replies, and the chat goes on."""
    async with polling(app, framework):
        chat = Transcript(tg, app)
        await tg.user_text(CHAT, "/start")
        _, menu = await chat.next(2)
        press = await tg.user_press(CHAT, menu.message_id, "m:search", deliver=False)
        tg.state.open_callbacks.pop(press["callback_query"]["id"])  # its answer window closed
        with caplog.at_level(logging.INFO):
            await tg.deliver(press)
            assert await chat.keys(1) == ["search.ask"]
        [refused] = tg.calls("answerCallbackQuery")
        assert refused["callback_query_id"] == press["callback_query"]["id"]
        assert tg.callback_answers == []  # Telegram took no answer
        assert "callback query not answered" in caplog.text  # noted, not raised
        await tg.user_text(CHAT, "dang ky tam tru")
        assert await chat.keys(1) == ["search.results_page"]


async def test_aiogram_keeps_a_chats_updates_in_order(
    app: Application, tg: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiogram handles each update in a task of its own: a slow download must not let the
    chat's next message overtake it."""
    async with polling(app, "aiogram") as telegram:
        chat = Transcript(tg, app)
        await tg.user_text(CHAT, "/start")
        await chat.next(2)
        api = telegram.channel.api
        download = api.file_bytes

        async def slow(file_id: str) -> bytes:
            await asyncio.sleep(0.4)
            return await download(file_id)

        monkeypatch.setattr(api, "file_bytes", slow)
        document = await tg.user_document(CHAT, PDF, "a.pdf", deliver=False)
        text = await tg.user_text(CHAT, "/help", deliver=False)
        await tg.deliver(document)  # both wait in one getUpdates batch
        await tg.deliver(text)
        first, second, third = await chat.keys(3)
        assert [first, second] == ["common.unexpected_upload", "menu.main"]
        assert third == "common.help"


def test_ptb_and_aiogram_hand_over_updates_as_telegram_sent_them() -> None:
    sizes = [{"file_id": "AgAC1", "file_unique_id": "p", "width": 90, "height": 90}]
    samples = [
        message(
            text="/start@dvc_test_bot",
            entities=[{"type": "bot_command", "offset": 0, "length": 19}],
        ),
        message(contact={"phone_number": HOA_PHONE, "first_name": "Hoa", "user_id": USER["id"]}),
        message(photo=sizes),
        message(document={"file_id": "BQAC", "file_unique_id": "d", "file_name": "a.pdf"}),
        message(location={"latitude": 22.66, "longitude": 106.25}),
        message(sticker=STICKER),
        message(text="x", chat=GROUP),
    ]
    for update in samples:
        ptb = PtbUpdate.de_json(copy.deepcopy(update), None)
        aiogram = AiogramUpdate.model_validate(copy.deepcopy(update))
        assert ptb is not None
        expected = parse_update(update)
        assert parse_update(ptb.to_dict()) == expected
        assert parse_update(aiogram.model_dump(mode="json", exclude_none=True, by_alias=True)) == (
            expected
        )


# -- webhook, both libraries -------------------------------------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_webhook_secret_redelivery_and_failure(
    app: Application, tg: FakeTelegram, framework: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}{PATH}"
    configure(app, framework, webhook_url=url)
    telegram = build_telegram(app)
    assert telegram is not None and telegram.webhook
    http = create_http_app(app)
    http.include_router(telegram.webhook_router())
    async with serving(http, port), Senders.running(app):
        await telegram.start()
        try:
            config = tg.updates.webhook.config
            assert config is not None and (config.url, config.secret_token) == (url, SECRET)
            chat = Transcript(tg, app)
            start = await tg.user_text(CHAT, "/start")
            assert tg.deliveries[-1].statuses == [200]
            assert await chat.keys(2) == ["common.welcome", "menu.main"]  # queued before the 200

            forged = await tg.user_text(CHAT, "/help", deliver=False)
            wrong = await tg.deliver(forged, secret_token="not-the-secret", retries=0)
            missing = await tg.deliver(forged, secret_token=None, retries=0)
            assert wrong is not None and wrong.statuses == [401]
            assert missing is not None and missing.statuses == [401]
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                malformed = await client.post(PATH, content=b"{", headers={SECRET_HEADER: SECRET})
            assert malformed.status_code == 400

            again = await tg.redeliver(start)
            assert again.statuses == [200]
            assert chat.nothing_new()  # applied once, answered once

            attempts: list[str] = []
            handle = app.router.handle

            async def down_once(update: Update) -> Reply:
                attempts.append(update.update_id)
                if len(attempts) == 1:
                    raise RuntimeError("database is down")
                return await handle(update)

            monkeypatch.setattr(app.router, "handle", down_once)
            search = await tg.user_text(CHAT, "dang ky tam tru")
            assert tg.deliveries[-1].statuses == [500, 200]  # Telegram delivered it again
            assert attempts == [str(search["update_id"])] * 2
            assert await chat.keys(1) == ["search.results_page"]
            monkeypatch.undo()

            assert (await tg.deliver(forged)).statuses == [200]  # type: ignore[union-attr]
            assert await chat.keys(2) == ["common.help", "search.results_page"]  # applied now
            assert chat.nothing_new()
        finally:
            await telegram.stop()
