"""The system under load, as an operator runs it: a fresh PostgreSQL database, `dvc-bot web
--workers N` and one `dvc-bot scheduler`, each a process of its own with settings from the
environment only; plus the CPU time each part used, read from /proc (Linux)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg

from bot.settings import Settings
from tests.e2e.fakes import free_port

ROOT = Path(__file__).resolve().parents[1]
WEBHOOK_SECRET = "bench-Webhook_secret-0123456789"
SEPAY_SECRET = "bench-sepay-hmac-secret-0123456789"
PAYMENT_ACCOUNT = "1234567890"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def descendants(pid: int) -> list[int]:
    """A process and all its children, grandchildren…"""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return found


def postgres_pids(database: str) -> list[int]:
    """The PostgreSQL server's own processes and the backends serving `database` (not those
    of other databases on the same server)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            words = (entry / "cmdline").read_bytes().decode(errors="replace").split()
            backend = any("(" in word for word in words)  # "user db 127.0.0.1(port) state"
            if not backend or database in words:
                pids.append(int(entry.name))
    return pids


def machine_ticks() -> tuple[int, int]:
    """Busy and total CPU ticks of the whole machine so far (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


@dataclass
class CpuSample:
    """CPU seconds used so far, per part of the system, and the machine's ticks."""

    web: float
    scheduler: float
    postgres: float
    generator: float
    wall: float
    busy_ticks: int = 0
    total_ticks: int = 0

    @property
    def busy(self) -> float:
        """How busy the whole machine was (0 to 1), for a difference of two samples."""
        return self.busy_ticks / self.total_ticks if self.total_ticks else 0.0

    def cores(self, seconds: float) -> float:
        """CPU seconds as cores used on average over the sample."""
        return seconds / self.wall if self.wall else 0.0

    @property
    def other(self) -> float:
        """Cores used by processes not ours (other work on the machine), on average."""
        ours = self.web + self.scheduler + self.postgres + self.generator
        return max(0.0, self.busy * (os.cpu_count() or 1) - self.cores(ours))

    def __sub__(self, other: CpuSample) -> CpuSample:
        return CpuSample(
            self.web - other.web,
            self.scheduler - other.scheduler,
            self.postgres - other.postgres,
            self.generator - other.generator,
            self.wall - other.wall,
            self.busy_ticks - other.busy_ticks,
            self.total_ticks - other.total_ticks,
        )


@contextlib.asynccontextmanager
async def fresh_database(server: str) -> AsyncIterator[str]:
    """A new, empty database on `server` (postgresql+asyncpg://user@host:port/any), dropped
    afterwards; yields its SQLAlchemy URL."""
    name = f"dvcbot_load_{secrets.token_hex(4)}"
    plain = server.replace("+asyncpg", "")
    admin = await asyncpg.connect(plain)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield f"{server.rsplit('/', 1)[0]}/{name}"
    finally:
        admin = await asyncpg.connect(plain)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@dataclass(frozen=True)
class Outsiders:
    """Where the processes find Telegram, the SMS gateway and the registry."""

    telegram_token: str
    telegram_url: str
    sms_url: str
    sms_token: str
    registry_url: str
    registry_token: str


def environment(
    database: str, data: Path, port: int, out: Outsiders, framework: str
) -> dict[str, str]:
    """The settings of every process, from the environment only (none of the developer's)."""
    ours = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env.update(
        DATABASE_URL=database,
        DATA_DIR=str(data),
        HOST="127.0.0.1",
        PORT=str(port),
        SECRET_KEY=secrets.token_urlsafe(48),
        LOG_LEVEL="WARNING",
        TELEGRAM_BOT_TOKEN=out.telegram_token,
        TELEGRAM_API_BASE_URL=out.telegram_url,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        BOT_FRAMEWORK=framework,
        SMS_BACKEND="http",
        SMS_GATEWAY_URL=out.sms_url,
        SMS_GATEWAY_TOKEN=out.sms_token,
        CITIZEN_REGISTRY="http",
        CITIZEN_REGISTRY_URL=out.registry_url,
        CITIZEN_REGISTRY_TOKEN=out.registry_token,
        SEPAY_WEBHOOK_SECRET=SEPAY_SECRET,
        PAYMENT_ACCOUNT_NUMBER=PAYMENT_ACCOUNT,
        PAYMENT_SIMULATOR="false",
        # Unpaced, as bench/telegram_throughput.py: the shipped 29.5 messages/s, 1 s per chat
        # and 60 updates a minute are Telegram's and people's limits; with them every step of
        # this closed loop would wait out the chat's 1 s and measure only the pacing.
        TELEGRAM_RATE_PER_SECOND="1000",
        TELEGRAM_CHAT_INTERVAL_SECONDS="0",
        FLOOD_BURST="1000",
        FLOOD_PER_MINUTE="6000",
    )
    return env


