"""`dvc-bot run`: one process serving the web chat, the webhooks and (when configured) the
Telegram and Zalo channels, with the scheduler inside; `dvc-bot scheduler`: the scheduler
alone, for deployments with several web workers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import uvicorn
from starlette.types import ASGIApp

from bot.bootstrap import Application, build, settle_heap
from bot.channels.telegram_runtime import TelegramRuntime, build_telegram
from bot.dossier_system_http import build_dossier_system
from bot.log_setup import configure_logging
from bot.metrics import worker_metrics
from bot.scheduler import Scheduler
from bot.scheduler_lock import SchedulerBusy
from bot.senders import build_transports
from bot.settings import LogFormat, Settings
from bot.web.app import create_http_app
from bot.web.ops import serving_ops

log = logging.getLogger(__name__)


async def start_scheduler(app: Application) -> Scheduler | None:
    """The scheduler with a sender per configured platform; None when another process
    already runs one on this database (it keeps doing the work)."""
    scheduler = Scheduler(app, await build_transports(app), build_dossier_system(app.settings))
    try:
        await scheduler.start()
    except SchedulerBusy:
        log.warning("another scheduler runs on this database: this process will not start one")
        await scheduler.stop()
        return None
    return scheduler


def server_config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    """How `dvc-bot run` serves HTTP (bench/tg_echo.py serves its echo bot the same way).

    httptools (a dependency) is named rather than left to `http="auto"`: a missing C parser then
    fails at start instead of silently falling back to the slower pure-Python h11."""
    return uvicorn.Config(
        app, host=host, port=port, http="httptools", log_config=None, access_log=False
    )


async def run(settings: Settings) -> None:
    """Migrate, seed, and serve until interrupted."""
    configure_logging(settings.log_level, settings.log_format is LogFormat.JSON)
    app = await build(settings)
    await app.start()
    telegram: TelegramRuntime | None = build_telegram(app)
    http = create_http_app(app)
    served: ASGIApp = http
    if telegram is not None and telegram.webhook:
        served = telegram.serve(http)
    server = uvicorn.Server(server_config(served, settings.host, settings.port))
    serving = asyncio.create_task(server.serve())
    scheduler: Scheduler | None = None
    try:
        while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn has no event
            await asyncio.sleep(0.05)  # the webhook is set only once the server listens
        if server.started:
            log.info("web chat at http://%s:%d/chat", settings.host, settings.port)
            if telegram is not None:
                await telegram.start()
            if settings.scheduler:
                scheduler = await start_scheduler(app)
            # Last, once every part is built: the bot library's and the web server's modules
            # and models are most of the heap, and they are imported by the parts above.
            settle_heap()
        await serving
    finally:
        if scheduler is not None:
            await scheduler.stop()
        if telegram is not None:
            await telegram.stop()
        await app.close()


STANDBY_SECONDS = 5.0


async def run_scheduler(settings: Settings, standby: float = STANDBY_SECONDS) -> None:
    """The scheduler role: jobs and senders, no web server, until SIGINT/SIGTERM. While
    another scheduler holds the database's lock this one waits on standby, and takes over
    when that one stops or dies (never two at once)."""
    configure_logging(settings.log_level, settings.log_format is LogFormat.JSON)
    app = await build(settings)
    settle_heap()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        async with serving_ops(app):  # /metrics on METRICS_PORT, if set
            await _hold_the_role(app, stop, standby)
    finally:
        await app.close()


async def _hold_the_role(app: Application, stop: asyncio.Event, standby: float) -> None:
    """Run the scheduler until `stop`, standing by while another one holds the lock."""
    settings = app.settings
    scheduler: Scheduler | None = None
    try:
        waiting_said = False
        while not stop.is_set():
            candidate = Scheduler(app, await build_transports(app), build_dossier_system(settings))
            try:
                await candidate.start()
            except SchedulerBusy:
                await candidate.stop()
                if not waiting_said:
                    log.info("another scheduler runs on this database: standing by")
                    waiting_said = True
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), standby)
                continue
            scheduler = candidate
            log.info("scheduler running; stop with Ctrl-C")
            await stop.wait()
    finally:
        if scheduler is not None:
            await scheduler.stop()


def run_web(settings: Settings, workers: int) -> None:
    """`dvc-bot web --workers N`: N web worker processes on one port (uvicorn), no scheduler.

    The database is migrated and seeded once here, and the Telegram webhook registered once;
    each worker then builds the app on start-up. Several workers need PostgreSQL (SQLite
    admits one writer) and Telegram in webhook mode (polling cannot be shared)."""
    configure_logging(settings.log_level, settings.log_format is LogFormat.JSON)
    if workers > 1 and not settings.database_url.startswith("postgresql"):
        raise SystemExit("dvc-bot web --workers N>1 needs DATABASE_URL=postgresql+asyncpg://…")
    if settings.telegram_bot_token is not None and not settings.telegram_webhook_url:
        raise SystemExit("dvc-bot web serves Telegram by webhook: set TELEGRAM_WEBHOOK_URL")
    asyncio.run(_prepare_web(settings))
    with worker_metrics(settings.data_dir, workers):  # counters add up across the workers
        uvicorn.run(
            "bot.web.asgi:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=workers,
            log_config=None,
            access_log=False,
            # A worker starting on a busy host may miss uvicorn's default 5 s health check
            # and be killed and started again (seen under load); give it more time.
            timeout_worker_healthcheck=30,
        )


async def _prepare_web(settings: Settings) -> None:
    app = await build(settings)  # migrates and seeds once, before the workers start
    try:
        telegram = build_telegram(app)
        if telegram is not None:
            await telegram.start()  # registers the webhook and the commands, once
            await telegram.stop()
    finally:
        await app.close()
