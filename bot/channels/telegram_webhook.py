"""POST /telegram/webhook: Telegram delivers updates here, with the secret set by setWebhook.

The answer is 200 only once the update is applied (the router commits it with its replies);
a failure answers 500, so Telegram delivers the update again and the router applies it once.
A button press is answered in that 200 itself (answerCallbackQuery as the webhook's answer,
which Telegram performs), sparing a Bot API call on most updates.
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
            channel.metrics.webhook_rejected("telegram", "bad_secret")
            return JSONResponse({"ok": False}, 401)
        body = await request.body()
        try:
            update = json.loads(body) if len(body) <= MAX_BODY else None
        except (ValueError, RecursionError):  # bad UTF-8 or JSON, or absurd nesting
            update = None
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            channel.metrics.webhook_rejected("telegram", "malformed")
            return JSONResponse({"ok": False}, 400)
        try:
            callback_id = await channel.handle(update, answer=False)
        except Exception as exc:  # noqa: BLE001 - answered 500: Telegram delivers it again
            log.error("telegram update %s failed: %s", update_ref(update), describe(exc))
            return JSONResponse({"ok": False}, 500)
        if callback_id:  # Telegram performs a method call given as the webhook's answer
            return JSONResponse({"method": "answerCallbackQuery", "callback_query_id": callback_id})
        return JSONResponse({})

    return router
