"""HTTP connections pinned to given web workers, to deliver one request to each at once.

uvicorn's workers share one listening socket and the kernel decides which one accepts a
connection; a test that needs two workers to handle the same request at the same moment opens
connections until each worker has accepted one (fault_sockets names the acceptor).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tests.e2e.fault_sockets import owner_of

MAX_TRIES = 50


@dataclass
class Link:
    """One keep-alive HTTP/1.1 connection, and the worker at its other end."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    host: str
    port: int
    worker: int = 0

    @property
    def local_port(self) -> int:
        return int(self.writer.get_extra_info("sockname")[1])

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """Send one request and read its answer: (status, body)."""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(body)}",
            *(f"{k}: {v}" for k, v in (headers or {}).items()),
        ]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def post_json(
        self, path: str, payload: object, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """POST a JSON body."""
        body = json.dumps(payload).encode()
        return await self.request(
            "POST", path, body, {"Content-Type": "application/json", **(headers or {})}
        )

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


@asynccontextmanager
async def one_link_per_worker(
    host: str, port: int, workers: list[int], wanted: list[int] | None = None
) -> AsyncIterator[dict[int, Link]]:
    """A connection accepted by each of `wanted` (default: every one of `workers`, the
    processes sharing the port); connections another worker accepted are closed at once."""
    wanted = workers if wanted is None else wanted
    links: dict[int, Link] = {}
    try:
        for _ in range(MAX_TRIES):
            if len(links) == len(wanted):
                break
            for kept in links.values():  # uvicorn closes a connection idle for 5 s
                assert (await kept.request("GET", "/healthz"))[0] == 200
            reader, writer = await asyncio.open_connection(host, port)
            link = Link(reader, writer, host, port)
            status, _ = await link.request("GET", "/healthz")  # now a worker has accepted it
            assert status == 200
            link.worker = owner_of(port, link.local_port, workers)
            if link.worker in links or link.worker not in wanted:
                await link.close()
            else:
                links[link.worker] = link
        assert len(links) == len(wanted), f"no connection reached every worker of {wanted}"
        yield links
    finally:
        for link in links.values():
            await link.close()
