"""A citizen's chat on any of the paths, for one journey written once (test_every_channel):
a driver per channel acts on that channel's wire — the fake Bot API, the fake Zalo OA, the
web chat's JSON API — and reads back what the citizen was shown.

Each driver knows an answer by two things: its catalogue ids (`keys`: what the router recorded
for the update, or on the web chat what its JSON names; so the steps survive a change of
wording) and what reached the citizen (`said` and `choices`: the texts and the buttons on the
wire, which the steps read and press).
"""

from __future__ import annotations

import asyncio
import html
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.bootstrap import Application
from bot.channels.telegram_render import SendMedia, keyboard_after, render_outbox
from conversations.compaction import compact
from conversations.messages import ChatAddress, Outgoing, Platform
from services.codec import from_json
from tests.e2e.fakes import FakeTelegram, FakeZalo, SentMessage, ZaloDelivery, ZaloSent
from tests.e2e.reply_parts import delivered
from tests.privacy import note_codes
from tests.web_session import session_address

WAIT = 15.0  # seconds: a deadline for what the bot does on its own, never an expectation
Check = Callable[[], Awaitable[Any]]


@dataclass(frozen=True)
class Choice:
    """A button as the citizen sees it, and what pressing it sends."""

    title: str
    payload: str


class StartedClock:
    """Real time, starting at a fixed moment: every path files on the same day, so codes and
    due dates compare, whenever the suite runs (even across midnight)."""

    def __init__(self, start: datetime) -> None:
        self._start, self._origin = start, time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)


async def until(check: Check, what: str) -> Any:
    """Poll an async check until it returns something truthy (state no fake can signal)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if found := await check():
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


async def recorded(app: Application, address: ChatAddress, update_id: str) -> list[Outgoing]:
    """The replies the router recorded for an update (waiting until it has been applied)."""

    async def load() -> list[Outgoing] | None:
        async with app.uow_factory() as uow:
            stored = await uow.conversations.load(address.key, update_id)
        return None if stored.replies is None else [from_json(Outgoing, r) for r in stored.replies]

    return list(await until(load, f"update {update_id} applied in {address.key}"))


def plain(markup: str) -> str:
    """HTML as the citizen reads it."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup.replace("<br>", "\n")))


class Chat(ABC):
    """One citizen's chat on one path."""

    address: ChatAddress
    keys: list[str]  # catalogue ids of the bot's answer to the last action (not of pushes)
    said: list[str]  # that answer as read, one plain text per message on the wire
    choices: list[Choice]  # the buttons under it

    def __init__(self, app: Application, address: ChatAddress) -> None:
        self.app, self.address = app, address
        self.keys, self.said, self.choices = [], [], []

    def text(self) -> str:
        """The whole answer as read."""
        return "\n".join(self.said)

    def question(self) -> str:
        """The answer's last message: what the bot asks now."""
        return self.said[-1] if self.said else ""

    @abstractmethod
    async def send(self, text: str) -> None:
        """Type a message."""

    @abstractmethod
    async def press_payload(self, payload: str) -> None:
        """Press the button that sends `payload`."""

    @abstractmethod
    async def upload(self, name: str, content: bytes) -> None:
        """Attach a file."""

    @abstractmethod
    async def pushed(self, expect: str, delivered: Check) -> list[str]:
        """Wait for messages the bot sends on its own, until one holds `expect` and
        `delivered` holds (every part of it is out); their texts."""

    @abstractmethod
    async def pictures(self) -> list[bytes]:
        """The images of the last answer (a QR code to scan, a receipt)."""

    async def give_phone(self, phone: str) -> None:
        """Answer "your phone number?" (typed, where the platform cannot share a contact)."""
        await self.send(phone)

    async def press(self, label: str) -> None:
        """Press the button whose title holds `label`."""
        found = next((c for c in self.choices if label in c.title), None)
        assert found is not None, f"no button {label!r} in {[c.title for c in self.choices]}"
        await self.press_payload(found.payload)

    def otp(self) -> str:
        """The code from the development SMS inbox (the citizen's phone)."""
        sms = self.app.sms.inbox.for_chat(self.address.key)[-1].text  # type: ignore[attr-defined]
        note_codes(sms)
        code = re.search(r"\b\d{6}\b", sms)
        assert code is not None, "no code in the SMS"
        return code.group(0)


