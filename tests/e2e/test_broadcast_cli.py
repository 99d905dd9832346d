"""`dvc-bot broadcast` as an admin runs it: a subprocess against the fake Bot API (real
limits enforced) on a SQLite file with 50 Telegram chats. It previews, counts, queues and —
with no scheduler running — sends the broadcast itself, once to every chat; with a scheduler
running it only watches. Refused input exits 2 and queues nothing; --cancel stops a queued one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.bootstrap import Application, build
from bot.scheduler import HEARTBEAT
from bot.settings import Settings
from conversations.messages import Outgoing, Text
from conversations.state import ChatState
from services.broadcasts import Audience, AudienceKind, BroadcastState, advance, progress, start
from services.codec import to_json
from storage.tables import BroadcastRow, OutboxRow
from tests.e2e.fakes.telegram_api import FakeTelegram
from tests.privacy import SERVER_LOGS

CHATS = 50
FIRST = 3_000_000
TEXT = "Thông báo: Bộ phận một cửa phường Thục Phán nghỉ tiếp dân chiều thứ Sáu."
REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 180.0


@dataclass
class Finished:
    """What a finished command printed, and how it exited."""

    code: int
    out: str
    err: str


def settings_env(root: Path, tg: FakeTelegram) -> dict[str, str]:
    """The commands' settings, from the environment only (no developer's .env)."""
    ours = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{root / 'db.sqlite3'}",
        DATA_DIR=str(root),
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE_URL=tg.url,
        PYTHONUNBUFFERED="1",
    )
    return env


async def dvc_bot(root: Path, tg: FakeTelegram, *args: str) -> Finished:
    """Run `python -m bot.cli ARGS` to its end (the fake keeps serving meanwhile)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args,
        cwd=root, env=settings_env(root, tg), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
    except TimeoutError:
        process.kill()
        out, err = await process.communicate()
        raise AssertionError(
            f"dvc-bot {args[0]} did not finish:\n{out.decode()}\n{err.decode()}"
        ) from None
    log = root / f"cli-{len(SERVER_LOGS)}.log"
    log.write_bytes(out + err)
    SERVER_LOGS.append(log)  # scanned for personal data at the end of the suite
    return Finished(process.returncode or 0, out.decode(), err.decode())


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        fake.enforce_rate(global_per_s=30, per_chat_per_s=1)  # Telegram's own limits
        yield fake


