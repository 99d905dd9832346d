"""Broadcast throughput as a fraction of the enforced Bot API limit (target ≥ 0.95).

The real sending path: `python -m bot.cli scheduler` runs as its own process (Scheduler → the
broadcast tick queues the recipients → PacedSender claims each outbox row → TelegramTransport
→ python-telegram-bot → HTTP) on a SQLite file seeded with N Telegram chats and one broadcast
to all of them. FakeTelegram (tests/e2e/fakes) answers in this process and enforces the flood
limits: at most `limit` sends in any one-second window, one per chat per 30/limit seconds,
429 with retry_after otherwise. Each accepted send is time-stamped where Telegram would see
it; throughput is measured over the steady part (from `--warmup` seconds after the first send
to the last one), so process start-up and the first queuing tick are left out.

Rows: the real limit (30/s, the sender at its default 29.5/s), then the same limits scaled by
`--scale` (sender and fake together), which shows where this machine becomes the bottleneck.

    python bench/broadcast_throughput.py                        # 900 chats at 30/s, 9,000 at 300/s
    python bench/broadcast_throughput.py --chats 3000 --scale 10 --scale 30
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_section
from bot.bootstrap import build
from bot.settings import Settings
from conversations.messages import Outgoing, Text
from conversations.state import ChatState
from services.broadcasts import Audience, AudienceKind, start
from services.codec import to_json
from tests.e2e.fakes.request_params import Params
from tests.e2e.fakes.telegram_api import FakeTelegram
from tests.e2e.fakes.telegram_state import ApiError

REPO = Path(__file__).resolve().parents[1]
TARGET = 0.95
TELEGRAM_PER_SECOND = 30  # the Bot API's broadcast limit
SENDER_SHARE = 29.5 / 30  # the shipped TELEGRAM_RATE_PER_SECOND, as a share of the limit
FIRST_CHAT = 2_000_000
TEXT = "Thông báo: Bộ phận một cửa tỉnh Cao Bằng nghỉ tiếp dân chiều thứ Sáu 05/12."


@dataclass
class Observed:
    """What the fake Bot API saw: accepted sends (time-stamped) and refusals."""

    accepted: list[float] = field(default_factory=list)
    refused_429: int = 0
    other_errors: int = 0


@dataclass(frozen=True)
class Run:
    """The figures of one run."""

    limit: float
    sender_rate: float
    chats: int
    startup: float  # process start → first message accepted
    steady_rate: float  # accepted messages per second over the steady part
    steady_seconds: float
    refused_429: int
    other_errors: int
    cpu_ms_per_message: float  # the scheduler process's CPU time per message sent

    @property
    def fraction(self) -> float:
        """Achieved rate over the enforced limit."""
        return self.steady_rate / self.limit


def observe(tg: FakeTelegram, seen: Observed) -> None:
    """Time-stamp every sendMessage the fake accepts; count the 429s it answers."""
    original = tg.call

    async def timed(method: str, params: Params) -> Any:
        try:
            result = await original(method, params)
        except ApiError as error:
            if error.status == 429:
                seen.refused_429 += 1
            else:
                seen.other_errors += 1
            raise
        if method.lower() == "sendmessage":
            seen.accepted.append(time.monotonic())
        return result

    tg.call = timed  # type: ignore[method-assign]


def scheduler_env(root: Path, tg: FakeTelegram, rate: float, interval: float) -> dict[str, str]:
    """The scheduler's settings, from the environment only (no .env of the developer)."""
    ours = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{root / 'db.sqlite3'}",
        DATA_DIR=str(root),
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE_URL=tg.url,
        TELEGRAM_RATE_PER_SECOND=str(rate),
        TELEGRAM_CHAT_INTERVAL_SECONDS=str(interval),
        LOG_LEVEL="WARNING",
    )
    return env


