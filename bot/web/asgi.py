"""The ASGI application of one web worker, for `dvc-bot web --workers N` (uvicorn imports it in
each worker process): the Application is built at lifespan start-up, on a database that the
parent process has already migrated and seeded; Telegram runs in webhook mode only (the parent
registered the webhook once); no scheduler here (run `dvc-bot scheduler` once)."""

from __future__ import annotations

import logging
from typing import Any

from bot.bootstrap import Application, build, settle_heap
from bot.channels.telegram_runtime import TelegramRuntime, build_telegram
from bot.log_setup import configure_logging
from bot.settings import LogFormat, Settings
from bot.web.app import create_http_app

log = logging.getLogger(__name__)


class WorkerApp:
    """Builds the real app on lifespan start-up and serves it; closes it on shutdown."""

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings
        self._app: Application | None = None
        self._telegram: TelegramRuntime | None = None
        self._http: Any = None

    async def _startup(self) -> None:
        settings = self._settings or Settings()
        configure_logging(settings.log_level, settings.log_format is LogFormat.JSON)
        self._app = await build(settings, prepare=False)
        await self._app.start()
        http = create_http_app(self._app)
        self._telegram = build_telegram(self._app)
        if self._telegram is not None and self._telegram.webhook:
            await self._telegram.open()
            self._http = self._telegram.serve(http)
        else:
            self._http = http

    async def _shutdown(self) -> None:
        if self._telegram is not None:
            await self._telegram.stop()
        if self._app is not None:
            await self._app.close()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    try:
                        await self._startup()
                        settle_heap()
                    except Exception as error:
                        log.exception("web worker failed to start")
                        await send({"type": "lifespan.startup.failed", "message": str(error)})
                        return
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self._shutdown()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await self._http(scope, receive, send)


def create_app() -> WorkerApp:
    """uvicorn's factory (settings from the environment, as in every worker)."""
    return WorkerApp()