@pytest.fixture
async def app(tmp_path: Path, tg: FakeTelegram) -> AsyncIterator[Application]:
    """The database the commands use, with 50 Telegram chats that started the bot."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}",
        data_dir=tmp_path,
        _env_file=None,  # type: ignore[call-arg]
    )
    application = await build(settings)
    state = to_json(ChatState(started=True))
    async with application.uow_factory() as uow:
        for n in range(CHATS):
            await uow.conversations.save(f"telegram:{FIRST + n}", state)
        await uow.commit()
    for n in range(CHATS):
        tg.register_chat(FIRST + n)
    yield application
    await application.close()


def delivered(tg: FakeTelegram, text: str = TEXT) -> Counter[int]:
    """sendMessage calls carrying `text`, per chat."""
    return Counter(
        m.chat_id for m in tg.sent() if m.method == "sendMessage" and text in (m.text or "")
    )


async def broadcasts_and_rows(app: Application) -> tuple[int, int]:
    """How many broadcasts are recorded and how many outbox rows exist."""
    async with app.engine.connect() as connection:
        broadcasts = await connection.scalar(select(func.count()).select_from(BroadcastRow))
        rows = await connection.scalar(select(func.count()).select_from(OutboxRow))
    return int(broadcasts or 0), int(rows or 0)


def broadcast_id(out: str) -> str:
    """The id the command printed: "Broadcast <id> queued. …"."""
    line = next(line for line in out.splitlines() if line.startswith("Broadcast "))
    return line.split()[1]


async def test_with_no_scheduler_the_command_sends_to_every_chat_once(
    tmp_path: Path, tg: FakeTelegram, app: Application
) -> None:
    args = ("broadcast", "--text", TEXT, "--audience", "platform:telegram", "--yes")
    done = await dvc_bot(tmp_path, tg, *args)
    assert done.code == 0, done.err
    assert TEXT in done.out  # the preview, as recipients will read it
    assert f"Recipients: {CHATS} (platform telegram)." in done.out
    assert "No scheduler was running: this process sends the broadcast." in done.out
    assert f"Done: {CHATS} sent, 0 failed, 0 blocked, 0 cancelled, 0 unknown." in done.out
    assert f"broadcast {broadcast_id(done.out)}" in done.err  # the progress bar
    assert f"{CHATS}/{CHATS}" in done.err
    counts = delivered(tg)
    assert set(counts) == {FIRST + n for n in range(CHATS)} and set(counts.values()) == {1}
    async with app.uow_factory() as uow:
        found = await uow.broadcasts.get(broadcast_id(done.out))
        assert found is not None and found.state is BroadcastState.DONE
        assert found.created_by == "cli" and found.total == CHATS


async def test_cancel_stops_a_queued_broadcast(
    tmp_path: Path, tg: FakeTelegram, app: Application
) -> None:
    message = to_json(Outgoing(Text("raw", {"text": TEXT})))
    async with app.uow_factory() as uow:
        audience = Audience(AudienceKind.PLATFORM, "telegram")
        await start(uow, "queued1", "cli", audience, message, app.clock.now())
        await uow.commit()
    await advance(app.uow_factory, app.clock)  # a scheduler tick queued the recipients
    done = await dvc_bot(tmp_path, tg, "broadcast", "--cancel", "queued1")
    assert done.code == 0, done.err
    assert "Broadcast queued1: cancelled." in done.out
    async with app.uow_factory() as uow:
        found = await uow.broadcasts.get("queued1")
        assert found is not None and found.state is BroadcastState.CANCELLED
        figures = await progress(uow, found)
    assert figures.cancelled == CHATS and figures.remaining == 0 and figures.sent == 0
    unknown = await dvc_bot(tmp_path, tg, "broadcast", "--cancel", "nope")
    assert unknown.code == 2 and "no broadcast has the id 'nope'" in unknown.err
    assert not delivered(tg)


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (("--text", TEXT, "--audience", "ward:99999"), "no commune/ward has the code '99999'"),
        (("--text", "x" * 1001, "--audience", "all"), "the message has 1001 characters"),
        (("--text", "   ", "--audience", "all"), "the message is empty"),
    ],
    ids=["unknown-ward", "too-long", "empty"],
)
async def test_refused_input_exits_2_and_queues_nothing(
    tmp_path: Path, tg: FakeTelegram, app: Application, args: tuple[str, ...], why: str
) -> None:
    done = await dvc_bot(tmp_path, tg, "broadcast", *args, "--yes")
    assert done.code == 2, (done.out, done.err)
    assert f"dvc-bot broadcast: {why}" in done.err
    assert "queued" not in done.out
    assert await broadcasts_and_rows(app) == (0, 0)
    assert not tg.calls("sendMessage")


class SchedulerProcess:
    """`python -m bot.cli scheduler`, its output in a log file."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.log = root / "scheduler.log"
        SERVER_LOGS.append(self.log)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "scheduler"],
                cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


async def wait_heartbeat(app: Application, scheduler: SchedulerProcess) -> None:
    """Until the scheduler has taken the lock and said it is alive."""
    for _ in range(600):
        async with app.uow_factory() as uow:
            if await uow.cursors.get(HEARTBEAT):
                return
        assert scheduler.process.poll() is None, scheduler.log.read_text(errors="replace")
        await asyncio.sleep(0.1)
    raise AssertionError("the scheduler never started:\n" + scheduler.log.read_text())


async def test_with_a_scheduler_running_the_command_only_watches(
    tmp_path: Path, tg: FakeTelegram, app: Application
) -> None:
    scheduler = SchedulerProcess(tmp_path, settings_env(tmp_path, tg))
    try:
        await wait_heartbeat(app, scheduler)
        args = ("broadcast", "--text", TEXT, "--audience", "platform:telegram", "--yes")
        done = await dvc_bot(tmp_path, tg, *args)
        assert scheduler.process.poll() is None, scheduler.log.read_text()
    finally:
        await asyncio.to_thread(scheduler.stop)
    assert done.code == 0, done.err
    assert "The running scheduler sends the broadcast; watching." in done.out
    assert "No scheduler was running" not in done.out
    assert f"Done: {CHATS} sent, 0 failed, 0 blocked, 0 cancelled, 0 unknown." in done.out
    counts = delivered(tg)
    assert set(counts) == {FIRST + n for n in range(CHATS)} and set(counts.values()) == {1}
