"""50 chats at once through the Telegram webhook, with PTB's and with aiogram's Bot API client.

Telegram sends a chat's updates one after another (the next once the last is answered) and
different chats' updates concurrently; after a timeout it delivers an update again, possibly
while the first delivery is still being handled. Here every chat walks a script whose replies
depend on the order of its steps (a page, then a result of that page, a language switch, then
"back" to the list…), some updates are delivered twice at once and some again at the end.
Each chat must get, step by step, exactly the replies a lone chat gets for the same script,
and the router must have recorded each update once, in the chat's update order.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import shutil
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from bot.bootstrap import Application, build
from bot.channels.telegram_runtime import TelegramRuntime, build_telegram
from bot.channels.telegram_webhook import PATH
from bot.sender_loop import Senders
from bot.settings import BotFramework, Settings
from bot.web.app import create_http_app
from tests.e2e.fakes import FakeTelegram, SentMessage, free_port
from tests.e2e.fakes.telegram_delivery import Delivery

pytestmark = pytest.mark.timeout(120)

CHATS = 50  # every reply now waits for the paced sender: 50 keep the suite fast
FIRST_CHAT, FIRST_REFERENCE = 7_000_001, 6_000_001
SECRET = "concurrency-Secret_1"

# A step is a text the user types, or ("press", prefix): the first inline button whose
# callback_data starts with `prefix`, on the newest bot message that has one.
Step = str | tuple[str, str]
SCRIPTS: tuple[tuple[Step, ...], ...] = (
    ("/start", "dang ky", ("press", "pg:r:1"), ("press", "p:r:"), "/lang", ("press", "l:en")),
    ("tam tru", ("press", "p:r:dang_ky_tam_tru"), ("press", "d:back"), ("press", "p:r:gia_han"),
     "/lang", ("press", "l:en")),
    ("/start", "/lang", ("press", "l:en"), "giay phep", ("press", "p:r:"), "/help"),
)  # fmt: skip
FRAMEWORKS = ["ptb", "aiogram"]

Reply = tuple[str, str, str]  # method, text or caption, reply_markup


def reply_of(sent: SentMessage) -> Reply:
    """What the citizen sees of one bot message (not its message id)."""
    return sent.method, sent.text or sent.caption or "", repr(sent.reply_markup)


# -- the app behind a webhook -------------------------------------------------------------------


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
        telegram_rate_per_second=1000,  # the fake enforces no limits here
        telegram_chat_interval_seconds=0,
        sender_concurrency=32,
        payment_simulator=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    application = await build(settings, prepare=False)
    yield application
    await application.close()


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


@contextlib.asynccontextmanager
async def webhook(app: Application, framework: str) -> AsyncIterator[TelegramRuntime]:
    """The Telegram channel of `app` in webhook mode, set with the fake Bot API."""
    port = free_port()
    app.settings = app.settings.model_copy(
        update={
            "bot_framework": BotFramework(framework),
            "telegram_webhook_url": f"http://127.0.0.1:{port}{PATH}",
            "telegram_webhook_secret": SecretStr(SECRET),
        }
    )
    telegram = build_telegram(app)
    assert telegram is not None and telegram.webhook
    http = create_http_app(app)
    http.include_router(telegram.webhook_router())
    async with serving(http, port), Senders.running(app):  # they send the replies
        await telegram.start()
        try:
            yield telegram
        finally:
            await telegram.stop()


class InFlight:
    """Counts the updates the channel is handling at once."""

    def __init__(self, handle: Callable[[Mapping[str, Any], bool], Awaitable[str]]) -> None:
        self._handle, self.now, self.most = handle, 0, 0

    async def __call__(self, update: Mapping[str, Any], answer: bool = True) -> str:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            return await self._handle(update, answer)
        finally:
            self.now -= 1


# -- one chat walking its script ------------------------------------------------------------------


class Recorded:
    """The router's processed_update table, read beside the app (SQLite in WAL mode)."""

    def __init__(self, app: Application) -> None:
        path = app.settings.database_url.split("///", 1)[1]
        self._db = sqlite3.connect(path)

    def close(self) -> None:
        self._db.close()

    def has(self, chat: int, update_id: int) -> bool:
        """Whether the update is recorded (committed) for the chat."""
        row = self._db.execute(
            "SELECT 1 FROM processed_update WHERE chat_key = ? AND update_id = ?",
            (f"telegram:{chat}", str(update_id)),
        ).fetchone()
        return row is not None

    async def delivered(self, chat: int) -> None:
        """Wait until every message queued for the chat is out (sent, or given up)."""
        for _ in range(3000):
            row = self._db.execute(
                "SELECT count(*) FROM outbox WHERE recipient = ? AND status IN (?, ?)",
                (f"telegram:{chat}", "pending", "sending"),
            ).fetchone()
            if row[0] == 0:
                return
            await asyncio.sleep(0.01)
        rows = self._db.execute(
            "SELECT id, event, status, attempts, error, not_before, priority FROM outbox"
            " WHERE recipient = ?",
            (f"telegram:{chat}",),
        ).fetchall()
        raise AssertionError(f"chat {chat}: replies still queued: {rows}")

    def by_chat(self) -> dict[str, list[str]]:
        """The update ids recorded per chat, in the order they were recorded."""
        rows = self._db.execute("SELECT chat_key, update_id FROM processed_update ORDER BY rowid")
        recorded: dict[str, list[str]] = {}
        for chat_key, update_id in rows:
            recorded.setdefault(chat_key, []).append(update_id)
        return recorded


