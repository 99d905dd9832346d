"""POST /telegram/webhook: Telegram delivers updates here, with the secret set by setWebhook.

The answer is 200 only once the update is applied (the router commits it with its replies);
a failure answers 500, so Telegram delivers the update again and the router applies it once.
"""

from __future__ import annotations

import hmac
import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.channels.telegram import TelegramChannel, describe, update_ref

log = logging.getLogger(__name__)
PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # an update is a few kilobytes


def telegram_webhook_router(channel: TelegramChannel, secret: str) -> APIRouter:
    """The webhook route; a request without the right secret header changes nothing (401)."""
    router = APIRouter()
    expected = secret.encode()

    @router.post(PATH, include_in_schema=False)
    async def webhook(request: Request) -> JSONResponse:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not expected or not hmac.compare_digest(given, expected):
            return JSONResponse({"ok": False}, 401)
        body = await request.body()
        try:
            update = json.loads(body) if len(body) <= MAX_BODY else None
        except ValueError:
            update = None
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return JSONResponse({"ok": False}, 400)
        try:
            await channel.handle(update)
        except Exception as exc:  # noqa: BLE001 - answered 500: Telegram delivers it again
            log.error("telegram update %s failed: %s", update_ref(update), describe(exc))
            return JSONResponse({"ok": False}, 500)
        return JSONResponse({})

    return router
