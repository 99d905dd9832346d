"""Fifty citizens press /start at the same moment, Telegram's limits enforced by the fake
Bot API (30 messages a second, one a second per chat): every chat gets its whole reply, once,
in order — what a lone chat gets — with PTB and aiogram, by polling and by webhook. Replies
go through the outbox and the paced sender (conversations.router.Update.deliver)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from bot.bootstrap import Application, build
from bot.channels.telegram_runtime import build_telegram
from bot.sender_loop import Senders
from bot.settings import Settings
from bot.web.app import create_http_app
from conversations.messages import say
from services.codec import to_json
from services.outbox import OutboxStatus
from storage.tables import OutboxRow
from tests.e2e.fakes import FakeTelegram, free_port
from tests.e2e.reply_parts import delivered
from tests.e2e.test_telegram_channel import PATH, Sleeps, configure, serving

pytestmark = pytest.mark.timeout(120)

CHATS = 50
FIRST = 8_000_001
LONE = 8_999_999
MODES = [(f, m) for f in ("ptb", "aiogram") for m in ("polling", "webhook")]


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(webhook_retries=2, retry_delay=0.05) as fake:
        yield fake


@pytest.fixture
async def app(
    tmp_path: Path, tg: FakeTelegram, seeded_database: Path
) -> AsyncIterator[Application]:
    shutil.copyfile(seeded_database, tmp_path / "db.sqlite3")
    settings = Settings(  # Telegram's limits, as in production
        database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        data_dir=tmp_path,
        telegram_bot_token=tg.token,
        telegram_api_base_url=tg.url,
        payment_simulator=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    application = await build(settings, prepare=False)
    yield application
    await application.close()


@contextlib.asynccontextmanager
async def channel(app: Application, framework: str, mode: str) -> AsyncIterator[None]:
    """The Telegram channel in `mode`, without its senders."""
    if mode == "polling":
        configure(app, framework)
        runtime = build_telegram(app, poll_timeout=1, sleep=Sleeps())
        assert runtime is not None
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()
        return
    port = free_port()
    configure(app, framework, webhook_url=f"http://127.0.0.1:{port}{PATH}")
    runtime = build_telegram(app)
    assert runtime is not None and runtime.webhook
    http = create_http_app(app)
    http.include_router(runtime.webhook_router())
    async with serving(http, port):
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()


class RateLog:
    """Every send the fake counted against its limits: (time, chat, retry_after or 0)."""

    def __init__(self, tg: FakeTelegram) -> None:
        self.entries: list[tuple[float, int, int]] = []
        check = tg.faults.check_rate

        def logged(chat_id: int) -> Any:
            refused = check(chat_id)
            wait = int(refused.parameters["retry_after"]) if refused is not None else 0
            self.entries.append((time.monotonic(), chat_id, wait))
            return refused

        tg.faults.check_rate = logged  # type: ignore[method-assign]

    def honoured(self) -> bool:
        """After each 429, nothing was sent before its retry_after passed."""
        for at, _, wait in self.entries:
            if wait and any(at < t < at + wait - 0.05 for t, _, w in self.entries if not w):
                return False
        return True


def seen(tg: FakeTelegram, chat: int) -> list[tuple[str, str]]:
    """What the citizen sees in a chat: each message's text and buttons, in order."""
    return [(m.text or m.caption or "", repr(m.reply_markup)) for m in tg.sent(chat)]


def statuses(app: Application, chat_key: str) -> list[str]:
    table = OutboxRow.__table__  # type: ignore[attr-defined]
    engine = create_engine(app.engine.url.set(drivername="sqlite+pysqlite"))
    try:
        with engine.connect() as connection:
            query = select(table.c.status).where(table.c.recipient == chat_key)
            return [row[0] for row in connection.execute(query.order_by(table.c.id))]
    finally:
        engine.dispose()


@pytest.mark.parametrize(("framework", "mode"), MODES)
async def test_fifty_chats_at_once_each_get_their_whole_reply_once_and_in_order(
    app: Application, tg: FakeTelegram, framework: str, mode: str
) -> None:
    tg.enforce_rate(global_per_s=30, per_chat_per_s=1)
    rates = RateLog(tg)
    async with channel(app, framework, mode), Senders.running(app):
        await tg.user_text(LONE, "/start")
        await tg.wait_for(LONE, 1, timeout=30)
        await delivered(app, f"telegram:{LONE}")
        alone = seen(tg, LONE)
        assert alone  # one message: the welcome and the menu joined, with its buttons
        updates = [await tg.user_text(FIRST + n, "/start", deliver=False) for n in range(CHATS)]
        await tg.deliver_many(updates)  # all at the same moment
        for n in range(CHATS):
            await tg.wait_for(FIRST + n, len(alone), timeout=30)
        for n in range(CHATS):
            await delivered(app, f"telegram:{FIRST + n}", seconds=30)
    for n in range(CHATS):
        assert seen(tg, FIRST + n) == alone, f"chat {FIRST + n}"  # all of it, once, in order
    assert rates.honoured()
    assert len([e for e in rates.entries if not e[2]]) == (CHATS + 1) * len(alone)


async def test_a_reply_to_a_chat_that_blocked_the_bot_is_recorded_and_the_chat_marked(
    app: Application, tg: FakeTelegram
) -> None:
    key = f"telegram:{FIRST}"
    async with channel(app, "ptb", "polling"), Senders.running(app):
        tg.block_chat(FIRST)
        await tg.user_text(FIRST, "/start")
        for _ in range(1000):
            if statuses(app, key) and not await _active(app, key):
                break
            await asyncio.sleep(0.01)
        async with app.uow_factory() as uow:
            assert not await uow.chats.is_active(key)
        assert statuses(app, key) == [OutboxStatus.UNDELIVERABLE.value]
        # A status update for the same chat later (as the scheduler queues one) is not tried:
        # the chat is known to be gone.
        async with app.uow_factory() as uow:
            notice = to_json(say("common.welcome"))
            assert await uow.outbox.enqueue(key, "status:1", notice, app.clock.now())
            await uow.commit()
        for _ in range(1000):
            if statuses(app, key)[-1] != OutboxStatus.PENDING.value:
                break
            await asyncio.sleep(0.01)
    assert statuses(app, key) == [OutboxStatus.UNDELIVERABLE.value] * 2
    assert tg.sent(FIRST) == []
    tried = [c for c in tg.calls("sendMessage") if str(c.get("chat_id")) == str(FIRST)]
    assert len(tried) == 1  # the first reply, refused; the status update never called


async def test_replies_queued_while_no_sender_runs_are_sent_once_after_a_restart(
    app: Application, tg: FakeTelegram
) -> None:
    chats = [FIRST + n for n in range(3)]
    async with channel(app, "aiogram", "polling"):
        for chat in chats:
            await tg.user_text(chat, "/start")
        for _ in range(500):  # applied and queued: the senders are down
            if all(statuses(app, f"telegram:{c}") for c in chats):
                break
            await asyncio.sleep(0.01)
        assert all(statuses(app, f"telegram:{c}") == ["pending"] for c in chats)
        assert all(tg.sent(c) == [] for c in chats)
        async with Senders.running(app):  # the scheduler starts again
            for chat in chats:
                await delivered(app, f"telegram:{chat}")
        async with Senders.running(app):  # and once more: nothing goes out twice
            await delivered(app, f"telegram:{chats[0]}")
    assert [len(tg.sent(c)) for c in chats] == [1, 1, 1]


async def _active(app: Application, key: str) -> bool:
    async with app.uow_factory() as uow:
        return await uow.chats.is_active(key)