@dataclass
class Walk:
    """One chat's script, what was delivered, and the replies of each step."""

    tg: FakeTelegram
    connections: asyncio.Semaphore  # Telegram's max_connections, shared by every chat
    recorded: Recorded
    chat: int
    script: tuple[Step, ...]
    twice: frozenset[int] = frozenset()  # steps delivered twice at once
    again_at_end: int | None = None  # a step delivered again once the script is done
    update_ids: list[int] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    replies: list[list[Reply]] = field(default_factory=list)  # per delivered step
    sent: list[SentMessage] = field(default_factory=list)  # every bot message in the chat
    pressed: list[str] = field(default_factory=list)  # callback query ids
    unrecorded_when_answered: list[int] = field(default_factory=list)

    async def run(self) -> None:
        updates = []
        for number, step in enumerate(self.script):
            update = await self._update(step)
            updates.append(update)
            self.update_ids.append(update["update_id"])
            if "callback_query" in update:
                self.pressed.append(update["callback_query"]["id"])
            await self._deliver(update, copies=2 if number in self.twice else 1)
        if self.again_at_end is not None:
            await self._deliver(updates[self.again_at_end], copies=1)

    async def _deliver(self, update: dict[str, Any], copies: int) -> None:
        outbox = self.tg.state.outbox
        start = len(outbox)
        self.deliveries += await asyncio.gather(*(self._post(update) for _ in range(copies)))
        if not self.recorded.has(self.chat, update["update_id"]):  # answered 200 before commit
            self.unrecorded_when_answered.append(update["update_id"])
        # The answer comes once the replies are queued (and Telegram sends the chat's next
        # update only after the answer); the citizen reads them once the sender delivered.
        await self.recorded.delivered(self.chat)
        new = [m for m in outbox[start:] if m.chat_id == self.chat]
        self.sent += new
        self.replies.append([reply_of(m) for m in new])

    async def _post(self, update: dict[str, Any]) -> Delivery:
        async with self.connections:
            delivery = await self.tg.deliver(update)  # a POST, retried while not answered 2xx
        assert delivery is not None
        return delivery

    async def _update(self, step: Step) -> dict[str, Any]:
        if isinstance(step, str):
            return await self.tg.user_text(self.chat, step, deliver=False)
        _, prefix = step
        for sent in reversed(self.sent):
            data = [d for d in sent.callback_data if d.startswith(prefix)]
            if data:
                return await self.tg.user_press(self.chat, sent.message_id, data[0], deliver=False)
        raise AssertionError(f"chat {self.chat}: no button {prefix!r} to press")


# -- the test ------------------------------------------------------------------------------------


@pytest.fixture
def recorded(app: Application) -> Iterator[Recorded]:
    table = Recorded(app)
    yield table
    table.close()


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_50_chats_at_once_get_their_replies_in_order_and_once(
    app: Application, tg: FakeTelegram, recorded: Recorded, framework: str
) -> None:
    async with webhook(app, framework) as telegram:
        in_flight = InFlight(telegram.channel.handle)
        telegram.channel.handle = in_flight  # type: ignore[method-assign]
        config = tg.updates.webhook.config
        assert config is not None
        connections = asyncio.Semaphore(config.max_connections)

        # What one chat alone gets for each script, step by step: an answer to every step,
        # and a different one each time.
        references = [
            Walk(tg, connections, recorded, FIRST_REFERENCE + n, script)
            for n, script in enumerate(SCRIPTS)
        ]
        for reference in references:
            await reference.run()
            assert all(reference.replies), reference.replies
            assert len({tuple(r) for r in reference.replies}) == len(reference.replies)
        assert in_flight.most == 1

        rng = random.Random(20251125)
        walks = []
        for n in range(CHATS):
            script = SCRIPTS[n % len(SCRIPTS)]
            steps = range(len(script))
            twice = frozenset(rng.sample(steps, 2)) if n % 3 == 0 else frozenset()
            again = rng.choice(steps) if n % 4 == 0 else None
            walks.append(Walk(tg, connections, recorded, FIRST_CHAT + n, script, twice, again))
        rng.shuffle(walks)  # chats of every script start side by side
        await asyncio.gather(*(walk.run() for walk in walks))

    # Updates arrive side by side (up to max_connections); applying one no longer waits for
    # its replies to be sent (the paced sender does that), so on SQLite, whose statements run
    # inline, the channel applies them one after another: order and once-only still hold.
    by_chat = recorded.by_chat()
    for walk in walks:
        reference = references[(walk.chat - FIRST_CHAT) % len(SCRIPTS)]
        again = [[]] if walk.again_at_end is not None else []  # a redelivery changes nothing
        assert walk.replies == reference.replies + again, f"chat {walk.chat}"
        assert [d.statuses for d in walk.deliveries] == [[200]] * len(walk.deliveries)
        assert walk.unrecorded_when_answered == []
        assert by_chat[f"telegram:{walk.chat}"] == [str(u) for u in walk.update_ids]
    assert len(by_chat) == CHATS + len(SCRIPTS)  # and nothing else was recorded
    # Every press is answered once (the webhook's answer carries answerCallbackQuery; the
    # fake refuses to answer a query twice, as after a duplicate delivery of a press).
    pressed = [query for walk in [*references, *walks] for query in walk.pressed]
    assert sorted(a.callback_query_id for a in tg.callback_answers) == sorted(pressed)
    assert {e.status for e in tg.reply_errors} <= {400}
