"""A broadcast to 10,000 Telegram chats through the fake Bot API, which enforces the rate
limits: every chat gets it once, also when the sending process is killed half-way and
restarted; chats that blocked the bot are marked inactive; the admin's progress message
updates in place.

The fake's limits are scaled by SCALE (30 msg/s → 300 msg/s) and the sender's with them,
so the test takes seconds instead of minutes; the ratio between them is the real one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import Application, build
from bot.settings import Settings
from conversations.messages import Outgoing, Text
from conversations.state import ChatState
from services.broadcasts import Audience, AudienceKind, BroadcastState, progress, start
from services.codec import to_json
from tests.e2e.fakes.request_params import Params
from tests.e2e.fakes.telegram_api import FakeTelegram
from tests.privacy import SERVER_LOGS

SCALE = 10
CHATS = 10_000
BLOCKED = (1_000_017, 1_004_242, 1_009_999)
ADMIN = 777
KILL_AFTER = 4_000


def settings_env(root: Path, tg: FakeTelegram, concurrency: int) -> dict[str, str]:
    ours = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{root / 'db.sqlite3'}",
        DATA_DIR=str(root),
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE_URL=tg.url,
        TELEGRAM_RATE_PER_SECOND=str(29.5 * SCALE),
        TELEGRAM_CHAT_INTERVAL_SECONDS=str(1 / SCALE),
        SENDER_CONCURRENCY=str(concurrency),
        SENDER_CLAIM_TIMEOUT_SECONDS="2",
        STATUS_SYNC_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    return env


class SchedulerProcess:
    """`python -m bot.cli scheduler`, killed like a power cut when asked."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env = root, env
        self.log = root / "scheduler.log"
        SERVER_LOGS.append(self.log)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "scheduler"],
                cwd=self.root, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        fake.enforce_rate(global_per_s=30 * SCALE, per_chat_per_s=1 * SCALE)
        yield fake


async def seeded(root: Path, tg: FakeTelegram) -> Application:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{root / 'db.sqlite3'}",
        data_dir=root,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = await build(settings)
    state = to_json(ChatState(started=True))
    async with app.uow_factory() as uow:
        for n in range(CHATS):
            await uow.conversations.save(f"telegram:{1_000_000 + n}", state)
        await uow.conversations.save(f"telegram:{ADMIN}", state)
        await uow.commit()
    for n in range(CHATS):
        tg.register_chat(1_000_000 + n)
    tg.register_chat(ADMIN)
    for chat in BLOCKED:
        tg.block_chat(chat)
    return app


async def queue_broadcast(app: Application) -> str:
    message = Outgoing(Text("raw", {"text": "Thông báo: lịch tiếp dân thay đổi từ 01/12."}))
    async with app.uow_factory() as uow:
        await start(
            uow, "b10k", f"telegram:{ADMIN}", Audience(AudienceKind.PLATFORM, "telegram"),
            to_json(message), app.clock.now(), progress_chat=f"telegram:{ADMIN}",
        )  # fmt: skip
        await uow.commit()
    return "b10k"


def delivered(tg: FakeTelegram) -> Counter[int]:
    return Counter(m.chat_id for m in tg.sent() if m.method == "sendMessage" and m.chat_id != ADMIN)


async def wait_done(app: Application, broadcast_id: str, process: SchedulerProcess) -> Any:
    for _ in range(1200):
        async with app.uow_factory() as uow:
            broadcast = await uow.broadcasts.get(broadcast_id)
            assert broadcast is not None
            figures = await progress(uow, broadcast)
        if broadcast.state is BroadcastState.DONE:
            return figures
        assert process.process is not None and process.process.poll() is None, process.tail()
        await asyncio.sleep(0.25)
    raise AssertionError(f"not done: {figures}\n{process.tail()}")


async def test_ten_thousand_chats_once_each_across_a_kill(tmp_path: Path, tg: FakeTelegram) -> None:
    app = await seeded(tmp_path, tg)
    try:
        broadcast_id = await queue_broadcast(app)
        # One call in flight at a time: the row being sent when the process is killed is the
        # one the fake has just received, so it is known to have arrived (see services.sending:
        # a row in flight at a crash is never sent again).
        process = SchedulerProcess(tmp_path, settings_env(tmp_path, tg, concurrency=1))
        original = tg.call
        seen = 0

        async def kill_half_way(method: str, params: Params) -> Any:
            nonlocal seen
            result = await original(method, params)
            if method.lower() == "sendmessage" and params.chat_id() != ADMIN:
                seen += 1
                if seen == KILL_AFTER:
                    process.kill()  # SIGKILL before the answer reaches the sender
            return result

        tg.call = kill_half_way  # type: ignore[method-assign]
        process.start()
        for _ in range(1200):
            if process.process is not None and process.process.poll() is not None:
                break
            await asyncio.sleep(0.1)
        assert sum(delivered(tg).values()) == KILL_AFTER, process.tail()
        tg.call = original  # type: ignore[method-assign]
        process.start()  # restarted: it must carry on, not start over
        figures = await wait_done(app, broadcast_id, process)
        first = next(m for m in tg.sent(ADMIN) if "Thông báo <code>" in (m.text or ""))

        def final_progress() -> bool:
            shown = tg.message(ADMIN, first.message_id) or {}
            return "đã gửi xong" in str(shown.get("text"))

        await tg.wait_until(final_progress, timeout=15)  # the last figures reach the admin
        process.stop()
    finally:
        await app.close()
    counts = delivered(tg)
    reachable = {1_000_000 + n for n in range(CHATS)} - set(BLOCKED)
    assert set(counts) == reachable and set(counts.values()) == {1}  # everyone, once
    assert figures.blocked == len(BLOCKED) and figures.failed == 0
    # the admin's own Telegram chat is in the audience too (and got it once, see below)
    assert figures.sent + figures.unknown == len(reachable) + 1 and figures.unknown <= 1
    app = await build(
        Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}",
            data_dir=tmp_path,
            _env_file=None,  # type: ignore[call-arg]
        ),
        prepare=False,
    )
    try:
        async with app.uow_factory() as uow:
            for chat in BLOCKED:
                assert not await uow.chats.is_active(f"telegram:{chat}")
            assert await uow.chats.is_active("telegram:1000001")
    finally:
        await app.close()
    # The admin saw one progress message, edited in place as the figures changed, even
    # across the restart; its last state is the final figures.
    to_admin = [m for m in tg.sent(ADMIN) if "lịch tiếp dân" not in (m.text or "")]
    assert len(tg.sent(ADMIN)) - len(to_admin) == 1  # the broadcast itself, once
    assert [m.method for m in to_admin].count("sendMessage") == 1
    assert [m.method for m in to_admin].count("editMessageText") >= 2
    final = str((tg.message(ADMIN, to_admin[0].message_id) or {}).get("text"))
    assert "Bị chặn: 3 · Còn lại: 0" in final, final
