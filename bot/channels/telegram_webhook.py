"""POST /telegram/webhook: Telegram delivers updates here, with the secret set by setWebhook.

The answer is 200 only once the update is applied (the router commits it with its replies);
a failure answers 500, so Telegram delivers the update again and the router applies it once.
A button press is answered in that 200 itself (answerCallbackQuery as the webhook's answer,
which Telegram performs), sparing a Bot API call on most updates.

Served in front of the FastAPI app (`WebhookFirst`): updates are most of the traffic, and the
framework's routing and middleware stack cost each one about a tenth of its CPU.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.channels.telegram import TelegramChannel, describe, update_ref
from bot.web.limits import BodyLimit

log = logging.getLogger(__name__)
PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # an update is a few kilobytes


Endpoint = Callable[[Request], Awaitable[JSONResponse]]


def telegram_webhook_router(channel: TelegramChannel, secret: str) -> APIRouter:
    """The webhook route, for apps served without `WebhookFirst` (tests, other mounts)."""
    router = APIRouter()
    endpoint = telegram_webhook_endpoint(channel, secret)
    router.add_api_route(PATH, endpoint, methods=["POST"], include_in_schema=False)
    return router


def telegram_webhook_endpoint(channel: TelegramChannel, secret: str) -> Endpoint:
    """The webhook; a request without the right secret header changes nothing (401)."""
    expected = secret.encode()

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

    return webhook


class WebhookFirst:
    """An ASGI app: a POST to the webhook's path goes straight to the endpoint (under the same
    body cap as every request), anything else to `app` (where the route is too)."""

    def __init__(self, app: ASGIApp, endpoint: Endpoint) -> None:
        self.app = app
        self._endpoint = endpoint
        self._webhook = BodyLimit(self._serve)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == PATH and scope["method"] == "POST":
            await self._webhook(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self._endpoint(Request(scope, receive))
        await response(scope, receive, send)