class TelegramChat(Chat):
    """A private chat with the bot, through python-telegram-bot or aiogram."""

    def __init__(self, app: Application, tg: FakeTelegram, chat_id: int) -> None:
        super().__init__(app, ChatAddress(Platform.TELEGRAM, str(chat_id)))
        self.tg, self.chat_id, self.seen = tg, chat_id, 0
        self.wire: list[SentMessage] = []
        self.keyboard = False  # the share-phone keyboard shows

    async def _answer(self, update: dict[str, Any]) -> None:
        """Read the answer to `update`: what the router recorded, then as many messages as
        rendering that gives — which must be exactly what was rendered."""
        replies = await recorded(self.app, self.address, str(update["update_id"]))
        lang = await self.app.router.lang_of(self.address)
        operations = []  # as the paced sender renders the queued reply (bot.senders)
        for message in compact(replies):
            ops = render_outbox(message, lang, self.app.texts, True, self.keyboard)
            after = keyboard_after(ops)
            self.keyboard = self.keyboard if after is None else after
            operations += ops
        sent = await self.tg.wait_for(self.chat_id, self.seen + len(operations), timeout=WAIT)
        self.wire = sent[self.seen : self.seen + len(operations)]
        self.seen += len(operations)
        expected = [op.caption_html if isinstance(op, SendMedia) else op.html for op in operations]
        assert [m.text if m.method == "sendMessage" else m.caption for m in self.wire] == expected
        self.keys = [m.text.key for m in replies]
        self._read(self.wire)

    def _read(self, wire: list[SentMessage]) -> None:
        self.said = [plain(m.text or m.caption or "") for m in wire]
        self.choices = [Choice(b["text"], b["callback_data"]) for m in wire for b in m.buttons]

    async def send(self, text: str) -> None:
        await self._answer(await self.tg.user_text(self.chat_id, text))

    async def press_payload(self, payload: str) -> None:
        message = next(m for m in reversed(self.wire) if payload in m.callback_data)
        await self._answer(await self.tg.user_press(self.chat_id, message.message_id, payload))

    async def upload(self, name: str, content: bytes) -> None:
        await self._answer(await self.tg.user_document(self.chat_id, content, name))

    async def pictures(self) -> list[bytes]:
        return [m.photo for m in self.wire if m.photo]

    async def give_phone(self, phone: str) -> None:
        """Telegram shares the account's own number with the keyboard button."""
        assert self.wire[-1].reply_markup is not None, "no share-phone keyboard"
        assert self.wire[-1].reply_markup["keyboard"][0][0]["request_contact"] is True
        await self._answer(await self.tg.user_contact(self.chat_id, phone))

    async def pushed(self, expect: str, delivered: Check) -> list[str]:
        def holds(m: SentMessage) -> bool:
            return expect in (m.text or m.caption or "")

        earlier = sum(1 for m in self.tg.sent(self.chat_id)[: self.seen] if holds(m))
        await self.tg.wait_for(self.chat_id, earlier + 1, where=holds, timeout=WAIT)
        await until(delivered, "the push delivered")
        sent = self.tg.sent(self.chat_id)
        self.wire, self.seen = sent[self.seen :], len(sent)
        self._read(self.wire)
        return self.said


class ZaloChat(Chat):
    """A Zalo user writing to the official account (query buttons send their payload)."""

    def __init__(self, app: Application, zalo: FakeZalo, user_id: str) -> None:
        super().__init__(app, ChatAddress(Platform.ZALO, user_id))
        self.zalo, self.user_id, self.seen = zalo, user_id, 0
        self.wire: list[ZaloSent] = []
        self.replies: list[Outgoing] = []

    async def _deliver(self, send: Callable[..., Awaitable[ZaloDelivery]], *args: Any) -> None:
        delivery = await send(self.user_id, *args)
        assert delivery.status == 200, delivery.body  # answered once recorded
        assert self.app.zalo is not None
        await self.app.zalo.drained()  # then applied, the replies queued
        await delivered(self.app, self.address.key, WAIT)  # the paced sender sends them
        message = delivery.event["message"]
        if message.get("text") != "#more":  # paging is the channel's own: nothing recorded
            self.replies = await recorded(self.app, self.address, str(message["msg_id"]))
            self.keys = [m.text.key for m in self.replies]
        self._read_new()

    def question(self) -> str:
        """Zalo splits a message into a text and a list, and joins texts: read the last
        message as the channel rendered it (plain, see zalo_render)."""
        return self.app.texts.plain(self.replies[-1].text, "vi").strip()

    def _read_new(self) -> None:
        sent = self.zalo.sent(self.user_id)
        self.wire, self.seen = sent[self.seen :], len(sent)
        self.said = [_zalo_text(m) for m in self.wire if _zalo_text(m)]
        self.choices = [
            Choice(str(b["title"]), str(b["payload"]).removeprefix("#"))
            for m in self.wire
            for b in m.buttons
        ]

    async def send(self, text: str) -> None:
        await self._deliver(self.zalo.user_text, text)

    async def press_payload(self, payload: str) -> None:
        await self.send("#" + payload)

    async def press(self, label: str) -> None:
        """Page with "➕ Xem thêm" until the button shows (a list holds five)."""
        for _ in range(10):
            if any(label in c.title for c in self.choices):
                break
            if not any(c.payload == "more" for c in self.choices):
                break
            await self.send("#more")
        await super().press(label)

    async def upload(self, name: str, content: bytes) -> None:
        await self._deliver(self.zalo.user_file, content, name)

    async def pictures(self) -> list[bytes]:
        banners = [  # a transaction message (a pushed receipt) shows its image as a banner
            e.get("attachment_id")
            for m in self.wire
            if m.kind == "transaction"
            for e in m.elements
            if e.get("type") == "banner"
        ]
        media = [m.attachment_id for m in self.wire if m.kind == "media"]
        return [self.zalo.attachments[key].data for key in [*media, *banners] if key]

    async def pushed(self, expect: str, delivered: Check) -> list[str]:
        def holds(m: ZaloSent) -> bool:
            return expect in _zalo_text(m)

        earlier = sum(1 for m in self.zalo.sent(self.user_id)[: self.seen] if holds(m))
        await self.zalo.wait_for(self.user_id, earlier + 1, where=holds, timeout=WAIT)
        await until(delivered, "the push delivered")
        self._read_new()
        return self.said


