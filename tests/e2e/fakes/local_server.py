"""An aiohttp application served on 127.0.0.1 at a free port, started and stopped from a test."""

from __future__ import annotations

import socket

from aiohttp import web

# Bot API uploads go up to 50 MB; aiohttp refuses bodies over 1 MB unless told otherwise.
MAX_BODY = 60 * 1024 * 1024


class LocalServer:
    """Serves one aiohttp application on loopback; the port is chosen by the kernel."""

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Bind a socket first, so that the port is known and nobody can take it meanwhile."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = int(sock.getsockname()[1])
        self._runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Close the listening socket and any open connection."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now (for servers a library starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
