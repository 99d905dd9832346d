"""A cap on request bodies, enforced while they stream in (before anything is spooled to
disk): uploads may be up to UPLOAD_LIMIT, everything else up to DEFAULT_LIMIT."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_LIMIT = 2 * 1024 * 1024
UPLOAD_LIMIT = 32 * 1024 * 1024  # beyond any real scan; the chat refuses files over 10 MB itself
UPLOAD_PATHS = ("/chat/api/upload", "/api/v1/dossiers/")


class BodyTooLarge(Exception):
    """The body went over its cap."""


class BodyLimit:
    """ASGI middleware answering 413 to a body over its cap, counting as it arrives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        limit = UPLOAD_LIMIT if path.startswith(UPLOAD_PATHS) else DEFAULT_LIMIT
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(send)
            return
        received = 0
        over = started = False

        async def counting_receive() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if over:  # the app's own error response to BodyTooLarge: replaced by the 413
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(BodyTooLarge):
            await self.app(scope, counting_receive, tracking_send)
        if over and not started:
            await _too_large(send)


async def _too_large(send: Send) -> None:
    detail = "Yêu cầu quá lớn / request too large"
    body = json.dumps({"error": "too_large", "detail": detail}).encode()
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
