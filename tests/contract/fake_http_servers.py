"""Local fake servers speaking the wire protocols of the SMS gateway and the population registry.

Each one serves an aiohttp application on 127.0.0.1 at a port the kernel picks, records what
it was asked, and can be told to fail in the ways the real services fail.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from services.citizens import Person

WAIT_SECONDS = 5  # how long a test waits for something that should take milliseconds


class LocalServer:
    """Serves one aiohttp application on loopback."""

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Bind first, so that the port is known before anyone connects."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = int(sock.getsockname()[1])
        self._runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Close the socket and any open connection."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def closed_port_url(path: str = "/") -> str:
    """A loopback URL where nobody listens: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    return f"http://127.0.0.1:{port}{path}"


@dataclass(frozen=True)
class GatewayRequest:
    """One POST the SMS gateway received."""

    path: str
    content_type: str
    authorization: str
    body: Any


class FakeSmsGateway(LocalServer):
    """An SMS gateway: `POST /sms` with JSON {"to", "text"} and a bearer token.

    `statuses` scripts the answers in order (200 once the script is used up); while `hold` is
    set the gateway keeps every request waiting, as a slow network does.
    """

    def __init__(self, token: str) -> None:
        app = web.Application()
        app.router.add_post("/sms", self._sms)
        super().__init__(app)
        self.token = token
        self.statuses: list[int] = []
        self.requests: list[GatewayRequest] = []
        self.received = asyncio.Event()
        self._arrival = asyncio.Condition()
        self.hold = False
        self.release = asyncio.Event()

    async def _sms(self, request: web.Request) -> web.Response:
        self.requests.append(
            GatewayRequest(
                request.path,
                request.content_type,
                request.headers.get("Authorization", ""),
                await request.json(),
            )
        )
        self.received.set()
        async with self._arrival:
            self._arrival.notify_all()
        if self.hold:
            await self.release.wait()
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": "unauthorized"}, status=401)
        status = self.statuses.pop(0) if self.statuses else 200
        return web.json_response({"status": status}, status=status)

    async def wait_for(self, count: int) -> None:
        """Until `count` requests arrived (fails the test after WAIT_SECONDS)."""
        async with asyncio.timeout(WAIT_SECONDS), self._arrival:
            await self._arrival.wait_for(lambda: len(self.requests) >= count)


def person_json(person: Person) -> dict[str, Any]:
    """A person in the shape documented in bot.registry_http."""
    address = person.address
    return {
        "id_number": person.id_number,
        "full_name": person.full_name,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex.value,
        "phone": person.phone,
        "ethnicity": person.ethnicity,
        "email": person.email,
        "address": (
            {
                "province_code": address.province_code,
                "province": address.province,
                "ward_code": address.ward_code,
                "ward": address.ward,
                "detail": address.detail,
            }
            if address.is_two_level
            else {"legacy": address.legacy}
        ),
    }


class FakeRegistryServer(LocalServer):
    """The population registry: `GET {prefix}/citizens/{id}` with a bearer token; 200 or 404.

    `status` forces an answer status; `raw_body` replaces the JSON of every 200 answer.
    """

    def __init__(self, people: Iterable[Person], token: str, prefix: str = "/v1") -> None:
        app = web.Application()
        app.router.add_get(prefix + "/citizens/{id_number}", self._citizen)
        super().__init__(app)
        self.prefix = prefix
        self.people = {p.id_number: p for p in people}
        self.token = token
        self.status: int | None = None
        self.raw_body: str | None = None
        self.requests: list[tuple[str, str]] = []  # (id in the path, Authorization header)

    async def _citizen(self, request: web.Request) -> web.Response:
        id_number = request.match_info["id_number"]
        self.requests.append((id_number, request.headers.get("Authorization", "")))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": "unauthorized"}, status=401)
        if self.status is not None:
            return web.json_response({"error": "forced"}, status=self.status)
        person = self.people.get(id_number)
        if person is None:
            return web.json_response({"error": "not found"}, status=404)
        if self.raw_body is not None:
            return web.Response(text=self.raw_body, content_type="application/json")
        return web.json_response(person_json(person))