def _zalo_text(sent: ZaloSent) -> str:
    """The words of a message: a list is headed by its text (title, then subtitle)."""
    if sent.kind == "list":
        if not sent.elements:
            return ""
        head = sent.elements[0]
        return f"{head.get('title', '')}\n{head.get('subtitle', '')}".strip()
    return sent.text or ""


class WebChat(Chat):
    """A browser tab of the web chat, through its JSON API as the page calls it (the browser
    itself is driven in test_filing_web.py)."""

    def __init__(self, app: Application, http: httpx.AsyncClient, chat_id: str) -> None:
        # `chat_id` names the tab for the reader; the server maps the session cookie (kept
        # in the client's jar) to the chat, which `address` becomes after the first answer.
        super().__init__(app, ChatAddress(Platform.WEB, chat_id))
        self.http, self.chat_id, self.seq, self.after = http, chat_id, 0, 0
        self.messages: list[dict[str, Any]] = []
        self.bound = False

    async def _bind(self) -> None:
        if not self.bound:
            self.address = await session_address(self.app, self.http.cookies["dvc_chat"])
            self.bound = True

    def _read(self, messages: list[dict[str, Any]]) -> None:
        self.messages = messages
        self.said = [plain(m["html"]) for m in messages]
        self.choices = [
            Choice(b["label"], b["payload"]) for m in messages for row in m["buttons"] for b in row
        ]

    async def send(self, text: str) -> None:
        await self._message(text=text)

    async def press_payload(self, payload: str) -> None:
        await self._message(payload=payload)

    async def _message(self, **body: str) -> None:
        self.seq += 1
        response = await self.http.post("/chat/api/message", json={"seq": self.seq, **body})
        self._take(response)
        await self._bind()

    async def upload(self, name: str, content: bytes) -> None:
        self.seq += 1
        response = await self.http.post(
            "/chat/api/upload",
            data={"seq": str(self.seq)},
            files={"file": (name, content, "application/pdf")},
        )
        self._take(response)
        await self._bind()

    async def pictures(self) -> list[bytes]:
        found: list[bytes] = []
        for message in self.messages:
            if message["kind"] == "image" and message["media"]:
                response = await self.http.get(message["media"])
                assert response.status_code == 200
                found.append(response.content)
        return found

    def _take(self, response: httpx.Response) -> None:
        assert response.status_code == 200, response.text
        self._read(response.json()["messages"])
        self.keys = [m["key"] for m in self.messages]

    async def pushed(self, expect: str, delivered: Check) -> list[str]:
        fresh: list[dict[str, Any]] = []

        async def arrived() -> bool:
            response = await self.http.get("/chat/api/events", params={"after": self.after})
            events = response.json()["events"]
            if events:
                self.after = max(e["id"] for e in events)
                fresh.extend(e["message"] for e in events)
            return any(expect in m["html"] for m in fresh)

        await until(arrived, f"a pushed message with {expect!r}")
        await arrived()  # the page's next poll: acknowledges what it has shown
        await until(delivered, "the push delivered")
        self._read(fresh)
        return self.said
