"""A local fake of a provincial one-stop system's change log, speaking the protocol documented
in bot.dossier_system_http: `GET /changes?after=<cursor>&limit=<n>` with a bearer token, and
the optional "changes available" ping it sends to the bot (`ping()`, POST to `ping_url`).

The cursor is the position in the log (the number of changes before the page). Tests append
changes as officers would make them, and script faults per request: a 500, a hold (slow), or
a malformed page of several kinds.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from aiohttp import ClientSession, web

from services.remote_changes import cursor_key
from tests.contract.fake_http_servers import LocalServer

TOKEN = "one-stop-token-for-tests-0123456789"


class Fault(StrEnum):
    """What the fake does instead of answering one request properly."""

    ERROR_500 = "500"
    SLOW = "slow"  # holds the request until released (or the client gives up)
    NOT_JSON = "not_json"
    BAD_STATUS = "bad_status"  # the page's last change has status 11
    NAIVE_TIME = "naive_time"  # the page's last change has no UTC offset
    OPAQUE_CURSOR = "opaque_cursor"  # `next` is not a number


@dataclass(frozen=True)
class Request:
    """One GET /changes the fake received."""

    after: str
    limit: str
    authorization: str


class FakeOneStop(LocalServer):
    """The one-stop system. `faults` scripts the next requests in order (None: answer well)."""

    def __init__(self, token: str = TOKEN, max_limit: int = 500) -> None:
        app = web.Application()
        app.router.add_get("/api/changes", self._changes)
        super().__init__(app)
        self.token = token
        self.max_limit = max_limit
        self.log: list[dict[str, Any]] = []
        self.faults: list[Fault | None] = []
        self.requests: list[Request] = []
        self.release = asyncio.Event()
        self.ping_url = ""  # where it announces new changes (optional part of the protocol)

    @property
    def base_url(self) -> str:
        """What DOSSIER_SYSTEM_URL would be."""
        return self.url + "/api"

    def append(
        self,
        code: str,
        status: int,
        at: datetime,
        note: str = "",
        change_id: str | int | None = None,
        results: list[str] | None = None,
    ) -> dict[str, Any]:
        """An officer changes a dossier's status in the one-stop system."""
        change: dict[str, Any] = {
            "id": change_id if change_id is not None else f"igate-{len(self.log) + 1}",
            "code": code,
            "status": status,
            "at": at.isoformat(),
            "note": note,
        }
        if results is not None:
            change["results"] = results
        self.log.append(change)
        return change

    async def ping(self) -> int:
        """Tell the bot that changes are available (POST ping_url); the answer's status."""
        headers = {"Authorization": f"Bearer {self.token}"}
        async with ClientSession() as session, session.post(self.ping_url, headers=headers) as r:
            return r.status

    async def _changes(self, request: web.Request) -> web.StreamResponse:
        after, limit = request.query.get("after", ""), request.query.get("limit", "")
        self.requests.append(Request(after, limit, request.headers.get("Authorization", "")))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": "unauthorized"}, status=401)
        if not (after.isdigit() and limit.isdigit()):
            return web.json_response({"error": "bad cursor or limit"}, status=400)
        fault = self.faults.pop(0) if self.faults else None
        if fault is Fault.ERROR_500:
            return web.json_response({"error": "internal"}, status=500)
        if fault is Fault.SLOW:
            await self.release.wait()
        if fault is Fault.NOT_JSON:
            return web.Response(text="<html>Bảo trì hệ thống</html>", content_type="text/html")
        start = int(after)
        page = [dict(c) for c in self.log[start : start + min(int(limit), self.max_limit)]]
        body: dict[str, Any] = {"changes": page, "next": str(start + len(page))}
        if fault is Fault.BAD_STATUS and page:
            page[-1]["status"] = 11
        if fault is Fault.NAIVE_TIME and page:
            page[-1]["at"] = page[-1]["at"][:19]
        if fault is Fault.OPAQUE_CURSOR:
            body["next"] = "eyJwb3MiOiA0Mn0="
        return web.json_response(body)


NAME = "igate"  # the remote system's name in our settings and cursor key


async def stored_cursor(uow_factory: Any) -> int:
    """Where our reading of the fake's change log stands, as stored."""
    async with uow_factory() as uow:
        return int(await uow.cursors.get(cursor_key(NAME)))
