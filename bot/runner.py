"""`dvc-bot run`: one process serving the web chat, the webhooks and (when configured) the
Telegram and Zalo channels, with the scheduler inside; `dvc-bot scheduler`: the scheduler
alone, for deployments with several web workers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import uvicorn

from bot.bootstrap import Application, build
from bot.channels.telegram_runtime import TelegramRuntime, build_telegram
from bot.dossier_system_http import build_dossier_system
from bot.log_setup import configure_logging
from bot.scheduler import Scheduler
from bot.scheduler_lock import SchedulerBusy
from bot.senders import build_transports
from bot.settings import LogFormat, Settings
from bot.web.app import create_http_app

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


async def run(settings: Settings) -> None:
    """Migrate, seed, and serve until interrupted."""
    configure_logging(settings.log_level, settings.log_format is LogFormat.JSON)
    app = await build(settings)
    await app.start()
    telegram: TelegramRuntime | None = build_telegram(app)
    http = create_http_app(app)
    if telegram is not None and telegram.webhook:
        http.include_router(telegram.webhook_router())
    config = uvicorn.Config(
        http, host=settings.host, port=settings.port, log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
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
        await serving
    finally:
        if scheduler is not None:
            await scheduler.stop()
        if telegram is not None:
            await telegram.stop()
        await app.close()


async def run_scheduler(settings: Settings) -> None:
    """The scheduler role: jobs and senders, no web server, until SIGINT/SIGTERM."""
    configure_logging(settings.log_level, settings.log_format is LogFormat.JSON)
    app = await build(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        scheduler = Scheduler(app, await build_transports(app), build_dossier_system(settings))
        try:
            await scheduler.start()
        except SchedulerBusy:
            await scheduler.stop()
            raise
        log.info("scheduler running; stop with Ctrl-C")
        try:
            await stop.wait()
        finally:
            await scheduler.stop()
    finally:
        await app.close()