class Stack:
    """`dvc-bot web --workers N` and `dvc-bot scheduler` on one database, logs in `data`."""

    def __init__(self, env: dict[str, str], workers: int, data: Path) -> None:
        self.env, self.workers, self.data = env, workers, data
        self.database = env["DATABASE_URL"].rsplit("/", 1)[1]
        self.port = int(env["PORT"])
        self.web: subprocess.Popen[bytes] | None = None
        self.scheduler: subprocess.Popen[bytes] | None = None
        self._used: dict[str, dict[int, float]] = {}  # CPU seconds last read, by part and pid

    @property
    def url(self) -> str:
        """The web workers' address."""
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.data / f"{name}.log").open("ab")
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "bot.cli", *args],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        finally:
            log.close()

    def log_tail(self, name: str, size: int = 3000) -> str:
        """The end of a process's log."""
        path = self.data / f"{name}.log"
        return path.read_text(errors="replace")[-size:] if path.exists() else ""

    def errors_logged(self, keep: int = 6) -> list[str]:
        """The last error lines the web workers and the scheduler logged."""
        lines = []
        for name in ("web", "scheduler"):
            path = self.data / f"{name}.log"
            if path.exists():
                text = path.read_text(errors="replace").splitlines()
                lines += [f"{name}: {line[:300]}" for line in text if " ERROR " in line]
        return lines[-keep:]

    async def start(self, timeout: float = 90.0) -> None:  # noqa: ASYNC109 - a deadline
        """Start the web workers (the parent migrates, seeds and sets the webhook first), wait
        until every worker answers /healthz, then start the scheduler."""
        self.web = self._spawn("web", "web", "--workers", str(self.workers))
        deadline = time.monotonic() + timeout
        children = self.workers if self.workers > 1 else 0  # one worker runs in the parent
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
            while len(descendants(self.web.pid)) - 1 < children or not await _healthy(
                session, self.url
            ):
                if self.web.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"web workers did not start:\n{self.log_tail('web')}")
                await asyncio.sleep(0.2)
            for _ in range(4 * self.workers):  # each worker finishes its lifespan start-up
                await _healthy(session, self.url)
        self.scheduler = self._spawn("scheduler", "scheduler")
        await self._scheduler_alive(deadline)

    async def _scheduler_alive(self, deadline: float) -> None:
        """Until the scheduler's first heartbeat is in the database."""
        connection = await asyncpg.connect(self.env["DATABASE_URL"].replace("+asyncpg", ""))
        try:
            while not await connection.fetchval(
                "SELECT count(*) FROM job_cursor WHERE name = 'scheduler:heartbeat'"
            ):
                assert self.scheduler is not None
                if self.scheduler.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"no scheduler:\n{self.log_tail('scheduler')}")
                await asyncio.sleep(0.2)
        finally:
            await connection.close()

    def cpu(self) -> CpuSample:
        """CPU seconds used so far by each part (the generator is this process)."""
        web = self._used_by("web", descendants(self.web.pid)) if self.web else 0.0
        sched = cpu_seconds(self.scheduler.pid) if self.scheduler else 0.0
        return CpuSample(
            web, sched, self._used_by("postgres", postgres_pids(self.database)),
            time.process_time(),
            time.monotonic(), *machine_ticks(),
        )  # fmt: skip

    def _used_by(self, part: str, pids: list[int]) -> float:
        """CPU seconds of a part's processes so far, those that ended since included (a
        PostgreSQL backend closing its connection, a worker replaced): each keeps what it was
        last seen to have used, so a later sample never counts less."""
        used = self._used.setdefault(part, {})
        for pid in pids:
            used[pid] = max(used.get(pid, 0.0), cpu_seconds(pid))
        return sum(used.values())

    async def stop(self) -> None:
        """SIGTERM, then wait (SIGKILL after 20 s)."""
        for process in (self.scheduler, self.web):
            if process is not None and process.poll() is None:
                process.terminate()
        for process in (self.scheduler, self.web):
            if process is not None:
                try:
                    await asyncio.to_thread(process.wait, 20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    await asyncio.to_thread(process.wait, 5)


async def _healthy(session: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with session.get(f"{url}/healthz") as response:
            return response.status == 200
    except (aiohttp.ClientError, TimeoutError):
        return False


async def quiet_machine(max_busy: float, timeout: float) -> float:  # noqa: ASYNC109
    """Wait (at most `timeout` seconds) until the machine is at most `max_busy` busy over two
    seconds — other people's work on a shared machine would be measured too. Returns how
    busy it was last."""
    deadline = time.monotonic() + timeout
    while True:
        busy, total = machine_ticks()
        await asyncio.sleep(2)
        busy_after, total_after = machine_ticks()
        share = (busy_after - busy) / max(1, total_after - total)
        if share <= max_busy or time.monotonic() > deadline:
            return share


def new_port() -> int:
    """A free local port for the web workers."""
    return free_port()
