"""The world the fault tests break: a PostgreSQL database of their own, `dvc-bot web
--workers 2` and `dvc-bot scheduler` as real processes, the fake Bot API and a fake SMS
gateway, all on this machine.

    async with fault_world(tmp_path) as world:
        await world.start()                    # web (2 workers) and the scheduler
        world.web.workers()                    # the uvicorn worker processes
        await world.lock_waiters()             # backends waiting for a row lock

Processes are told apart by their sockets (fault_sockets), so that a test can kill the very
worker that is applying an update, or the one calling the Bot API.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from bot.bootstrap import Application, build
from bot.scheduler import HEARTBEAT
from bot.settings import Settings
from tests.e2e.fakes.local_server import free_port
from tests.e2e.fault_fakes import FakeSmsGateway, WatchedTelegram
from tests.e2e.fault_processes import START_TIMEOUT, Role, until
from tests.e2e.fault_sockets import owner_of

REPLY_TIMEOUT = 60.0  # seconds: the replies of one update, a standby scheduler taking over

POSTGRES = os.environ.get(
    "DVC_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
SECRET_KEY = "fault-tests-secret-key-0123456789-abcdefghijklmnop"
SEPAY_SECRET = "sepay-secret-for-fault-tests-0123456789"
WEBHOOK_SECRET = "fault-tests-webhook-secret"
OFFICER_KEY = "fault-tests-officer-key-0123456789"
WORKERS = 2


def dsn(url: str, database: str | None = None) -> str:
    """asyncpg's DSN for a SQLAlchemy URL (optionally another database on the same server)."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def admin(sql: str) -> None:
    """One statement on the server's maintenance database."""
    connection = await asyncpg.connect(dsn(POSTGRES, "postgres"))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@dataclass
