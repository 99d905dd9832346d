"""Caps on request bodies, per route, enforced from the declared length before anything is
read and again while the body streams in (before anything is spooled to disk), and a body
that stops moving is dropped: JSON routes get JSON_LIMIT, the platforms' webhooks
WEBHOOK_LIMIT, the web chat's upload UPLOAD_LIMIT and an officer's result file RESULT_LIMIT.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.files import MAX_FILE_BYTES

MIB = 1024 * 1024
JSON_LIMIT = 64 * 1024  # a chat message, an officer's status change: a few hundred bytes
DEFAULT_LIMIT = JSON_LIMIT  # every route not named below
WEBHOOK_LIMIT = MIB  # a Telegram update quoting a long message stays far below this
# The web chat reads a file over 10 MB to the end without keeping it, to tell the citizen
# its real size; beyond this even that is not worth the bandwidth.
UPLOAD_LIMIT = 32 * MIB
FORM_OVERHEAD = 64 * 1024  # multipart boundaries, headers and a note around one file
RESULT_LIMIT = MAX_FILE_BYTES + FORM_OVERHEAD
UPLOAD_PATH = "/chat/api/upload"
WEBHOOK_PATHS = ("/telegram/webhook", "/zalo/webhook", "/payments/webhook")
IDLE_SECONDS = 30.0


def body_limit(path: str) -> int:
    """The largest body a request to `path` may carry."""
    if path == UPLOAD_PATH:
        return UPLOAD_LIMIT
    if path.startswith("/api/v1/dossiers/") and path.endswith("/result"):
        return RESULT_LIMIT
    if path.startswith(WEBHOOK_PATHS):
        return WEBHOOK_LIMIT
    return DEFAULT_LIMIT


class BodyTooLarge(Exception):
    """The body went over its cap."""


class BodyStalled(Exception):
    """No byte of the body arrived for the idle time."""


class BodyLimit:
    """ASGI middleware answering 413 to a body over its cap, counting as it arrives, and 408
    to one that stalls for `idle_seconds` between two parts."""

    def __init__(self, app: ASGIApp, idle_seconds: float = IDLE_SECONDS) -> None:
        self.app = app
        self.idle_seconds = idle_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(str(scope.get("path", "")))
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, 413, "too_large", "Yêu cầu quá lớn / request too large")
            return
        received = 0
        failed: Exception | None = None
        started = complete = False

        async def counting_receive() -> Message:
            nonlocal received, failed, complete
            if complete:  # the body is in: what follows (a disconnect) may take any time
                return await receive()
            try:
                async with asyncio.timeout(self.idle_seconds):
                    message = await receive()
            except TimeoutError:
                failed = BodyStalled()
                raise failed from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if received > limit:
                    failed = BodyTooLarge()
                    raise failed
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if failed is not None:  # the app's own error response: replaced by ours
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(BodyTooLarge, BodyStalled):
            await self.app(scope, counting_receive, tracking_send)
        if failed is not None and not started:
            if isinstance(failed, BodyTooLarge):
                await _refuse(send, 413, "too_large", "Yêu cầu quá lớn / request too large")
            else:
                detail = "Gửi quá chậm, yêu cầu đã bị hủy / request body timed out"
                await _refuse(send, 408, "timeout", detail, close=True)


async def _refuse(send: Send, status: int, error: str, detail: str, close: bool = False) -> None:
    body = json.dumps({"error": error, "detail": detail}).encode()
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
