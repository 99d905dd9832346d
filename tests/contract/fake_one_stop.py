"""A local fake of a provincial one-stop system, speaking the protocols documented in
bot.dossier_system_http (its change log: `GET /changes?after=<cursor>&limit=<n>` with a bearer
token, and the optional "changes available" ping it sends to the bot: `ping()`, POST to
`ping_url`) and in docs/one-stop-contract.md (the hand-over: `POST /dossiers` and
`POST /dossiers/{id}/{kind}` with an Idempotency-Key, bodies checked against the JSON Schemas
of docs/one-stop-schemas/).

The cursor is the position in the log (the number of changes before the page). Tests append
changes as officers would make them, and script faults per request: a 500, a hold (slow), or
a malformed page of several kinds. The hand-over has faults of its own (`handover_faults`,
per request in order, and `failure_rate`, random 500s), a `latency` on every request, and
counts what a real system would: events received, answers replayed for a key seen before, and
dossiers received twice under different keys (`duplicates`, which must stay 0).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import jsonschema_rs
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


class HandoverFault(StrEnum):
    """What the fake does instead of answering one hand-over properly."""

    ERROR_500 = "500"
    TIMEOUT = "timeout"  # never answers (until the client gives up); nothing is recorded
    SLOW = "slow"  # accepts, but only after `slow_seconds`
    LOST = "lost"  # accepts and records it, then drops the connection: the answer is lost
    REJECT = "reject"  # 422, as for a body it cannot take


SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "one-stop-schemas"
KINDS = ("supplement", "withdraw", "contact_change", "rating")


def schema_validator(name: str) -> Any:
    """A validator of one of the contract's bodies (docs/one-stop-schemas/<name>.json)."""
    return jsonschema_rs.validator_for(json.loads((SCHEMAS / f"{name}.json").read_text()))


@dataclass
class Received:
    """One hand-over event the fake accepted."""

    key: str
    kind: str
    dossier_id: str
    body: dict[str, Any]
    remote_code: str
    received_at: str


@dataclass
class HandoverLog:
    """What the fake's hand-over side saw."""

    events: list[Received] = field(default_factory=list)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # by Idempotency-Key
    requests: int = 0
    replays: int = 0  # a key seen before: answered as the first time, nothing new made
    duplicates: int = 0  # the same dossier submitted again under another key
    failed: int = 0  # answered 5xx (scripted or random) or never answered

    def dossiers(self) -> list[Received]:
        """The submissions received, in order."""
        return [e for e in self.events if e.kind == "submit"]


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
        app.router.add_post("/api/dossiers", self._submit)
        app.router.add_post("/api/dossiers/{dossier_id}/{kind}", self._event)
        super().__init__(app)
        self.handover = HandoverLog()
        self.handover_faults: list[HandoverFault | None] = []
        self.failure_rate = 0.0  # share of hand-overs answered 500 at random
        self.latency = 0.0  # seconds before every hand-over answer
        self.slow_seconds = 1.0
        # Awaited once an event is recorded, before it is answered (a test kills the sender
        # there: the dossier is in, the answer never leaves).
        self.on_recorded: Callable[[Received], Awaitable[None]] | None = None
        self.random = random.Random(14)
        self.validators = {name: schema_validator(name) for name in ("submit", *KINDS)}
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

    async def _submit(self, request: web.Request) -> web.StreamResponse:
        return await self._handover(request, "submit", "")

    async def _event(self, request: web.Request) -> web.StreamResponse:
        kind = request.match_info["kind"]
        if kind not in KINDS:
            return web.json_response({"error": "unknown event kind"}, status=404)
        return await self._handover(request, kind, request.match_info["dossier_id"])

    async def _handover(self, request: web.Request, kind: str, path_id: str) -> web.StreamResponse:
        log = self.handover
        log.requests += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": "unauthorized"}, status=401)
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            return web.json_response({"error": "Idempotency-Key missing"}, status=400)
        fault = self.handover_faults.pop(0) if self.handover_faults else None
        if fault is None and self.failure_rate and self.random.random() < self.failure_rate:
            fault = HandoverFault.ERROR_500
        if fault is HandoverFault.ERROR_500:
            log.failed += 1
            return web.json_response({"error": "internal"}, status=500)
        if fault is HandoverFault.TIMEOUT:
            log.failed += 1
            await asyncio.sleep(3600)
        if fault is HandoverFault.REJECT:
            return web.json_response({"error": "procedure not handled here"}, status=422)
        if key in log.answers:  # the same event again: the same answer, nothing new
            log.replays += 1
            return web.json_response(log.answers[key], status=200)
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": "not JSON"}, status=400)
        errors = [e.message for e in self.validators[kind].iter_errors(body)]
        if errors or (path_id and body.get("dossier_id") != path_id):
            return web.json_response({"error": f"invalid body: {errors[:1]}"}, status=422)
        if fault is HandoverFault.SLOW:
            await asyncio.sleep(self.slow_seconds)
        answer = self._record(key, kind, body)
        if self.on_recorded is not None:
            await self.on_recorded(self.handover.events[-1])
        if fault is HandoverFault.LOST:  # done on our side; the answer never arrives
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)
        return web.json_response(answer, status=201)

    def _record(self, key: str, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        log = self.handover
        dossier_id = str(body["dossier_id"])
        if kind == "submit" and any(e.dossier_id == dossier_id for e in log.dossiers()):
            log.duplicates += 1
        first = next((e for e in log.dossiers() if e.dossier_id == dossier_id), None)
        code = first.remote_code if first else f"000.00.51.H04-{len(log.dossiers()) + 1:06d}"
        at = datetime.now(UTC).isoformat()
        log.events.append(Received(key, kind, dossier_id, body, code, at))
        answer = {"remote_code": code, "received_at": at}
        log.answers[key] = answer
        return answer

    async def fetch_documents(self, received: Received) -> list[tuple[str, bool]]:
        """Fetch every document a hand-over offers, as the one-stop system would: (name,
        whether the bytes' SHA-256 is the one announced)."""
        out = []
        async with ClientSession() as session:
            for document in received.body.get("documents", []):
                async with session.get(document["url"]) as response:
                    content = await response.read() if response.status == 200 else b""
                digest = hashlib.sha256(content).hexdigest()
                out.append((document["name"], bool(content) and digest == document["sha256"]))
        return out


NAME = "igate"  # the remote system's name in our settings and cursor key


async def stored_cursor(uow_factory: Any) -> int:
    """Where our reading of the fake's change log stands, as stored."""
    async with uow_factory() as uow:
        return int(await uow.cursors.get(cursor_key(NAME)))
