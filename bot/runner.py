"""`dvc-bot run`: one process serving the web chat (and, when configured, the other channels)."""

from __future__ import annotations

import logging

import uvicorn

from bot.bootstrap import build
from bot.log_setup import configure_logging
from bot.settings import LogFormat, Settings
from bot.web.app import create_http_app

log = logging.getLogger(__name__)


async def run(settings: Settings) -> None:
    """Migrate, seed, and serve until interrupted."""
    configure_logging(settings.log_level, settings.log_format is LogFormat.JSON)
    app = await build(settings)
    await app.start()
    http = create_http_app(app)
    config = uvicorn.Config(
        http, host=settings.host, port=settings.port, log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    log.info("web chat at http://%s:%d/chat", settings.host, settings.port)
    try:
        await server.serve()
    finally:
        await app.close()
