"""A bare echo bot, for bench/telegram_throughput.py to compare dvc-bot with.

    python bench/tg_echo.py ptb|aiogram --api URL --token T [--port P --secret S]

Without --port it polls (getUpdates); with it, it serves a webhook. Two handlers, dispatched by
the library's own machinery (PTB: `Application` with a MessageHandler and a
CallbackQueryHandler; aiogram: `Dispatcher` with a message and a callback-query handler): a
text is answered by the same text, a button press by its data. Configured as dvc-bot is, so
that the comparison measures dvc-bot's work, not a setting:
- the same Bot API client: dvc-bot's own constructors (`ptb_bot`, `aiogram_bot`: the same
  connection pool and keep-alive settings);
- by webhook, the same ASGI server with the same settings (uvicorn, `bot.runner.server_config`)
  at the same path, answering once the update is handled, and a button press answered in the
  webhook's HTTP response as dvc-bot does (answerCallbackQuery, one Bot API call fewer); by
  polling, answerCallbackQuery called, as dvc-bot does there;
- the same allowed_updates;
- the same heap setting: once started, `bot.bootstrap.settle_heap` (collect the start-up's
  garbage, then freeze what is left out of the cyclic collector), as dvc-bot's runner does.
  Without it the echo bot's older-generation collections walk aiogram's and PTB's whole
  start-up heap again and again, and the comparison would measure that setting.
It registers its webhook (or deletes it, for polling) with the (fake) Bot API when ready.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.channels.telegram_inbound import ALLOWED_UPDATES

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Feed = Callable[[dict[str, Any]], Awaitable[None]]
Call = Callable[[], Awaitable[Any]]


@dataclass
class Echo:
    """One library's echo bot: feed it an update, set or delete its webhook, poll, close."""

    feed: Feed
    set_webhook: Callable[[str, str], Awaitable[Any]]
    poll: Call  # runs until cancelled
    close: Call


async def ptb_echo(api: str, token: str, answer_callbacks: bool) -> Echo:
    """PTB: an Application over dvc-bot's own Bot client, with two handlers."""
    from telegram import Update
    from telegram.ext import (
        Application,
        CallbackQueryHandler,
        ContextTypes,
        MessageHandler,
        filters,
    )

    from bot.channels.telegram_ptb import ptb_bot

    application = Application.builder().bot(ptb_bot(token, api)).build()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None and update.effective_chat
        if answer_callbacks:
            await query.answer()
        await context.bot.send_message(update.effective_chat.id, query.data)

    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(press))
    await application.initialize()
    await application.start()

    async def feed(data: dict[str, Any]) -> None:
        await application.process_update(Update.de_json(data, application.bot))

    async def set_webhook(url: str, secret: str) -> Any:
        return await application.bot.set_webhook(
            url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES)
        )

    async def poll() -> None:
        assert application.updater is not None
        await application.bot.delete_webhook()
        await application.updater.start_polling(
            poll_interval=0, timeout=10, allowed_updates=list(ALLOWED_UPDATES)
        )
        try:
            await asyncio.Event().wait()
        finally:
            await application.updater.stop()

    async def close() -> None:
        await application.stop()
        await application.shutdown()

    return Echo(feed, set_webhook, poll, close)


async def aiogram_echo(api: str, token: str, answer_callbacks: bool) -> Echo:
    """aiogram: a Dispatcher over dvc-bot's own Bot client, with two handlers."""
    from aiogram import Dispatcher, F
    from aiogram.types import CallbackQuery, Message

    from bot.channels.telegram_aiogram import aiogram_bot

    bot = aiogram_bot(token, api)
    dispatcher = Dispatcher()

    @dispatcher.message(F.text)
    async def echo(message: Message) -> None:
        assert message.text is not None
        await message.answer(message.text)

    @dispatcher.callback_query()
    async def press(query: CallbackQuery) -> None:
        assert query.data is not None and query.message is not None
        if answer_callbacks:
            await query.answer()
        await bot.send_message(query.message.chat.id, query.data)

    async def feed(data: dict[str, Any]) -> None:
        await dispatcher.feed_webhook_update(bot, data)

    async def set_webhook(url: str, secret: str) -> Any:
        return await bot.set_webhook(
            url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES)
        )

    async def poll() -> None:
        await bot.delete_webhook()
        await dispatcher.start_polling(
            bot,
            polling_timeout=10,
            handle_signals=False,
            close_bot_session=False,
            allowed_updates=list(ALLOWED_UPDATES),
        )

    return Echo(feed, set_webhook, poll, bot.session.close)


def webhook_app(feed: Feed, secret: str) -> Starlette:
    """POST PATH: check the secret header, apply the update, answer 200 (a button press with
    answerCallbackQuery in the answer, as dvc-bot's webhook does)."""
    expected = secret.encode()

    async def webhook(request: Request) -> JSONResponse:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return JSONResponse({"ok": False}, 401)
        update = await request.json()
        await feed(update)
        query = update.get("callback_query")
        if query:
            return JSONResponse({"method": "answerCallbackQuery", "callback_query_id": query["id"]})
        return JSONResponse({})

    return Starlette(routes=[Route(PATH, webhook, methods=["POST"])])


async def serve(library: str, api: str, token: str, port: int | None, secret: str) -> None:
    """Serve the echo bot (by webhook with a port, else by polling) until SIGTERM/SIGINT."""
    from bot.bootstrap import settle_heap
    from bot.runner import server_config

    make = ptb_echo if library == "ptb" else aiogram_echo
    echo = await make(api, token, port is None)
    try:
        if port is None:
            polling = asyncio.create_task(echo.poll())
            await asyncio.sleep(0)  # polling started
            settle_heap()  # as dvc-bot's runner does once every part is started
            await polling
            return
        server = uvicorn.Server(server_config(webhook_app(echo.feed, secret), "127.0.0.1", port))
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn has no event
            await asyncio.sleep(0.05)
        await echo.set_webhook(f"http://127.0.0.1:{port}{PATH}", secret)
        settle_heap()  # as dvc-bot's runner does once every part is started
        await serving
    finally:
        await echo.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("library", choices=["ptb", "aiogram"])
    parser.add_argument("--api", required=True, help="Bot API root, e.g. http://127.0.0.1:8081")
    parser.add_argument("--token", required=True)
    parser.add_argument("--port", type=int, help="serve a webhook here (default: poll)")
    parser.add_argument("--secret", default="")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.library, args.api, args.token, args.port, args.secret))
