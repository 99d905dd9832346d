"""A real server for the HTTP edge tests: uvicorn on a random port in the test's event loop,
serving the real application on a copy of a seeded SQLite database, with settings to taste."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from bot.bootstrap import Application, build
from bot.settings import Settings
from bot.web.app import create_http_app
from tests.contract.conftest import run_blocking
from tests.contract.officer_dossiers import KEYS, NOW, prepare
from tests.e2e.conftest import free_port
from tests.fakes import FakeClock
from tests.web_session import BrowserCookie

KB = 1024
MB = 1024 * KB


def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database with the catalogue (for a session-scoped fixture)."""
    folder = tmp_path_factory.mktemp("edges")
    path = folder / "template.sqlite3"
    run_blocking(prepare(f"sqlite+aiosqlite:///{path}", folder))
    return path


class _Server(uvicorn.Server):
    """uvicorn, leaving the test runner's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class World:
    """The real application served on a port, and a client for it."""

    app: Application
    clock: FakeClock
    port: int
    http: httpx.AsyncClient

    @property
    def incoming(self) -> Path:
        return Path(self.app.settings.data_dir) / "incoming"

    def staged_bytes(self) -> int:
        """What the upload staging holds on the disk, partial files included."""
        if not self.incoming.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.incoming.iterdir() if p.is_file())

    browsers: dict[str, BrowserCookie] = field(default_factory=dict)

    async def browser(self, chat: str) -> BrowserCookie:
        """The session cookie of the browser called `chat` (issued on its first visit)."""
        cookie = self.browsers.get(chat)
        if cookie is None:
            cookie = self.browsers[chat] = BrowserCookie()
            cookie.take(await self.http.get("/chat/api/history", headers=cookie.headers))
            assert cookie.token, "the server issued no session"
        return cookie

    async def upload(
        self, chat: str, seq: int, name: str, content: bytes, mime: str = "application/pdf"
    ) -> httpx.Response:
        cookie = await self.browser(chat)
        files = {"file": (name, content, mime)}
        return await self.http.post(
            "/chat/api/upload", data={"seq": str(seq)}, files=files, headers=cookie.headers
        )

    async def say(self, chat: str, seq: int, text: str) -> httpx.Response:
        cookie = await self.browser(chat)
        body = {"seq": seq, "text": text}
        return await self.http.post("/chat/api/message", json=body, headers=cookie.headers)


@contextlib.asynccontextmanager
async def served(template: Path, folder: Path, **overrides: Any) -> AsyncIterator[World]:
    """The application with `overrides` in its settings, served by uvicorn until the end."""
    database = folder / "db.sqlite3"
    shutil.copyfile(template, database)
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{database}",
        data_dir=folder / "data",
        officer_api_keys=KEYS,
        payment_simulator=False,
        flood_burst=0,  # the uploads below come faster than a person sends them
        _env_file=None,  # type: ignore[call-arg]
        **overrides,
    )
    clock = FakeClock(NOW)
    app = await build(settings, prepare=False, clock=clock)
    port = free_port()
    config = uvicorn.Config(
        create_http_app(app), host="127.0.0.1", port=port, log_config=None, access_log=False
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn has no event
        await asyncio.sleep(0.02)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            yield World(app, clock, port, http)
    finally:
        server.should_exit = True
        await task
        await app.close()


def metric(exposition: str, name: str, **labels: str) -> float:
    """One sample's value in a Prometheus text exposition (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{name}(?:\{{{re.escape(wanted)}\}})? (\S+)$" if wanted else rf"^{name} (\S+)$"
    found = re.search(pattern, exposition, re.MULTILINE)
    return float(found.group(1)) if found else 0.0