async def seed(root: Path, tg: FakeTelegram, chats: int) -> None:
    """N Telegram chats that started the bot, and one broadcast to every Telegram chat."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{root / 'db.sqlite3'}",
        data_dir=root,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = await build(settings)
    state = to_json(ChatState(started=True))
    try:
        async with app.uow_factory() as uow:
            for n in range(chats):
                await uow.conversations.save(f"telegram:{FIRST_CHAT + n}", state)
            message = Outgoing(Text("raw", {"text": TEXT}))
            audience = Audience(AudienceKind.PLATFORM, "telegram")
            await start(uow, "bench", "cli", audience, to_json(message), app.clock.now())
            await uow.commit()
    finally:
        await app.close()
    for n in range(chats):
        tg.register_chat(FIRST_CHAT + n)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def spawn(root: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`python -m bot.cli scheduler`, its output in root/scheduler.log."""
    with (root / "scheduler.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "scheduler"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip


async def wait_sent(
    process: subprocess.Popen[bytes], seen: Observed, chats: int, deadline: float, warmup: float
) -> tuple[float, int]:
    """Wait until every chat got the message; returns the scheduler's CPU seconds and the
    messages sent when the steady part began."""
    steady_from: tuple[float, int] | None = None
    while len(seen.accepted) < chats:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{len(seen.accepted)}/{chats} sent")
        if steady_from is None and seen.accepted and time.monotonic() > seen.accepted[0] + warmup:
            steady_from = cpu_seconds(process.pid), len(seen.accepted)
        await asyncio.sleep(0.2)
    return steady_from or (0.0, 0)


async def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the scheduler finishes its round first), SIGKILL if it takes too long."""
    process.terminate()
    try:
        await asyncio.to_thread(process.wait, 20)
    except subprocess.TimeoutExpired:
        process.kill()
        await asyncio.to_thread(process.wait, 5)


def tail(path: Path) -> str:
    """The end of a log file."""
    return path.read_text(errors="replace")[-3000:] if path.exists() else ""


async def measure(chats: int, scale: float, warmup: float) -> Run:
    """One broadcast to `chats` chats with the limits multiplied by `scale`."""
    limit = TELEGRAM_PER_SECOND * scale
    rate = limit * SENDER_SHARE
    seen = Observed()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        async with FakeTelegram() as tg:
            tg.enforce_rate(global_per_s=limit, per_chat_per_s=scale)
            await seed(root, tg, chats)
            observe(tg, seen)
            env = scheduler_env(root, tg, rate, 1 / scale)
            began = time.monotonic()
            process = spawn(root, env)
            try:
                steady_from = await wait_sent(
                    process, seen, chats, began + 60 + 3 * chats / rate, warmup
                )
                cpu = cpu_seconds(process.pid) - steady_from[0], chats - steady_from[1]
            except RuntimeError as error:
                raise RuntimeError(f"{error}; log:\n{tail(root / 'scheduler.log')}") from None
            finally:
                await stop(process)
    first, last = seen.accepted[0], seen.accepted[-1]
    steady = [t for t in seen.accepted if t > first + warmup]
    span = last - steady[0]
    return Run(
        limit=limit,
        sender_rate=rate,
        chats=chats,
        startup=first - began,
        steady_rate=(len(steady) - 1) / span,
        steady_seconds=span,
        refused_429=seen.refused_429,
        other_errors=seen.other_errors,
        cpu_ms_per_message=cpu[0] / max(cpu[1], 1) * 1000,
    )


def row(run: Run) -> str:
    """One line of the report's table."""
    verdict = "meets" if run.fraction >= TARGET else "below"
    return (
        f"| {run.limit:g}/s (sender {run.sender_rate:g}/s) | {run.chats:,} | {run.startup:.1f} "
        f"| {run.steady_seconds:.1f} | {run.steady_rate:.1f} | **{run.fraction:.3f}** "
        f"| {run.refused_429} | {run.cpu_ms_per_message:.2f} | {verdict} ≥ {TARGET} |"
    )


async def main(
    chats: int, scales: list[float], scaled_chats: int, warmup: float, record: bool
) -> None:
    runs = []
    for scale in [1.0, *scales]:
        count = chats if scale == 1.0 else scaled_chats or round(chats * scale)
        run = await measure(count, scale, warmup)
        runs.append(run)
        print(
            f"limit {run.limit:g}/s, sender {run.sender_rate:g}/s, {run.chats} chats: "
            f"{run.steady_rate:.2f} msg/s over {run.steady_seconds:.1f} s steady "
            f"= {run.fraction:.3f} of the limit; 429s: {run.refused_429}; "
            f"other errors: {run.other_errors}; start-up {run.startup:.1f} s; "
            f"scheduler CPU {run.cpu_ms_per_message:.2f} ms/message"
        )
    if not record:
        return
    write_section(
        "broadcast-throughput",
        "### Broadcast throughput against the enforced Bot API limit\n\n"
        "`python bench/broadcast_throughput.py` — `dvc-bot scheduler` as its own process "
        "(broadcast tick → outbox → paced sender → python-telegram-bot → HTTP) on a SQLite "
        "file with N Telegram chats and one broadcast to them all; the fake Bot API "
        "(tests/e2e/fakes) in the bench process enforces the flood limits (at most *limit* "
        "sends in any one-second window, 429 with retry_after beyond) and time-stamps each "
        f"accepted message. Rate over the steady part: from {warmup:g} s after the first "
        "message to the last (start-up and the first queuing tick excluded). Fraction = "
        "achieved rate / enforced limit; the sender runs at its shipped 29.5/30 of the limit. "
        "The scaled rows multiply both limits (and the sender's) to find where this machine, "
        "not the limit, sets the pace. CPU is the scheduler process's, per message.\n\n"
        "| limit | chats | start-up s | steady s | msg/s | fraction | 429s "
        "| CPU ms/msg | target |\n"
        "|---|---|---|---|---|---|---|---|---|\n" + "\n".join(row(r) for r in runs),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=900, help="chats at the real limit")
    parser.add_argument(
        "--scale", type=float, action="append", default=None, help="scaled rows (default 10)"
    )
    parser.add_argument(
        "--scaled-chats", type=int, default=0, help="chats of a scaled row (default chats×scale)"
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds left out at the start")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args()
    asyncio.run(
        main(args.chats, args.scale or [10.0], args.scaled_chats, args.warmup, not args.no_record)
    )
