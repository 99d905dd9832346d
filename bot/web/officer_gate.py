"""The officer API's door: a request to /api/v1/dossiers… without a known `X-API-Key` is
answered 401 before any of its body is read (a stranger's 30 MB JSON is never parsed), by the
same check and with the same body as the routes' own dependency (which still names the
officer). The remote system's ping under /api/v1 has its own token and is not behind it."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from bot.web.officer_auth import HEADER, OfficerKeys
from bot.web.officer_errors import refusal
from bot.web.officer_models import API_PREFIX

GUARDED = (
    API_PREFIX + "/dossiers",
    API_PREFIX + "/talks",
    API_PREFIX + "/handovers",
)  # every officer route


class OfficerGate:
    """ASGI middleware: unknown or missing keys stop at the door of API_PREFIX."""

    def __init__(self, app: ASGIApp, keys: OfficerKeys) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        guarded = any(path == top or path.startswith(top + "/") for top in GUARDED)
        if scope["type"] != "http" or not guarded:
            await self.app(scope, receive, send)
            return
        presented = _header(scope, HEADER.lower().encode())
        if self.keys.identify(presented) is None:
            await _unauthorized(send)
            return
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _unauthorized(send: Send) -> None:
    error = refusal(401, "unauthorized")
    body = json.dumps({"detail": error.detail}, ensure_ascii=False).encode()
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"www-authenticate", HEADER.encode()),
        (b"connection", b"close"),  # the unread body is not waited for
    ]
    await send({"type": "http.response.start", "status": 401, "headers": headers})
    await send({"type": "http.response.body", "body": body})
