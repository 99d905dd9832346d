"""Telegram polling through the inbox, with the real PTB and aiogram clients against the fake
Bot API: an update is confirmed to Telegram (the next getUpdates offset) only once it is
recorded, a run that stops before applying it leaves it for the next run, which applies it
once; an update that keeps failing is retried a few times, then the citizen is told, once."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.bootstrap import Application, build
from bot.channels.telegram_runtime import TelegramRuntime, build_telegram
from bot.sender_loop import Senders
from bot.senders import build_transports
from bot.settings import BotFramework, Settings
from conversations.router import Reply, Update
from services.inbox import MAX_ATTEMPTS
from tests.e2e.fakes import FakeTelegram
from tests.e2e.fakes.request_params import Params
from tests.e2e.reply_parts import delivered

pytestmark = pytest.mark.timeout(60)
CHAT = 5101
FRAMEWORKS = ["ptb", "aiogram"]


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def database(tmp_path: Path, seeded_database: Path) -> Path:
    shutil.copyfile(seeded_database, tmp_path / "db.sqlite3")
    return tmp_path / "db.sqlite3"


Run = tuple[Application, TelegramRuntime, Senders]


async def started(database: Path, tg: FakeTelegram, framework: str) -> Run:
    """A run of the bot: the application, its polling and its paced senders (started)."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{database}",
        data_dir=database.parent,
        secret_key=SecretStr("inbox-tests-secret-key-0123456789-abcdefghijkl"),
        telegram_bot_token=SecretStr(tg.token),
        telegram_api_base_url=tg.url,
        bot_framework=BotFramework(framework),
        payment_simulator=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = await build(settings, prepare=False)
    runtime = build_telegram(app, poll_timeout=1)
    assert runtime is not None and runtime.applier is not None
    await runtime.start()
    senders = Senders(app, await build_transports(app))
    senders.start()
    return app, runtime, senders


async def stopped(run: Run) -> None:
    app, runtime, senders = run
    await runtime.stop()
    await senders.stop()
    await senders.close()
    await app.close()


async def settled(tg: FakeTelegram, run: Run) -> None:
    """Until Telegram has handed over every update (confirmed: so recorded), the applier
    has applied what it recorded and the paced sender has sent the replies."""
    app, runtime, _ = run
    await tg.wait_until(lambda: not tg.queue.pending, timeout=10)
    assert runtime.applier is not None
    await runtime.applier.drained()
    await delivered(app, f"telegram:{CHAT}")


def inbox_rows(database: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(database) as connection:
        return list(connection.execute("SELECT update_id, status, attempts FROM inbox"))


def watch_confirmations(tg: FakeTelegram, database: Path) -> list[tuple[int, bool]]:
    """Each update id getUpdates confirms (its offset passes it), with whether the inbox held
    it at that moment."""
    confirmed: list[tuple[int, bool]] = []
    get_updates = tg.updates.get_updates

    async def watched(params: Params) -> list[dict[str, Any]]:
        offset = params.integer("offset") or 0
        for update in list(tg.queue.pending):
            if update["update_id"] < offset:
                stored = {u for u, _, _ in inbox_rows(database)}
                confirmed.append((update["update_id"], str(update["update_id"]) in stored))
        return await get_updates(params)

    tg.updates.get_updates = watched  # type: ignore[method-assign]
    tg._async_methods["getupdates"] = watched
    return confirmed


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_an_update_is_confirmed_once_recorded_and_a_stopped_run_leaves_it_to_the_next(
    database: Path, tg: FakeTelegram, framework: str
) -> None:
    confirmed = watch_confirmations(tg, database)
    run = await started(database, tg, framework)
    app, runtime, _ = run
    try:
        assert runtime.applier is not None
        await runtime.applier.stop()  # the run dies between recording and applying
        update = await tg.user_text(CHAT, "/start")
        await tg.wait_until(lambda: bool(confirmed))
        assert confirmed == [(update["update_id"], True)]  # durable before confirmed
        assert inbox_rows(database) == [(str(update["update_id"]), "pending", 0)]
        assert tg.sent(CHAT) == []
    finally:
        await stopped(run)

    run = await started(database, tg, framework)  # the next run
    app, runtime, _ = run
    try:
        assert runtime.applier is not None
        await runtime.applier.drained()
        await delivered(app, f"telegram:{CHAT}")
        [welcome] = tg.sent(CHAT)  # applied once: the greeting and the menu in one message
        assert "Xin chào" in (welcome.text or "") and welcome.buttons
        assert inbox_rows(database) == [(str(update["update_id"]), "applied", 0)]
        assert confirmed == [(update["update_id"], True)]  # Telegram sent it once
    finally:
        await stopped(run)


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_an_update_that_keeps_failing_is_retried_then_the_citizen_is_told_once(
    database: Path, tg: FakeTelegram, framework: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = await started(database, tg, framework)
    app, runtime, _ = run
    try:
        assert runtime.applier is not None
        calls: list[str] = []

        async def broken(update: Update) -> Reply:
            calls.append(update.update_id)
            raise RuntimeError("the database went away")

        monkeypatch.setattr(app.router, "handle", broken)
        update = await tg.user_text(CHAT, "/help")
        await settled(tg, run)
        [sorry] = tg.sent(CHAT)
        assert "lỗi" in (sorry.text or "").lower()
        assert calls == [str(update["update_id"])] * MAX_ATTEMPTS
        assert inbox_rows(database) == [(str(update["update_id"]), "failed", MAX_ATTEMPTS)]
        monkeypatch.undo()
        await tg.user_text(CHAT, "/start")  # the chat goes on
        await settled(tg, run)
        assert len(tg.sent(CHAT)) == 2  # the apology, then the greeting with its menu
    finally:
        await stopped(run)