class FaultWorld:
    """Everything one fault test runs against."""

    root: Path
    database_url: str
    tg: WatchedTelegram
    sms: FakeSmsGateway
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        self.url = f"http://127.0.0.1:{self.port}"
        web_args = ["web", "--workers", str(WORKERS)]
        ready = "Application startup complete."
        self.web = Role("web", web_args, self.root, self.env(), ready, WORKERS)
        self.scheduler = Role("scheduler", ["scheduler"], self.root, self.env())

    @property
    def database(self) -> str:
        return str(make_url(self.database_url).database)

    def settings(self) -> Settings:
        """The settings of every process of this world."""
        return Settings(
            database_url=self.database_url,
            data_dir=self.root,
            secret_key=SecretStr(SECRET_KEY),
            sepay_webhook_secret=SecretStr(SEPAY_SECRET),
            payment_simulator=False,
            telegram_bot_token=SecretStr(self.tg.token),
            telegram_api_base_url=self.tg.url,
            _env_file=None,  # type: ignore[call-arg]
        )

    def env(self) -> dict[str, str]:
        """The processes' environment: this world's settings and nothing from ours."""
        ours = {name.upper() for name in Settings.model_fields}
        env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
        env.update(
            DATABASE_URL=self.database_url,
            DATA_DIR=str(self.root),
            HOST="127.0.0.1",
            PORT=str(self.port),
            SECRET_KEY=SECRET_KEY,
            SEPAY_WEBHOOK_SECRET=SEPAY_SECRET,
            PAYMENT_SIMULATOR="false",
            SMS_BACKEND="http",
            SMS_GATEWAY_URL=self.sms.url,
            SMS_GATEWAY_TOKEN="sms-token-for-fault-tests",
            TELEGRAM_BOT_TOKEN=self.tg.token,
            TELEGRAM_API_BASE_URL=self.tg.url,
            TELEGRAM_WEBHOOK_URL=f"{self.url}/telegram/webhook",
            TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
            TELEGRAM_CHAT_INTERVAL_SECONDS="0.05",
            OFFICER_API_KEYS=json.dumps({OFFICER_KEY: "*"}),
            STATUS_SYNC_SECONDS="1",
            SENDER_CLAIM_TIMEOUT_SECONDS="2",
            PYTHONUNBUFFERED="1",
            FLOOD_BURST="0",  # journeys run at machine speed (see tests/conftest.py)
        )
        return env

    async def start(self, scheduler: bool = True) -> None:
        """The web role (which migrates and seeds), then the scheduler; until all serve."""
        self.web.start()
        # The parent prepares the database before it starts the workers: the scheduler may
        # start once it has, while the workers start up.
        await until(self._web_prepared, "dvc-bot web to prepare the database", START_TIMEOUT)
        if scheduler:
            await self.start_scheduler()
        await self.web.wait_ready()

    async def start_scheduler(self) -> None:
        """`dvc-bot scheduler`, until it has taken the lock and beaten its first heartbeat."""
        since = datetime.now(UTC)
        self.scheduler.start()

        async def beating() -> bool:
            assert self.scheduler.running, self.scheduler.tail()
            connection = await self.connect()
            try:
                beat = await connection.fetchval(
                    "SELECT updated_at FROM job_cursor WHERE name = $1", HEARTBEAT
                )
            finally:
                await connection.close()
            return beat is not None and beat >= since

        await until(beating, "the scheduler's first heartbeat", START_TIMEOUT)

    async def _web_prepared(self) -> bool:
        assert self.web.running, self.web.tail()
        return self.web.said("Started parent process") > 0

    @asynccontextmanager
    async def app(self, prepare: bool = False) -> AsyncIterator[Application]:
        """The application in this process, on the same database (to look, or to seed);
        with `prepare`, it migrates and seeds the database first."""
        application = await build(self.settings(), prepare=prepare)
        try:
            yield application
        finally:
            await application.close()

    async def connect(self) -> asyncpg.Connection:
        """A connection of the test's own to this world's database."""
        return await asyncpg.connect(dsn(self.database_url))

    async def replies_sent(self, chat_id: int) -> None:
        """Until nothing is queued for this Telegram chat (the scheduler has sent its replies;
        a scheduler that died is replaced by the standby, so this may take a few seconds)."""

        async def nothing_queued() -> bool:
            connection = await self.connect()
            try:
                waiting = await connection.fetchval(
                    "SELECT count(*) FROM outbox WHERE recipient = $1"
                    " AND status IN ('pending', 'sending')",
                    f"telegram:{chat_id}",
                )
            finally:
                await connection.close()
            return waiting == 0

        await until(nothing_queued, f"the replies to chat {chat_id} to be sent", REPLY_TIMEOUT)

    async def lock_waiters(self) -> list[int]:
        """Client ports of this database's backends that wait for a lock now."""
        connection = await self.connect()
        try:
            rows = await connection.fetch(
                "SELECT client_port FROM pg_stat_activity"
                " WHERE datname = $1 AND wait_event_type = 'Lock'",
                self.database,
            )
        finally:
            await connection.close()
        return sorted(int(r["client_port"]) for r in rows)

    def worker_on_database(self, client_port: int) -> int:
        """The web worker whose database connection has this client port."""
        port = make_url(self.database_url).port or 5432
        return owner_of(client_port, port, self.web.workers())

    def caller(self, client_port: int, role: Role) -> int:
        """The process of `role` (a worker, or the scheduler) calling the Bot API from there."""
        candidates = role.workers() or ([role.process.pid] if role.process else [])
        return owner_of(client_port, self.tg.port, candidates)

    def stop(self) -> None:
        """Kill every process: nothing here tests a graceful stop, and a worker uvicorn is
        still starting (after a kill) would hold a graceful one up for seconds."""
        self.scheduler.kill()
        self.web.kill()


@asynccontextmanager
async def fault_world(
    root: Path, *, webhook_retries: int = 20, retry_delay: float = 0.25
) -> AsyncIterator[FaultWorld]:
    """A fresh database (dropped at the end), the fakes, and the roles, not started yet.

    The fake Bot API retries a webhook delivery that got no 2xx `webhook_retries` times,
    `retry_delay` seconds apart (Telegram keeps trying for much longer)."""
    name = f"dvcbot_fault_{secrets.token_hex(4)}"
    await admin(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    sms = FakeSmsGateway()
    await sms.start()
    try:
        tg = WatchedTelegram(webhook_retries=webhook_retries, retry_delay=retry_delay)
        await tg.start()
        world = FaultWorld(root, url, tg, sms)
        try:
            yield world
        finally:
            tg.after_call = None
            await asyncio.to_thread(world.stop)  # the fakes keep answering meanwhile
            await tg.stop()
            print(f"--- web\n{world.web.tail()}\n--- scheduler\n{world.scheduler.tail()}")
    finally:
        await sms.stop()
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
