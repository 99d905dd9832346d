"""The Telegram channel as settings ask for it: PTB or aiogram, polling or webhook.

telegram = build_telegram(app)      # None without TELEGRAM_BOT_TOKEN
if telegram and telegram.webhook:
    served = telegram.serve(http)       # the webhook route, and the webhook in front
await telegram.start() … await telegram.stop()
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp

from bot.bootstrap import Application
from bot.channels.telegram import Sleep, TelegramChannel
from bot.channels.telegram_webhook import (
    WebhookFirst,
    telegram_webhook_endpoint,
    telegram_webhook_router,
)
from bot.inbox_applier import InboxApplier
from bot.keys import derive, master_secret
from bot.settings import BotFramework, Settings


def webhook_secret(settings: Settings) -> str:
    """TELEGRAM_WEBHOOK_SECRET, or one derived from the server secret (Telegram allows only
    A-Z, a-z, 0-9, _ and -, at most 256 characters)."""
    if settings.telegram_webhook_secret is not None:
        return settings.telegram_webhook_secret.get_secret_value()
    return derive(master_secret(settings), "telegram-webhook").hex()


@dataclass
class TelegramRuntime:
    """The channel, with how to start and stop its transport."""

    channel: TelegramChannel
    webhook_url: str
    secret: str
    _start: Callable[[], Awaitable[None]]
    _stop: Callable[[], Awaitable[None]]
    _open: Callable[[], Awaitable[None]] | None = None
    applier: InboxApplier | None = None  # polling: applies the inbox (tests wait on `drained`)

    @property
    def webhook(self) -> bool:
        """Updates come by webhook (else by polling)."""
        return bool(self.webhook_url)

    def webhook_router(self) -> APIRouter:
        """POST /telegram/webhook, for the one ASGI app."""
        return telegram_webhook_router(self.channel, self.secret)

    def serve(self, http: FastAPI) -> ASGIApp:
        """The ASGI app to serve: `http` with the webhook route, and the webhook in front."""
        http.include_router(self.webhook_router())
        return WebhookFirst(http, telegram_webhook_endpoint(self.channel, self.secret))

    async def start(self) -> None:
        """Register the commands and the webhook, or start polling."""
        await self._start()

    async def open(self) -> None:
        """Webhook mode in one of several web workers: ready the client to answer updates,
        without registering anything (`dvc-bot web` registers the webhook once)."""
        if self._open is not None:
            await self._open()

    async def stop(self) -> None:
        """Stop polling and close the HTTP client (a webhook stays set for other workers)."""
        await self._stop()


def build_telegram(
    app: Application, poll_timeout: int = 10, sleep: Sleep = asyncio.sleep
) -> TelegramRuntime | None:
    """The Telegram channel of `app`, or None when no bot token is configured; `sleep` waits
    out flood control (tests pass one that does not)."""
    settings = app.settings
    if settings.telegram_bot_token is None:
        return None
    token = settings.telegram_bot_token.get_secret_value()
    base = settings.telegram_api_base_url
    url = settings.telegram_webhook_url
    secret = webhook_secret(settings) if url else ""
    if settings.bot_framework is BotFramework.AIOGRAM:
        return _aiogram(app, token, base, url, secret, poll_timeout, sleep)
    return _ptb(app, token, base, url, secret, poll_timeout, sleep)


def _ptb(
    app: Application,
    token: str,
    base: str,
    url: str,
    secret: str,
    poll_timeout: int,
    sleep: Sleep,
) -> TelegramRuntime:
    from bot.channels.telegram_ptb import PtbApi, PtbPolling, ptb_bot  # only the library used

    bot = ptb_bot(token, base)
    channel = TelegramChannel(app, PtbApi(bot), sleep)
    if url:

        async def start() -> None:
            await bot.initialize()
            await channel.startup(url, secret)

        return TelegramRuntime(channel, url, secret, start, bot.shutdown, bot.initialize)
    polling = PtbPolling(app, channel, bot, poll_timeout)
    return TelegramRuntime(channel, "", "", polling.start, polling.stop, None, polling.applier)


def _aiogram(
    app: Application,
    token: str,
    base: str,
    url: str,
    secret: str,
    poll_timeout: int,
    sleep: Sleep,
) -> TelegramRuntime:
    from bot.channels.telegram_aiogram import AiogramApi, AiogramPolling, aiogram_bot

    api = AiogramApi(aiogram_bot(token, base))
    channel = TelegramChannel(app, api, sleep)
    if url:

        async def start() -> None:
            await channel.startup(url, secret)

        return TelegramRuntime(channel, url, secret, start, api.close)
    polling = AiogramPolling(app, api, channel, poll_timeout)
    return TelegramRuntime(channel, "", "", polling.start, polling.stop, None, polling.applier)
