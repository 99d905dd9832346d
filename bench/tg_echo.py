"""A bare echo bot behind a webhook, for bench/telegram_throughput.py to compare dvc-bot with.

    python bench/tg_echo.py ptb|aiogram --api URL --token T --port P --secret S

One handler that replies the text it got, dispatched by the library's own machinery
(PTB: `Application.process_update` with one MessageHandler; aiogram: `Dispatcher` with one
message handler, fed by `feed_webhook_update`), served by the same ASGI server as dvc-bot
(uvicorn) at the same path. Like dvc-bot's webhook it answers once the reply is sent, and it
registers its webhook with the (fake) Bot API when it is ready.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Feed = Callable[[dict[str, Any]], Awaitable[None]]
Call = Callable[[], Awaitable[Any]]


async def ptb_echo(api: str, token: str) -> tuple[Feed, Callable[[str, str], Awaitable[Any]], Call]:
    """PTB: an Application (no updater: updates come by webhook) with one MessageHandler."""
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    base = api.rstrip("/")
    application = (
        Application.builder()
        .token(token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .updater(None)
        .build()
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()
    await application.start()

    async def feed(data: dict[str, Any]) -> None:
        await application.process_update(Update.de_json(data, application.bot))

    async def set_webhook(url: str, secret: str) -> Any:
        return await application.bot.set_webhook(url, secret_token=secret)

    async def close() -> None:
        await application.stop()
        await application.shutdown()

    return feed, set_webhook, close


async def aiogram_echo(
    api: str, token: str
) -> tuple[Feed, Callable[[str, str], Awaitable[Any]], Call]:
    """aiogram: a Dispatcher with one message handler."""
    from aiogram import Bot, Dispatcher, F
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.rstrip("/"))))
    dispatcher = Dispatcher()

    @dispatcher.message(F.text)
    async def echo(message: Message) -> None:
        assert message.text is not None
        await message.answer(message.text)

    async def feed(data: dict[str, Any]) -> None:
        await dispatcher.feed_webhook_update(bot, data)

    async def set_webhook(url: str, secret: str) -> Any:
        return await bot.set_webhook(url, secret_token=secret)

    return feed, set_webhook, bot.session.close


def webhook_app(feed: Feed, secret: str) -> Starlette:
    """POST PATH: check the secret header, apply the update, answer 200."""
    expected = secret.encode()

    async def webhook(request: Request) -> JSONResponse:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return JSONResponse({"ok": False}, 401)
        await feed(await request.json())
        return JSONResponse({})

    return Starlette(routes=[Route(PATH, webhook, methods=["POST"])])


async def serve(library: str, api: str, token: str, port: int, secret: str) -> None:
    """Serve the echo bot until SIGTERM/SIGINT."""
    make = ptb_echo if library == "ptb" else aiogram_echo
    feed, set_webhook, close = await make(api, token)
    config = uvicorn.Config(
        webhook_app(feed, secret),
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn has no event
        await asyncio.sleep(0.05)
    try:
        await set_webhook(f"http://127.0.0.1:{port}{PATH}", secret)
        await serving
    finally:
        await close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("library", choices=["ptb", "aiogram"])
    parser.add_argument("--api", required=True, help="Bot API root, e.g. http://127.0.0.1:8081")
    parser.add_argument("--token", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.library, args.api, args.token, args.port, args.secret))
